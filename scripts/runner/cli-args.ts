/** Command-line arguments of `npm run workbook`. */
import { parseCommandLine, UsageError } from "../cli-usage";
import { defaultTransport, type Transport } from "./connection";

/** Longest --timeout a Node.js timer can wait: 2^31 - 1 ms, in whole seconds (about 24.8 days). */
export const MAX_TIMEOUT_SECONDS = Math.floor((2 ** 31 - 1) / 1000);

export { UsageError };

/** Parsed, checked CLI options. */
export interface CliOptions {
  out: string;
  /** Seconds per cell; null = no limit. */
  timeout: number | null;
  allowErrors: boolean;
  /** Keep going when a cell's output was lost (it is still marked); default: fail. */
  allowLostOutput: boolean;
  /** How the runner reaches its kernels: ipc (private Unix sockets, default) or tcp (loopback, only when asked for). */
  transport: Transport;
  /** Full stacks in failure messages instead of the notebook's own frames. */
  verbose: boolean;
  /** Notebook paths as given; empty = every notebooks/*.ipynb. */
  notebooks: string[];
  help: boolean;
}

export const USAGE = `usage: npm run workbook -- [--out DIR] [--timeout SECONDS] [--allow-errors] [--allow-lost-output]
                            [--transport ipc|tcp] [--verbose] [NOTEBOOK ...]

Executes tslab notebooks headless on the project's own tslab kernel and writes the executed copies,
each with metadata.workbook (source hash, helper hash, outcome, failed cells). Cells are named as
Jupyter numbers them, In [n] (code cells run so far), then their place among all cells:
"In [3] (cell 5)".

  NOTEBOOK              .ipynb files to run (default: every notebooks/*.ipynb, in name order)
  --out DIR             where executed notebooks go, same file names (default: build/executed)
  --timeout SECONDS     limit per cell, at most ${MAX_TIMEOUT_SECONDS}; 0 means none (default: 120)
  --allow-errors        run every cell even after one fails; list the cells that raised (exit 0)
  --allow-lost-output   do not fail when some output of a cell was lost (the cell is still marked)
  --transport ipc|tcp   ipc (default): Unix sockets in a private 0700 directory, refused if none
                        is short enough; tcp: loopback ports that every local user can reach
  --verbose             full stack traces in failure messages (default: the notebook's own frames)
  -h, --help            show this help

Environment (the model settings are read by the notebooks' kernels; see the README's model table):
  WORKBOOK_MODEL      offline (the demo model), a Hub id (owner/name) or a model directory; unset:
                      the course's checkpoint from the Hub, or the demo model if the Hub cannot be
                      reached. A relative directory is taken from where you typed the command.
  WORKBOOK_HF_CACHE   where Hub downloads are cached (default: build/hf-cache)
  HF_HUB_OFFLINE=1    no downloads, cached files only (with WORKBOOK_MODEL unset: the demo model);
                      TRANSFORMERS_OFFLINE=1 does the same
  HF_ENDPOINT         a Hub mirror to download from instead of https://huggingface.co/
  WORKBOOK_TRANSPORT  default for --transport (ipc or tcp)
  XDG_RUNTIME_DIR, TMPDIR
                      where the kernel's private socket directory is made (then /tmp, /dev/shm)`;

/** Parses argv (without node and script); throws UsageError with a specific message. */
export function parseCliArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): CliOptions {
  const { values, positionals } = parseCommandLine(argv, {
    out: { type: "string" },
    timeout: { type: "string" },
    "allow-errors": { type: "boolean" },
    "allow-lost-output": { type: "boolean" },
    transport: { type: "string" },
    verbose: { type: "boolean" },
    help: { type: "boolean", short: "h" },
  });
  if (values.out !== undefined && values.out.trim() === "") throw new UsageError("--out needs a directory");
  return {
    out: values.out ?? "build/executed",
    timeout: parseTimeout(values.timeout),
    allowErrors: values["allow-errors"] ?? false,
    allowLostOutput: values["allow-lost-output"] ?? false,
    transport: parseTransport(values.transport, env.WORKBOOK_TRANSPORT),
    verbose: values.verbose ?? false,
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
  if (seconds > MAX_TIMEOUT_SECONDS) {
    throw new UsageError(
      `--timeout ${text} is longer than Node.js timers can wait (at most ${MAX_TIMEOUT_SECONDS} s, about 24.8 days); use 0 for no limit`,
    );
  }
  return seconds === 0 ? null : seconds;
}

/** --transport, else WORKBOOK_TRANSPORT, else ipc (tcp on Windows, which has no Unix sockets for zeromq). */
function parseTransport(flag: string | undefined, variable: string | undefined): Transport {
  const [value, source] = flag !== undefined ? [flag, "--transport"] : variable ? [variable, "WORKBOOK_TRANSPORT"] : [undefined, ""];
  if (value === undefined) return defaultTransport();
  if (value !== "ipc" && value !== "tcp") throw new UsageError(`${source} must be ipc or tcp, got "${value}"`);
  return value;
}
