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
  -h, --help          show this help

Environment (read by the notebooks' kernels; see the README's model table):
  WORKBOOK_MODEL      offline (the demo model), a Hub id (owner/name) or a model directory; unset:
                      the course's checkpoint from the Hub, or the demo model if the Hub cannot be
                      reached. A relative directory is taken from where you typed the command.
  WORKBOOK_HF_CACHE   where Hub downloads are cached (default: build/hf-cache)
  HF_HUB_OFFLINE=1    no downloads, cached files only (with WORKBOOK_MODEL unset: the demo model);
                      TRANSFORMERS_OFFLINE=1 does the same
  HF_ENDPOINT         a Hub mirror to download from instead of https://huggingface.co/`;

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
