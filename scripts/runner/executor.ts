/**
 * Executes a notebook on a fresh tslab kernel with nbclient's semantics (NotebookClient.async_execute):
 * start kernel → wait for ready → language_info → execute code cells in order → shut down.
 */
import { dirname, resolve } from "node:path";
import type { MessageObserver } from "./client";
import type { Transport } from "./connection";
import type { SocketDirCandidate } from "./socket-dir";
import {
  CellExecutionError,
  CellTimeoutError,
  DeadKernelError,
  LostOutputError,
  RunnerError,
  type CellError,
  type CellFailure,
} from "./errors";
import { Kernel } from "./kernel";
import { describeExit, dropOracleLines, redactSignatures, type KernelExit } from "./kernel-process";
import { cellTags, cloneNotebook, isBlankSource, readNotebook, type CodeCell, type Notebook } from "./notebook";
import { OutputRecorder, stderrText } from "./outputs";
import { timingStamp, type JupyterMessage } from "./wire";

/** Options, named after nbclient's where they mean the same thing. */
export interface ExecuteOptions {
  /** Seconds a cell may run (default 120); null or ≤ 0 means no limit. */
  timeout?: number | null;
  /**
   * nbclient's interrupt_on_timeout: on timeout, interrupt and let the kernel's reply decide (an interrupted cell
   * then fails like any error). Default false: a timeout is a CellTimeoutError, after interrupting the kernel.
   */
  interruptOnTimeout?: boolean;
  /** Seconds to wait after the interrupt before the kernel is killed (default 5). */
  interruptGrace?: number;
  /** Keep going after a cell fails (its stderr stays in the outputs); every later cell still runs. */
  allowErrors?: boolean;
  /** Keep going when some of a cell's output was lost (the cell is still marked); default false: fail. */
  allowLostOutput?: boolean;
  /** Raise on every error, even in cells tagged raises-exception. */
  forceRaiseErrors?: boolean;
  /** Record iopub/shell timestamps in each cell's metadata.execution (default true, as nbclient). */
  recordTiming?: boolean;
  /** Cells with this tag are left untouched (default "skip-execution"). */
  skipCellsWithTag?: string;
  /** Seconds to wait for the idle status after the reply with no output arriving (default 4). */
  iopubTimeout?: number;
  /** Seconds to wait for the kernel to become ready (default 60). */
  startupTimeout?: number;
  /** Working directory of the kernel (default: the notebook's folder). */
  cwd?: string;
  /** A plain tslab binary instead of the project launcher (scripts/kernel/tslab-kernel.cjs); only for comparisons. */
  tslab?: string;
  /** Socket transport (default ipc on POSIX; tcp only when asked for). */
  transport?: Transport;
  /** Where to look for a short private socket directory (default: XDG_RUNTIME_DIR, TMPDIR, /tmp, /dev/shm). */
  socketDirCandidates?: SocketDirCandidate[];
  env?: NodeJS.ProcessEnv;
  /** Progress callback. */
  onProgress?: (event: ProgressEvent) => void;
  /** Receives protocol warnings (default: ignored). */
  warn?: (message: string) => void;
  /** Sees every message sent to the kernel and received from it (e.g. to keep a transcript of the run). */
  onKernelMessage?: MessageObserver;
}

/** Progress of one notebook. */
export type ProgressEvent =
  | { type: "kernel-ready"; startupSeconds: number; cellsToRun: number }
  | { type: "cell-start"; cellIndex: number; done: number; cellsToRun: number }
  | { type: "cell-end"; cellIndex: number; done: number; cellsToRun: number; timing: CellTiming };

/** How one executed cell went. */
export interface CellTiming {
  cellIndex: number;
  seconds: number;
  /** `error`: the kernel replied error and errors were allowed; `aborted`: tslab skipped it after an error. */
  status: "ok" | "error" | "aborted";
}

