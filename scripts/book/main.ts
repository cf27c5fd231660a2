// `npm run book [-- --executed DIR --out DIR --no-run --serve --port N]`: turns the executed workbook into a static site
// that works from file://, and with --serve serves it on 127.0.0.1 for the "try it" panel.
import { spawn } from "node:child_process";
import * as path from "node:path";
import { resolveModelPathsFromCommandDir } from "../../src/model/command-dir";
import { parseOrExitCode } from "../cli-usage";
import { checkOutputDir, OutputPathError } from "../output-dir";
import { parseBookArgs, USAGE, type BookOptions } from "./cli-args";
import { assessCopies, needsRun, type CopyState } from "./freshness";
import { serveSite } from "./serve";
import { bookGuard, buildSite, lazyPageTools, PROJECT_ROOT, type SiteOptions, type TryItResult } from "./site";

const root = PROJECT_ROOT;

/** Where the book reads and writes, as buildSite takes it. */
function siteOptions(options: BookOptions): SiteOptions {
  return { notebooksDir: options.notebooks, helperDir: path.join(path.dirname(options.notebooks), "dist"), defaultOut: path.join(root, "build", "book") };
}

/** A path as the user would type it from here. */
function shown(p: string): string {
  const rel = path.relative(process.cwd(), p);
  return rel && !rel.startsWith("..") && !path.isAbsolute(rel) ? rel : p;
}

/**
 * Executes, into --executed, only the notebooks of --notebooks whose copy is missing, stale (source or helper
 * module changed, by content hash), failed or unproven; returns false if that run failed. `meanwhile` runs while
 * the notebooks execute (the kernels work in other processes), so loading the page renderer costs no extra time.
 */
async function refreshWorkbook(options: BookOptions, meanwhile: () => Promise<void>): Promise<boolean> {
  if (options.noRun) return true;
  const states = assessCopies(options.executed, options.notebooks, siteOptions(options).helperDir);
  const toRun = states.filter(needsRun);
  const sources = states.filter((s) => s.source !== undefined).length;
  if (toRun.length === 0) {
    console.log(`book: all ${sources} executed copies in ${shown(options.executed)} match their sources`);
    return true;
  }
  console.log(`book: executing ${toRun.length} of ${sources} notebooks into ${shown(options.executed)}:`);
  for (const state of toRun) console.log(`  ${state.name}: ${state.why}`);
  // The runner's own entry point, as \`npm run workbook\` starts it, without a second npm in between.
  const args = ["--import", "tsx", path.join(root, "scripts", "runner", "main.ts"), "--out", options.executed, ...toRun.map((s) => s.source!)];
  const run = spawn(process.execPath, args, { cwd: root, stdio: "inherit" });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; error?: Error }>((resolve) => {
    run.once("error", (error) => resolve({ code: null, signal: null, error }));
    run.once("exit", (code, signal) => resolve({ code, signal }));
  });
  await meanwhile();
  const result = await exited;
  if (result.code === 0) return true;
  console.error(`book: \`npm run workbook\` failed (${result.error?.message ?? `exit ${result.code ?? result.signal}`}); building the book from what it wrote, with failures shown`);
  return false;
}

/** The build log's lines about copies that are not clean; true when one of them must fail the build. */
function reportCopies(copies: readonly CopyState[]): boolean {
  let failing = false;
  for (const copy of copies) {
    if (copy.kind === "orphan") console.error(`book: warning: ${copy.name} left out: ${copy.why}`);
    else {
      failing = true;
      const what = copy.kind === "missing" ? "has no page" : copy.kind === "stale" ? "is marked out of date" : copy.kind === "failed" ? "is marked as a failed run" : "is marked as not verified";
      console.error(`book: ${copy.name} ${what}: ${copy.why}`);
    }
  }
  return failing;
}

/**
 * `npm run book` with these arguments; returns the exit code. Exported so tests can run it without a new process,
 * passing the page tools they already loaded.
 */
export async function main(argv: string[], tools = lazyPageTools()): Promise<number> {
  const options = parseOrExitCode("book", USAGE, () => parseBookArgs(argv));
  if (typeof options === "number") return options;
  resolveModelPathsFromCommandDir();
  try {
    // Refuse a dangerous --out before anything runs.
    checkOutputDir(options.outArg, bookGuard(options.executed, siteOptions(options)));
  } catch (error) {
    if (!(error instanceof OutputPathError)) throw error;
    console.error(`book: ${error.message}`);
    return 2;
  }
  // Notebooks that run get new pages: the highlighter loads while they execute.
  const workbookOk = await refreshWorkbook(options, tools.warm);
  const site = await buildSite(options.executed, options.out, { ...siteOptions(options), tools });
  // The model line once per model, not on every page's line.
  const models = [...new Set(site.steps.map((s) => `${s.model.kind}: ${s.model.text}`))];
  for (const step of site.steps) console.log(`book: ${step.slug}.html  ${step.title}${models.length > 1 ? `  [model ${models.indexOf(`${step.model.kind}: ${step.model.text}`) + 1}]` : ""}`);
  models.forEach((model, i) => console.log(`book: model${models.length > 1 ? ` ${i + 1}` : ""}: ${model}`));
  const kept = site.steps.length - site.rendered.length;
  console.log(`book: wrote ${site.pages.length} pages to ${shown(site.outDir)}/ (open index.html)${kept > 0 ? `; ${kept} unchanged since the last build, copied` : ""}`);
  const copiesFail = reportCopies(site.copies);
  for (const issue of site.issues) console.error(`book: ${issue.slug}.ipynb cell ${issue.cell} ${issue.problem}; see ${issue.slug}.html#cell-${issue.cell}`);
  reportTryIt(site.tryIt, options.serve !== undefined);
  const code = site.issues.length === 0 && !copiesFail && workbookOk ? 0 : 1;
  if (options.serve === undefined) return code;
  const server = await serveSite(site.outDir, options.serve);
  console.log(`book: serving ${shown(site.outDir)}/ at ${server.url} (127.0.0.1 only; Ctrl+C stops it)`);
  await new Promise<void>((done) => {
    for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => done());
  });
  await server.close();
  return code;
}

/** The build log's lines about the "try it" panels: which pages have one, what it runs and weighs. */
function reportTryIt(tryIt: TryItResult, serving: boolean): void {
  const running = tryIt.pages.filter((p) => p.model);
  for (const page of tryIt.pages) if (page.why) console.error(`book: warning: ${page.slug}.html: the try-it panel cannot run: ${page.why}`);
  if (running.length === 0) return;
  const { code, runtime, models } = tryIt.weight;
  const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;
  console.log(`book: try-it panel on ${running.map((p) => `${p.slug}.html`).join(", ")}, running ${[...new Set(running.map((p) => p.model))].join(", ")}; ` +
    `adds ${mb(code + runtime + models)} (transformers.js + ONNX Runtime WebAssembly ${mb(runtime)}, model ${mb(models)})`);
  if (!serving) console.log("book: the panel needs http: `npm run book -- --serve` serves the site on 127.0.0.1");
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => { process.exitCode = code; }, (error: unknown) => {
    console.error(`book: ${(error as Error).message}`);
    process.exitCode = 1;
  });
}
