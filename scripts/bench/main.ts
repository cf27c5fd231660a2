/** `npm run bench`: measures the workbook's steps against their peers, prints the figures, writes build/bench.json. */
import { resolve } from "node:path";
import { resolveModelPathsFromCommandDir } from "../../src/model/command-dir";
import { parseOrExitCode } from "../cli-usage";
import { checkOutputFile, OutputPathError } from "../output-dir";
import { benchOutputGuard, DEFAULT_OUT, DEFAULT_QUICK_OUT, parseBenchArgs, USAGE } from "./cli-args";
import { formatReport, writeFileAtomic } from "./report";

async function main(argv: string[]): Promise<number> {
  const options = parseOrExitCode("bench", USAGE, () => parseBenchArgs(argv));
  if (typeof options === "number") return options;
  resolveModelPathsFromCommandDir();
  const out = resolve(process.cwd(), options.out);
  const notebooks = options.notebooks.map((p) => resolve(process.cwd(), p));
  const guard = benchOutputGuard(notebooks);
  try {
    // Before minutes of measuring: a --out that would overwrite a source or another file is refused now.
    checkOutputFile(out, guard);
  } catch (error) {
    if (!(error instanceof OutputPathError)) throw error;
    process.stderr.write(`bench: ${error.message}\n`);
    return 2;
  }
  // The measuring code (transformers.js, onnxruntime) is loaded only now: a refused --out answers without it.
  const { FULL_SETTINGS, QUICK_SETTINGS, runBench } = await import("./suite");
  const report = await runBench({
    mode: options.quick ? "quick" : "full",
    settings: options.quick ? QUICK_SETTINGS : FULL_SETTINGS,
    skipNotebooks: options.skipNotebooks,
    notebooks,
    command: ["npm run bench", ...(argv.length > 0 ? ["--", ...argv] : [])].join(" "),
  });
  process.stdout.write(`${formatReport(report)}\n`);
  checkOutputFile(out, guard);
  writeFileAtomic(out, `${JSON.stringify(report, null, 2)}\n`);
  const quickNote = options.out === DEFAULT_QUICK_OUT ? ` (a --quick run never replaces ${DEFAULT_OUT}: its timings mean little)` : "";
  process.stdout.write(`\nwritten: ${out}${quickNote}\n`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`bench: ${(error as Error).stack ?? String(error)}\n`);
    process.exitCode = 1;
  },
);