/** The executed notebook and where the time went. */
export interface ExecuteResult {
  notebook: Notebook;
  cells: CellTiming[];
  kernelStartSeconds: number;
  /** Wall time from the start to the last cell, kernel start included (shutdown, which follows, is not). */
  seconds: number;
  /** Execution numbers (In [n]) of the cells that raised without being allowed to by a raises-exception tag. */
  failedCells: number[];
  /** True when some output of a cell was lost (that cell carries a marker output). */
  lostOutput: boolean;
}

// tslab aborts requests arriving within 200 ms of an error (execQueue.reset(200)); wait a little longer.
const ABORT_WINDOW_MS = 300;
// How often a request tslab aborted anyway is sent again.
const ABORT_RETRIES = 3;

const DEFAULTS = {
  timeout: 120,
  interruptGrace: 5,
  iopubTimeout: 4,
  startupTimeout: 60,
  skipCellsWithTag: "skip-execution",
};

/** Reads a notebook file and executes it in its own folder; the file itself is never modified. */
export async function executeNotebook(path: string, options: ExecuteOptions = {}): Promise<ExecuteResult> {
  const notebook = await readNotebook(path);
  return executeNotebookObject(notebook, { ...options, cwd: options.cwd ?? dirname(resolve(path)) });
}

/** Executes an already parsed notebook (a copy of it) in `options.cwd` (default: the current directory). */
export async function executeNotebookObject(source: Notebook, options: ExecuteOptions = {}): Promise<ExecuteResult> {
  const startedAt = performance.now();
  return executeOnKernel(source, startKernelFor(source, options), options, startedAt);
}

/** Starts the kernel a notebook asks for (its kernelspec) in `options.cwd`; separate so batches can start it early. */
export function startKernelFor(notebook: Notebook, options: ExecuteOptions = {}): Promise<Kernel> {
  try {
    checkDurations(options);
  } catch (error) {
    return Promise.reject(error);
  }
  return Kernel.start({
    kernelName: notebook.metadata.kernelspec?.name ?? "tslab",
    cwd: options.cwd ?? process.cwd(),
    tslab: options.tslab,
    transport: options.transport,
    socketDirCandidates: options.socketDirCandidates,
    startupTimeoutMs: (options.startupTimeout ?? DEFAULTS.startupTimeout) * 1000,
    env: options.env,
    warn: options.warn,
    onMessage: options.onKernelMessage,
  });
}

/** The longest delay Node's timers accept (2^31 - 1 ms, about 24.8 days); longer ones fire at once, with a warning. */
export const MAX_TIMER_SECONDS = Math.floor((2 ** 31 - 1) / 1000);

/** Throws a RunnerError if a duration option is longer than a timer can wait (instead of a TimeoutOverflowWarning flood). */
export function checkDurations(options: ExecuteOptions): void {
  for (const name of ["timeout", "interruptGrace", "iopubTimeout", "startupTimeout"] as const) {
    const value = options[name];
    if (typeof value === "number" && value > MAX_TIMER_SECONDS) {
      throw new RunnerError(`${name} of ${value} s is longer than the longest timer Node.js supports (${MAX_TIMER_SECONDS} s, about 24.8 days)`);
    }
  }
}

/** Executes a copy of `source` on a kernel being started for it, and always shuts that kernel down. */
export async function executeOnKernel(
  source: Notebook,
  starting: Promise<Kernel>,
  options: ExecuteOptions,
  startedAt = performance.now(),
): Promise<ExecuteResult> {
  const notebook = cloneNotebook(source);
  const kernel = await starting;
  try {
    checkDurations(options);
  } catch (error) {
    await kernel.shutdown();
    throw error;
  }
  const run = new NotebookRun(notebook, kernel, options, options.warn ?? (() => {}));
  try {
    await run.setLanguageInfo();
    const cells = await run.executeAll();
    const seconds = (performance.now() - startedAt) / 1000;
    return { notebook, cells, kernelStartSeconds: kernel.startupMs / 1000, seconds, failedCells: run.failedCells, lostOutput: run.lostOutput };
  } catch (error) {
    if (isCellError(error)) {
      error.notebook = notebook;
      error.failedCells = run.failedCells;
      error.lostOutput = run.lostOutput;
    }
    throw error;
  } finally {
    await kernel.shutdown();
  }
}

