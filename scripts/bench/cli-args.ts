/** Command-line arguments of `npm run bench`. */
import { resolve } from "node:path";
import { parseCommandLine, UsageError } from "../cli-usage";

export { UsageError };

/** Parsed, checked bench options. */
export interface BenchCliOptions {
  /** Few repeats and small sizes: a smoke run (seconds, not minutes); its timings mean little. */
  quick: boolean;
  /** Where the JSON goes (default build/bench.json; with --quick, build/bench-quick.json). */
  out: string;
  /** Leave out the runner vs nbclient and book-rebuild figures (they execute notebooks, the slowest part). */
  skipNotebooks: boolean;
  /** Notebooks for the runner vs nbclient figures, as given; empty = every notebooks/*.ipynb (the quick run: one tiny notebook). */
  notebooks: string[];
  help: boolean;
}

/** Default path of the JSON report, relative to the project root. */
export const DEFAULT_OUT = "build/bench.json";

/** Where a `--quick` smoke run writes unless told otherwise: never over the real measurement in DEFAULT_OUT. */
export const DEFAULT_QUICK_OUT = "build/bench-quick.json";

export const USAGE = `usage: npm run bench -- [--quick] [--out FILE] [--skip-notebooks] [NOTEBOOK ...]

Measures the workbook's steps against their peers on this machine, prints the figures and writes them as JSON.

  NOTEBOOK           notebooks the runner and nbclient execute, and the book-rebuild figure copies
                     (default: every notebooks/*.ipynb; with --quick: one generated one-cell notebook)
  --quick            few repeats and small sizes: a smoke run whose timings mean little
  --out FILE         where to write the JSON, atomically (default: ${DEFAULT_OUT};
                     with --quick: ${DEFAULT_QUICK_OUT}, so a smoke run never replaces the real figures)
  --skip-notebooks   leave out the runner vs nbclient and book-rebuild figures (they take minutes)
  -h, --help         show this help

Environment: WORKBOOK_MODEL picks the model as in the notebooks; PYTHON the interpreter with nbclient
(default /usr/bin/python3).`;

/**
 * What the bench may overwrite: a file it wrote before (a report of schema 1 made by \`npm run bench\`) or a new file,
 * never a source, a notebook it times, or anything in a source folder.
 */
export function benchOutputGuard(notebooks: readonly string[]) {
  return {
    tool: "npm run bench",
    flag: "--out",
    projectRoot: resolve(__dirname, "..", ".."),
    inputs: notebooks.map((nb) => ({ flag: "NOTEBOOK", path: nb })),
    isOwnFile: (text: string) => {
      const report = JSON.parse(text) as { schema?: unknown; command?: unknown };
      return report.schema === 1 && typeof report.command === "string" && report.command.startsWith("npm run bench");
    },
  };
}

/** Parses argv (without node and script); throws UsageError naming the bad argument. */
export function parseBenchArgs(argv: string[]): BenchCliOptions {
  const { values, positionals } = parseCommandLine(argv, {
    quick: { type: "boolean" },
    out: { type: "string" },
    "skip-notebooks": { type: "boolean" },
    help: { type: "boolean", short: "h" },
  });
  const notAnotebook = positionals.find((p) => !p.endsWith(".ipynb"));
  if (notAnotebook !== undefined) throw new UsageError(`"${notAnotebook}" is not a notebook: give .ipynb files to time the runner on`);
  if (values.out !== undefined && values.out.trim() === "") throw new UsageError("--out needs a file path, e.g. --out build/bench.json");
  return {
    quick: values.quick ?? false,
    out: values.out ?? (values.quick ? DEFAULT_QUICK_OUT : DEFAULT_OUT),
    skipNotebooks: values["skip-notebooks"] ?? false,
    notebooks: positionals,
    help: values.help ?? false,
  };
}
