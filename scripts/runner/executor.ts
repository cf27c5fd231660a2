/**
 * Executes a notebook on a fresh tslab kernel with nbclient's semantics (NotebookClient.async_execute):
 * start kernel → wait for ready → language_info → execute code cells in order → shut down.
 */
import { dirname, resolve } from "node:path";
import type { Transport } from "./connection";
import { CellExecutionError, CellTimeoutError, DeadKernelError, RunnerError, type CellError, type CellFailure } from "./errors";
import { Kernel } from "./kernel";
import { describeExit, redactSignatures, type KernelExit } from "./kernel-process";
import { cellTags, cloneNotebook, readNotebook, type CodeCell, type Notebook } from "./notebook";
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
  /** Keep going after a cell fails (its stderr stays in the outputs). */
  allowErrors?: boolean;
  /** Raise on every error, even in cells tagged raises-exception. */
  forceRaiseErrors?: boolean;
  /** Record iopub/shell timestamps in each cell's metadata.execution (default true, as nbclient). */
  recordTiming?: boolean;
  /** Cells with this tag are left untouched (default "skip-execution"). */
  skipCellsWithTag?: string;
  /** Seconds to wait for the idle status after the reply (default 4). */
  iopubTimeout?: number;
  /** Seconds to wait for the kernel to become ready (default 60). */
  startupTimeout?: number;
  /** Working directory of the kernel (default: the notebook's folder). */
  cwd?: string;
  /** tslab binary (default: the project's node_modules/.bin/tslab). */
  tslab?: string;
  /** Socket transport (default ipc on POSIX). */
  transport?: Transport;
  env?: NodeJS.ProcessEnv;
  /** Progress callback. */
  onProgress?: (event: ProgressEvent) => void;
  /** Receives protocol warnings (default: ignored). */
  warn?: (message: string) => void;
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
}

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
  return Kernel.start({
    kernelName: notebook.metadata.kernelspec?.name ?? "tslab",
    cwd: options.cwd ?? process.cwd(),
    tslab: options.tslab,
    transport: options.transport,
    startupTimeoutMs: (options.startupTimeout ?? DEFAULTS.startupTimeout) * 1000,
    env: options.env,
    warn: options.warn,
  });
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
  const run = new NotebookRun(notebook, kernel, options, options.warn ?? (() => {}));
  try {
    await run.setLanguageInfo();
    const cells = await run.executeAll();
    return { notebook, cells, kernelStartSeconds: kernel.startupMs / 1000, seconds: (performance.now() - startedAt) / 1000 };
  } catch (error) {
    if (isCellError(error)) error.notebook = notebook;
    throw error;
  } finally {
    await kernel.shutdown();
  }
}

/** State of one notebook execution: the cell loop of nbclient's async_execute_cell. */
class NotebookRun {
  private codeCellsExecuted = 0;
  private readonly recorder: OutputRecorder;
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
    return cell.cell_type === "code" && cell.source.trim() !== "" && !cellTags(cell).includes(skipTag);
  }

  /** Executes one cell: send, collect iopub until idle, wait for the reply under the timeout, check for errors. */
  private async executeCell(cell: CodeCell, cellIndex: number): Promise<CellTiming> {
    const startedAt = performance.now();
    if (this.recordTiming) cell.metadata.execution = {};
    const allowsErrors =
      !this.options.forceRaiseErrors && (!!this.options.allowErrors || cellTags(cell).includes("raises-exception"));
    const msgId = await this.kernel.client.send("shell", "execute_request", {
      code: cell.source,
      silent: false,
      store_history: true,
      user_expressions: {},
      allow_stdin: false,
      stop_on_error: !allowsErrors,
    });
    this.codeCellsExecuted++;
    this.recorder.beginCell(cell);

    const pump = new IopubPump(this.kernel, this.recorder, msgId, cellIndex);
    const reply = await this.waitForReply(msgId, cell, cellIndex, pump);
    if (this.recordTiming) cell.metadata.execution!["shell.execute_reply"] = timingStamp(reply.header.date);
    const iopubTimeoutMs = (this.options.iopubTimeout ?? DEFAULTS.iopubTimeout) * 1000;
    if (!(await pump.finish(iopubTimeoutMs))) this.warn(`cell ${cellIndex + 1}: timeout waiting for iopub output`);
    // The client's own count, even for cells tslab aborted (nbclient passes execution_count explicitly).
    cell.execution_count = this.codeCellsExecuted;

    const status = reply.content.status;
    if (status === "error" && !allowsErrors) throw new CellExecutionError(this.failure(cell, cellIndex));
    const seconds = (performance.now() - startedAt) / 1000;
    return { cellIndex, seconds, status: status === "error" ? "error" : status === "abort" || status === "aborted" ? "aborted" : "ok" };
  }

  /** Waits for this request's execute_reply, handling the timeout (interrupt → grace → kill) and kernel death. */
  private async waitForReply(msgId: string, cell: CodeCell, cellIndex: number, pump: IopubPump): Promise<JupyterMessage> {
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
          throw new DeadKernelError(this.failure(cell, cellIndex), "killed after ignoring an interrupt");
        }
        throw new CellTimeoutError(this.failure(cell, cellIndex), timeout!, true);
      }
      if (event.kind === "reply" && !this.options.interruptOnTimeout) {
        await pump.finish((this.options.iopubTimeout ?? DEFAULTS.iopubTimeout) * 1000);
        throw new CellTimeoutError(this.failure(cell, cellIndex), timeout!, false);
      }
    }
    if (event.kind === "exit") {
      // Give the last outputs already on their way (the dying kernel's stderr) a moment to arrive.
      await pump.finish(200);
      throw new DeadKernelError(this.failure(cell, cellIndex), describeExit(event.exit));
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

  /** Cell, source and stderr for an error message (a leaked signature from tslab's HMAC oracle is redacted). */
  private failure(cell: CodeCell, cellIndex: number): CellFailure {
    return { cellIndex, source: cell.source, stderr: redactSignatures(stderrText(cell)) };
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

  /** Waits up to `ms` for idle; stops the pump either way. True if idle arrived. */
  async finish(ms: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)));
    await Promise.race([this.done, expired]);
    clearTimeout(timer);
    this.stop.abort();
    return this.done;
  }

  private async run(): Promise<boolean> {
    for (;;) {
      const message = await this.kernel.client.iopub.next(null, this.stop.signal);
      if (!message || this.stop.signal.aborted) return false;
      // Messages of other requests (late output of earlier cells) are dropped, as in nbclient.
      if (message.parent_header.msg_id !== this.msgId) continue;
      if (this.recorder.process(message, this.cellIndex) === "idle") return true;
    }
  }
}

/** True for the cell-level errors that carry the partial notebook. */
function isCellError(error: unknown): error is CellError {
  return error instanceof CellExecutionError || error instanceof CellTimeoutError || error instanceof DeadKernelError;
}