/** State of one notebook execution: the cell loop of nbclient's async_execute_cell. */
class NotebookRun {
  private codeCellsExecuted = 0;
  private readonly recorder: OutputRecorder;
  /** Execution numbers of cells that raised (or timed out) without a raises-exception tag. */
  readonly failedCells: number[] = [];
  lostOutput = false;
  // When the last error reply came: tslab aborts every request that arrives within ~200 ms of an error.
  private lastErrorAt: number | null = null;
  private readonly recordTiming: boolean;

  constructor(
    private readonly notebook: Notebook,
    private readonly kernel: Kernel,
    private readonly options: ExecuteOptions,
    private readonly warn: (message: string) => void,
  ) {
    this.recordTiming = options.recordTiming ?? true;
    this.recorder = new OutputRecorder(notebook, this.recordTiming, warn);
  }

  /** Copies the kernel's language_info into the notebook metadata. */
  async setLanguageInfo(): Promise<void> {
    const reply = await this.kernel.kernelInfo();
    const languageInfo = reply.content.language_info;
    if (!languageInfo || typeof languageInfo !== "object") {
      throw new RunnerError(`kernel_info_reply has no language_info: ${JSON.stringify(reply.content)}`);
    }
    this.notebook.metadata.language_info = languageInfo as Record<string, unknown>;
  }

  /** Runs every executable cell in order; stops at the first failure that is not allowed. */
  async executeAll(): Promise<CellTiming[]> {
    const toRun = this.notebook.cells
      .map((cell, index) => ({ cell, index }))
      .filter(({ cell }) => this.shouldExecute(cell));
    this.options.onProgress?.({ type: "kernel-ready", startupSeconds: this.kernel.startupMs / 1000, cellsToRun: toRun.length });
    const timings: CellTiming[] = [];
    for (const [done, { cell, index }] of toRun.entries()) {
      this.options.onProgress?.({ type: "cell-start", cellIndex: index, done, cellsToRun: toRun.length });
      const timing = await this.executeCell(cell as CodeCell, index);
      timings.push(timing);
      this.options.onProgress?.({ type: "cell-end", cellIndex: index, done: done + 1, cellsToRun: toRun.length, timing });
    }
    return timings;
  }

  /** Code cells with non-blank source and without the skip tag; everything else stays as it is, outputs included. */
  private shouldExecute(cell: Notebook["cells"][number]): boolean {
    const skipTag = this.options.skipCellsWithTag ?? DEFAULTS.skipCellsWithTag;
    return cell.cell_type === "code" && !isBlankSource(cell.source) && !cellTags(cell).includes(skipTag);
  }

  /**
   * Executes one cell: send, collect iopub until idle, wait for the reply under the timeout, check for errors.
   * A request tslab aborted without running it (it arrived in the window after an error) is sent again.
   */
  private async executeCell(cell: CodeCell, cellIndex: number): Promise<CellTiming> {
    const startedAt = performance.now();
    const tags = cellTags(cell);
    const expectsError = tags.includes("raises-exception");
    const allowsErrors = !this.options.forceRaiseErrors && (!!this.options.allowErrors || expectsError);
    this.codeCellsExecuted++;
    // The client's own count, even for cells tslab aborted (nbclient passes execution_count explicitly).
    const executionCount = this.codeCellsExecuted;
    let reply: JupyterMessage;
    for (let attempt = 0; ; attempt++) {
      await this.settleAfterError();
      reply = await this.executeOnce(cell, cellIndex, allowsErrors, executionCount);
      if (!isAborted(reply) || attempt >= ABORT_RETRIES) break;
      // Not run at all: tslab was still inside its abort window. Nothing of the cell ran, so sending it again is safe.
      this.lastErrorAt = performance.now();
    }
    cell.execution_count = executionCount;

    const status = reply.content.status;
    if (status === "error") {
      this.lastErrorAt = performance.now();
      if (!(expectsError && !this.options.forceRaiseErrors)) this.failedCells.push(executionCount);
      if (!allowsErrors) throw new CellExecutionError(this.failure(cell, cellIndex, executionCount));
    }
    const seconds = (performance.now() - startedAt) / 1000;
    return { cellIndex, seconds, status: status === "error" ? "error" : isAborted(reply) ? "aborted" : "ok" };
  }

