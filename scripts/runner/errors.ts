import type { Notebook } from "./notebook";
import { neutralizeControls } from "./terminal-text";

/** Base class of every error the runner raises on purpose, so callers can tell them from bugs. */
export class RunnerError extends Error {
  override name = "RunnerError";
}

/** The notebook file cannot be run: missing, not JSON, not nbformat 4, or not a tslab/jslab notebook. */
export class NotebookInputError extends RunnerError {
  override name = "NotebookInputError";
  /** @param path the notebook file the problem is about */
  constructor(
    readonly path: string,
    problem: string,
  ) {
    super(`${path}: ${problem}`);
  }
}

/** The output directory cannot be created or written. */
export class OutputDirError extends RunnerError {
  override name = "OutputDirError";
  constructor(
    readonly dir: string,
    problem: string,
  ) {
    super(`output directory ${dir}: ${problem}`);
  }
}

/** The kernel process did not start or never answered kernel_info. */
export class KernelStartError extends RunnerError {
  override name = "KernelStartError";
  constructor(
    message: string,
    readonly stderr: string,
  ) {
    super(stderr ? `${message}\nkernel stderr:\n${indent(stderr)}` : message);
  }
}

/** What every cell-level failure knows: which cell, what it said, and the notebook as far as it got. */
export interface CellFailure {
  /** 0-based index of the cell in `notebook.cells`. */
  cellIndex: number;
  /** Jupyter's execution number, In [n]: code cells run so far, this one included. */
  executionCount?: number;
  /** The cell's source text. */
  source: string;
  /** Everything the cell wrote to stderr (tslab reports errors only there). */
  stderr: string;
  /** The notebook with the outputs collected until the failure. */
  notebook?: Notebook;
}

/** Base of the errors tied to one cell; the message names the cell and quotes its first lines and stderr. */
export abstract class CellError extends RunnerError {
  readonly cellIndex: number;
  readonly source: string;
  readonly stderr: string;
  /** Jupyter's In [n] of the cell, when it was sent to the kernel. */
  readonly executionCount?: number;
  /** The partially executed notebook, filled in by the executor before the error leaves it. */
  notebook?: Notebook;
  /** Execution numbers of every cell that failed in this run, this one included (set by the executor). */
  failedCells: number[] = [];
  /** True if some cell's output was lost in this run (set by the executor). */
  lostOutput = false;

  constructor(
    private readonly headline: string,
    failure: CellFailure,
  ) {
    super(describeCell(headline, failure, false));
    this.cellIndex = failure.cellIndex;
    this.executionCount = failure.executionCount;
    this.source = failure.source;
    this.stderr = failure.stderr;
    this.notebook = failure.notebook;
  }

  /** The message; `verbose` keeps every stack frame instead of only the notebook's own. */
  describe(verbose: boolean): string {
    return describeCell(this.headline, this, verbose);
  }

  /** 1-based cell number as a reader counts cells in the notebook (markdown cells included). */
  get cellNumber(): number {
    return this.cellIndex + 1;
  }
}

/** The kernel replied `status: "error"` for a cell that does not allow errors. */
export class CellExecutionError extends CellError {
  override name = "CellExecutionError";
  constructor(failure: CellFailure) {
    super(`${cellName(failure)} raised an error`, failure);
  }
}

/** A cell ran longer than the timeout; the kernel was interrupted, and killed if it ignored the interrupt. */
export class CellTimeoutError extends CellError {
  override name = "CellTimeoutError";
  constructor(
    failure: CellFailure,
    readonly timeoutSeconds: number,
    readonly killed: boolean,
  ) {
    const how = killed ? "it ignored the interrupt, so the kernel was killed" : "the kernel was interrupted";
    super(
      `${cellName(failure)} timed out after ${timeoutSeconds} s (${how}); ` +
        `raise --timeout if the cell is just slow`,
      failure,
    );
  }
}

