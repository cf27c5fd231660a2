/** Command-line arguments of `npm run workbook`. */
import { parseCommandLine, UsageError } from "../cli-usage";

export { UsageError };

/** Parsed, checked CLI options. */
export interface CliOptions {
  out: string;
  /** Seconds per cell; null = no limit. */
  timeout: number | null;
  allowErrors: boolean;
  /** Notebook paths as given; empty = every notebooks/*.ipynb. */
  notebooks: string[];
  help: boolean;
}

export const USAGE = `usage: npm run workbook -- [--out DIR] [--timeout SECONDS] [--allow-errors] [NOTEBOOK ...]

Executes tslab notebooks headless on the project's own tslab kernel and writes the executed copies.

  NOTEBOOK            .ipynb files to run (default: every notebooks/*.ipynb, in name order)
  --out DIR           where executed notebooks go, same file names (default: build/executed)
  --timeout SECONDS   limit per cell; 0 means none (default: 120)
  --allow-errors      keep going after a failing cell; its error stays in the outputs
  -h, --help          show this help`;

/** Parses argv (without node and script); throws UsageError with a specific message. */
export function parseCliArgs(argv: string[]): CliOptions {
  const { values, positionals } = parseCommandLine(argv, {
    out: { type: "string" },
    timeout: { type: "string" },
    "allow-errors": { type: "boolean" },
    help: { type: "boolean", short: "h" },
  });
  if (values.out !== undefined && values.out.trim() === "") throw new UsageError("--out needs a directory");
  return {
    out: values.out ?? "build/executed",
    timeout: parseTimeout(values.timeout),
    allowErrors: values["allow-errors"] ?? false,
    notebooks: positionals,
    help: values.help ?? false,
  };
}

/** `--timeout` in seconds: a non-negative number, 0 meaning no limit. */
function parseTimeout(text: string | undefined): number | null {
  if (text === undefined) return 120;
  const seconds = Number(text);
  if (text.trim() === "" || !Number.isFinite(seconds) || seconds < 0) {
    throw new UsageError(`--timeout must be a number of seconds ≥ 0 (0 = no limit), got "${text}"`);
  }
  return seconds === 0 ? null : seconds;
}