  /** Waits out tslab's abort window after an error, so the next request is run rather than aborted. */
  private async settleAfterError(): Promise<void> {
    if (this.lastErrorAt === null) return;
    const wait = this.lastErrorAt + ABORT_WINDOW_MS - performance.now();
    this.lastErrorAt = null;
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  }

  /** One execute_request: send, wait for the reply, drain iopub to the idle status, check nothing was lost. */
  private async executeOnce(cell: CodeCell, cellIndex: number, allowsErrors: boolean, executionCount: number): Promise<JupyterMessage> {
    if (this.recordTiming) cell.metadata.execution = {};
    const lostBefore = this.kernel.process.lostOutputMessages;
    const msgId = await this.kernel.client.send("shell", "execute_request", {
      code: cell.source,
      silent: false,
      store_history: true,
      user_expressions: {},
      allow_stdin: false,
      stop_on_error: !allowsErrors,
    });
    this.recorder.beginCell(cell);

    const pump = new IopubPump(this.kernel, this.recorder, msgId, cellIndex);
    const reply = await this.waitForReply(msgId, cell, cellIndex, pump, executionCount);
    if (this.recordTiming) cell.metadata.execution!["shell.execute_reply"] = timingStamp(reply.header.date);
    const idle = await pump.finish((this.options.iopubTimeout ?? DEFAULTS.iopubTimeout) * 1000);
    // The launcher reports a failed send on its stderr, which may trail the idle status by a moment.
    await new Promise((resolve) => setTimeout(resolve, 20));
    const lostMessages = this.kernel.process.lostOutputMessages - lostBefore;
    if (!idle || lostMessages > 0) {
      const what = lostMessages > 0 ? `${lostMessages} output message(s) could not be sent` : "the kernel's idle status never arrived";
      this.markLost(cell, cellIndex, executionCount, what);
    }
    return reply;
  }

  /** Marks a cell whose output is incomplete (an output and metadata.workbook.lost_output), and fails unless allowed. */
  private markLost(cell: CodeCell, cellIndex: number, executionCount: number, what: string): void {
    this.lostOutput = true;
    cell.outputs.push({ output_type: "stream", name: "stderr", text: `[workbook] output of this cell was lost: ${what}\n` });
    this.warn(`cell In [${executionCount}] (cell ${cellIndex + 1}): output lost (${what})`);
    if (!this.options.allowLostOutput) {
      cell.execution_count = executionCount;
      throw new LostOutputError(this.failure(cell, cellIndex, executionCount), what);
    }
  }

  /** Waits for this request's execute_reply, handling the timeout (interrupt → grace → kill) and kernel death. */
  private async waitForReply(msgId: string, cell: CodeCell, cellIndex: number, pump: IopubPump, executionCount: number): Promise<JupyterMessage> {
    // execution_count stays as the kernel left it (null if it never answered), as nbclient leaves it.
    const failure = () => {
      this.failedCells.push(executionCount);
      return this.failure(cell, cellIndex, executionCount);
    };
    const timeout = this.options.timeout === undefined ? DEFAULTS.timeout : this.options.timeout;
    const timeoutMs = timeout !== null && timeout > 0 ? timeout * 1000 : null;
    const graceMs = (this.options.interruptGrace ?? DEFAULTS.interruptGrace) * 1000;

    let event = await this.nextReply(msgId, timeoutMs);
    if (event.kind === "timeout") {
      this.kernel.interrupt();
      event = await this.nextReply(msgId, graceMs);
      if (event.kind === "timeout") {
        // The kernel ignored SIGINT (e.g. a busy loop in a timer callback); nbclient would hang here forever.
        this.kernel.kill();
        await this.kernel.process.exited;
        await pump.finish(200);
        if (this.options.interruptOnTimeout) {
          throw new DeadKernelError(failure(), "killed after ignoring an interrupt");
        }
        throw new CellTimeoutError(failure(), timeout!, true);
      }
      if (event.kind === "reply" && !this.options.interruptOnTimeout) {
        await pump.finish((this.options.iopubTimeout ?? DEFAULTS.iopubTimeout) * 1000);
        throw new CellTimeoutError(failure(), timeout!, false);
      }
    }
    if (event.kind === "exit") {
      // Give the last outputs already on their way (the dying kernel's stderr) a moment to arrive.
      await pump.finish(200);
      throw new DeadKernelError(failure(), describeExit(event.exit));
    }
    return event.reply;
  }

