// `npm run book [-- --executed DIR --out DIR --no-run]`: turns the executed workbook into a static site that works from file://.
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { staleReason } from "./freshness";
import { buildSite } from "./site";

const root = path.resolve(__dirname, "..", "..");
const { values } = parseArgs({
  options: {
    executed: { type: "string", default: path.join(root, "build", "executed") },
    notebooks: { type: "string", default: path.join(root, "notebooks") },
    out: { type: "string", default: path.join(root, "build", "book") },
    "no-run": { type: "boolean", default: false },
  },
});

/** Runs `npm run workbook` when the executed notebooks are missing or older than their sources; returns false if it failed. */
function refreshWorkbook(): boolean {
  const reason = values["no-run"] ? undefined : staleReason(path.resolve(values.notebooks), path.resolve(values.executed));
  if (!reason) return true;
  console.log(`book: ${reason}; running \`npm run workbook\` first`);
  const run = spawnSync("npm", ["run", "workbook"], { cwd: root, stdio: "inherit" });
  if (run.status === 0) return true;
  console.error(`book: \`npm run workbook\` failed (${run.error?.message ?? `exit ${run.status ?? run.signal}`}); building the book from what it wrote, with failures shown`);
  return false;
}

async function main(): Promise<number> {
  const workbookOk = refreshWorkbook();
  const site = await buildSite(path.resolve(values.executed), path.resolve(values.out));
  for (const step of site.steps) console.log(`book: ${step.slug}.html  ${step.title}  [${step.model.kind}: ${step.model.text}]`);
  const shown = path.relative(process.cwd(), site.outDir);
  console.log(`book: wrote ${site.pages.length} pages to ${shown && !shown.startsWith("..") ? shown : site.outDir}/ (open index.html)`);
  for (const issue of site.issues) console.error(`book: ${issue.slug}.ipynb cell ${issue.cell} ${issue.problem}; see ${issue.slug}.html#cell-${issue.cell}`);
  return site.issues.length === 0 && workbookOk ? 0 : 1;
}

main().then((code) => { process.exitCode = code; }, (error: unknown) => {
  console.error(`book: ${(error as Error).message}`);
  process.exitCode = 1;
});
