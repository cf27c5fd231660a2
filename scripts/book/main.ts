// `npm run book [-- --executed DIR --out DIR --no-run]`: turns the executed workbook into a static site that works from file://.
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { resolveModelPathsFromCommandDir } from "../../src/model/command-dir";
import { parseCommandLine, parseOrExitCode, UsageError } from "../cli-usage";
import { staleReason } from "./freshness";
import { buildSite } from "./site";

const root = path.resolve(__dirname, "..", "..");

const USAGE = `usage: npm run book -- [--executed DIR] [--notebooks DIR] [--out DIR] [--no-run]

Renders the executed workbook into a static course site that opens from file:// with no network.

  --executed DIR    executed notebooks to render (default: build/executed)
  --notebooks DIR   their sources, to tell whether the executed copies are stale (default: notebooks)
  --out DIR         where the site goes (default: build/book)
  --no-run          do not run \`npm run workbook\` first, even when the executed copies are missing or stale
  -h, --help        show this help`;

interface BookOptions {
  executed: string;
  notebooks: string;
  out: string;
  noRun: boolean;
  help: boolean;
}

/** Parses argv (without node and script); throws UsageError naming the bad argument. */
function parseBookArgs(argv: string[]): BookOptions {
  const { values, positionals } = parseCommandLine(argv, {
    executed: { type: "string" },
    notebooks: { type: "string" },
    out: { type: "string" },
    "no-run": { type: "boolean" },
    help: { type: "boolean", short: "h" },
  });
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}": the book is built from a whole directory (--executed DIR)`);
  for (const name of ["executed", "notebooks", "out"] as const) {
    if (values[name] !== undefined && values[name].trim() === "") throw new UsageError(`--${name} needs a directory`);
  }
  return {
    executed: path.resolve(values.executed ?? path.join(root, "build", "executed")),
    notebooks: path.resolve(values.notebooks ?? path.join(root, "notebooks")),
    out: path.resolve(values.out ?? path.join(root, "build", "book")),
    noRun: values["no-run"] ?? false,
    help: values.help ?? false,
  };
}

/** Runs `npm run workbook` when the executed notebooks are missing or older than their sources; returns false if it failed. */
function refreshWorkbook(options: BookOptions): boolean {
  const reason = options.noRun ? undefined : staleReason(options.notebooks, options.executed);
  if (!reason) return true;
  console.log(`book: ${reason}; running \`npm run workbook\` first`);
  const run = spawnSync("npm", ["run", "workbook"], { cwd: root, stdio: "inherit" });
  if (run.status === 0) return true;
  console.error(`book: \`npm run workbook\` failed (${run.error?.message ?? `exit ${run.status ?? run.signal}`}); building the book from what it wrote, with failures shown`);
  return false;
}

async function main(argv: string[]): Promise<number> {
  const options = parseOrExitCode("book", USAGE, () => parseBookArgs(argv));
  if (typeof options === "number") return options;
  resolveModelPathsFromCommandDir();
  const workbookOk = refreshWorkbook(options);
  const site = await buildSite(options.executed, options.out);
  for (const step of site.steps) console.log(`book: ${step.slug}.html  ${step.title}  [${step.model.kind}: ${step.model.text}]`);
  const shown = path.relative(process.cwd(), site.outDir);
  console.log(`book: wrote ${site.pages.length} pages to ${shown && !shown.startsWith("..") ? shown : site.outDir}/ (open index.html)`);
  for (const issue of site.issues) console.error(`book: ${issue.slug}.ipynb cell ${issue.cell} ${issue.problem}; see ${issue.slug}.html#cell-${issue.cell}`);
  return site.issues.length === 0 && workbookOk ? 0 : 1;
}

main(process.argv.slice(2)).then((code) => { process.exitCode = code; }, (error: unknown) => {
  console.error(`book: ${(error as Error).message}`);
  process.exitCode = 1;
});