/** The kernel process exited while a cell was running. */
export class DeadKernelError extends CellError {
  override name = "DeadKernelError";
  constructor(
    failure: CellFailure,
    readonly exit: string,
  ) {
    super(`the kernel died while running ${cellName(failure)} (${exit})`, failure);
  }
}

/** Some of a cell's output never reached the runner; the cell carries a marker and the run fails unless allowed. */
export class LostOutputError extends CellError {
  override name = "LostOutputError";
  constructor(
    failure: CellFailure,
    readonly what: string,
  ) {
    super(`output of ${cellName(failure)} was lost (${what}); rerun, or pass --allow-lost-output to keep what arrived`, failure);
  }
}

/** "In [3] (cell 5)": Jupyter's execution number first, then the position among all cells, markdown included. */
export function cellName(failure: Pick<CellFailure, "cellIndex" | "executionCount">): string {
  const position = `cell ${failure.cellIndex + 1}`;
  return failure.executionCount === undefined ? position : `In [${failure.executionCount}] (${position})`;
}

const SOURCE_LINES_SHOWN = 5;
const STDERR_CHARS_SHOWN = 4000;

/**
 * The useful sentence first (the error's own message, or TypeScript's diagnostic), then the first lines of the
 * cell's source, then its stderr with the stack trimmed to the notebook's own frames. Control characters from the
 * cell are made visible, never sent to the terminal.
 */
function describeCell(headline: string, failure: Pick<CellFailure, "source" | "stderr">, verbose: boolean): string {
  const stderr = failure.stderr.trimEnd();
  const sentence = usefulSentence(stderr);
  const lines = failure.source.split("\n");
  const shown = lines.slice(0, SOURCE_LINES_SHOWN).join("\n");
  const more = lines.length > SOURCE_LINES_SHOWN ? `\n    … (${lines.length - SOURCE_LINES_SHOWN} more lines)` : "";
  let text = `${headline}${sentence ? `: ${sentence}` : ""}\n  source:\n${indent(indent(shown))}${more}`;
  if (stderr) {
    const { text: trimmed, hidden } = verbose ? { text: stderr, hidden: 0 } : trimStack(stderr);
    const clipped = trimmed.length > STDERR_CHARS_SHOWN ? `${trimmed.slice(0, STDERR_CHARS_SHOWN)}\n…` : trimmed;
    const note = hidden > 0 ? ` (${hidden} stack frame${hidden === 1 ? "" : "s"} in tslab and Node.js hidden; --verbose shows them)` : "";
    text += `\n  stderr${note}:\n${indent(indent(clipped))}`;
  }
  return neutralizeControls(text);
}

// "TypeError: …", "Error [ERR_X]: …", "MyFailure: …" as Node prints a thrown error, or tslab's "1:7 - …" diagnostic.
const ERROR_LINE = /^(?:(?:[A-Za-z_$][\w$.]*)?(?:Error|Exception|Failure)(?: \[[^\]]*\])?: .*|\d+:\d+ - .*|Uncaught .*)$/m;

/** The line of stderr that says what went wrong, or "" when there is none. */
export function usefulSentence(stderr: string): string {
  const line = ERROR_LINE.exec(stderr)?.[0] ?? "";
  return line.length > 300 ? `${line.slice(0, 300)}…` : line;
}

/** Drops stack frames outside the notebook's own code (tslab's, Node's, libraries'); returns how many were dropped. */
export function trimStack(stderr: string): { text: string; hidden: number } {
  let hidden = 0;
  const kept = stderr.split("\n").filter((line) => {
    const frame = /^\s+at /.test(line);
    if (frame && !line.includes("evalmachine.<anonymous>")) {
      hidden++;
      return false;
    }
    return true;
  });
  return { text: kept.join("\n"), hidden };
}

/** Indents every line by two spaces. */
function indent(text: string): string {
  return text.replace(/^/gm, "  ");
}