  /** The next shell message answering `msgId`, or a timeout, or the kernel's exit — whichever comes first. */
  private async nextReply(
    msgId: string,
    timeoutMs: number | null,
  ): Promise<{ kind: "reply"; reply: JupyterMessage } | { kind: "timeout" } | { kind: "exit"; exit: KernelExit }> {
    const deadline = timeoutMs === null ? null : Date.now() + timeoutMs;
    const process = this.kernel.process;
    for (;;) {
      if (process.exit) return { kind: "exit", exit: process.exit };
      const stop = new AbortController();
      const remaining = deadline === null ? null : Math.max(0, deadline - Date.now());
      const message = await Promise.race([
        this.kernel.client.shellReplies.next(remaining, stop.signal),
        process.exited.then(() => undefined),
      ]);
      stop.abort();
      if (message?.parent_header.msg_id === msgId) return { kind: "reply", reply: message };
      if (process.exit) return { kind: "exit", exit: process.exit };
      if (message === undefined && deadline !== null && Date.now() >= deadline) return { kind: "timeout" };
      // Anything else is a stale reply to an earlier request: ignore it, as nbclient does.
    }
  }

  /** Cell, source and stderr for an error message (tslab's HMAC-oracle lines dropped, any signature redacted). */
  private failure(cell: CodeCell, cellIndex: number, executionCount: number): CellFailure {
    return { cellIndex, executionCount, source: cell.source, stderr: redactSignatures(dropOracleLines(stderrText(cell))) };
  }
}

/** Feeds the iopub messages of one request into the recorder until its idle status, in the background. */
class IopubPump {
  private readonly stop = new AbortController();
  private readonly done: Promise<boolean>;

  constructor(
    private readonly kernel: Kernel,
    private readonly recorder: OutputRecorder,
    private readonly msgId: string,
    private readonly cellIndex: number,
  ) {
    this.done = this.run();
  }

  /**
   * Waits for idle for as long as output keeps arriving, giving up after `quietMs` with no message at all; stops
   * the pump either way. True if idle arrived. (A fixed deadline would cut a long burst of output short.)
   */
  async finish(quietMs: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    for (;;) {
      const seen = this.received;
      const expired = new Promise<"quiet">((resolve) => (timer = setTimeout(() => resolve("quiet"), quietMs)));
      const outcome = await Promise.race([this.done, expired]);
      clearTimeout(timer);
      if (outcome !== "quiet" || this.received === seen) break;
    }
    this.stop.abort();
    return this.done;
  }

  private received = 0;

  private async run(): Promise<boolean> {
    for (;;) {
      const message = await this.kernel.client.iopub.next(null, this.stop.signal);
      if (!message || this.stop.signal.aborted) return false;
      this.received++;
      // Messages of other requests (late output of earlier cells) are dropped, as in nbclient.
      if (message.parent_header.msg_id !== this.msgId) continue;
      if (this.recorder.process(message, this.cellIndex) === "idle") return true;
    }
  }
}

/** True for a reply to a request tslab skipped because it came right after an error. */
function isAborted(reply: JupyterMessage): boolean {
  return reply.content.status === "abort" || reply.content.status === "aborted";
}

/** True for the cell-level errors that carry the partial notebook. */
function isCellError(error: unknown): error is CellError {
  return (
    error instanceof CellExecutionError ||
    error instanceof CellTimeoutError ||
    error instanceof DeadKernelError ||
    error instanceof LostOutputError
  );
}
