/**
 * One tslab kernel: connection file + process group + protocol client, with the start-up and shut-down phases
 * of jupyter_client's KernelManager.
 */
import { KernelNotReadyError, KernelClient, type MessageObserver } from "./client";
import { createConnection, type KernelConnection, type Transport } from "./connection";
import { KernelStartError } from "./errors";
import type { SocketDirCandidate } from "./socket-dir";
import { describeExit, kernelCommand, KernelProcess } from "./kernel-process";
import { SUPPORTED_KERNELS } from "./notebook";
import type { JupyterMessage } from "./wire";

/** How to start a kernel. */
export interface KernelOptions {
  /** Kernelspec name: "tslab" (TypeScript) or "jslab" (JavaScript). */
  kernelName: string;
  /** The notebook's directory. */
  cwd: string;
  /**
   * A tslab binary to run as `<tslab> kernel --config-path …` instead of the project's launcher
   * (scripts/kernel/tslab-kernel.cjs). Only for comparisons: a plain tslab keeps its local-install lookup.
   */
  tslab?: string;
  /** Defaults to ipc on POSIX; never switched to tcp unless asked for. */
  transport?: Transport;
  /** Where to look for a short private socket directory (default: XDG_RUNTIME_DIR, TMPDIR, /tmp, /dev/shm). */
  socketDirCandidates?: SocketDirCandidate[];
  /** Give up waiting for kernel_info after this long (default 60 s). */
  startupTimeoutMs?: number;
  env?: NodeJS.ProcessEnv;
  /** Receives protocol warnings (dropped messages, late outputs). */
  warn?: (message: string) => void;
  /** Sees every message sent to the kernel and every one received from it, from the first kernel_info_request on. */
  onMessage?: MessageObserver;
}

// Shutdown escalation: wait this long for the kernel to leave after shutdown_request, and again after SIGTERM.
const SHUTDOWN_GRACE_MS = 2500;

/** A started, ready kernel. */
export class Kernel {
  private closed = false;
  /** Processes the kernel left running after shutdown (killed then), e.g. "pid 4242: sleep 600". */
  stragglers: string[] = [];

  private constructor(
    readonly connection: KernelConnection,
    readonly process: KernelProcess,
    readonly client: KernelClient,
    /** Wall time from spawn to a ready kernel, in ms. */
    readonly startupMs: number,
    private readonly warn: (message: string) => void,
  ) {}

  /** Spawns the kernel and waits until it answers on shell and publishes on iopub. */
  static async start(options: KernelOptions): Promise<Kernel> {
    const spec = SUPPORTED_KERNELS[options.kernelName];
    if (!spec) throw new KernelStartError(`unknown kernel "${options.kernelName}"; expected tslab or jslab`, "");
    const startedAt = performance.now();
    const connection = await createConnection(options.kernelName, options.transport, { socketDirCandidates: options.socketDirCandidates });
    let kernelProcess: KernelProcess | undefined;
    let client: KernelClient | undefined;
    try {
      const launch = options.tslab
        ? { command: options.tslab, args: ["kernel", "--config-path", connection.file, ...(spec.js ? ["--js"] : [])] }
        : kernelCommand(connection.file, spec.js);
      kernelProcess = KernelProcess.start({
        ...launch,
        cwd: options.cwd,
        env: options.env,
        cleanupDir: connection.dir,
      });
      client = new KernelClient(connection, options.warn, options.onMessage);
      client.connect();
      await client.waitForReady({ timeoutMs: options.startupTimeoutMs ?? 60_000, exited: kernelProcess.exited });
      return new Kernel(connection, kernelProcess, client, performance.now() - startedAt, options.warn ?? (() => {}));
    } catch (error) {
      client?.close();
      if (kernelProcess) await kernelProcess.terminate(500);
      await connection.dispose();
      const output = kernelProcess?.output() ?? "";
      if (error instanceof KernelNotReadyError) {
        const exit = kernelProcess?.exit ? ` (${describeExit(kernelProcess.exit)})` : "";
        throw new KernelStartError(`tslab kernel in ${options.cwd} failed to start: ${error.message}${exit}`, output);
      }
      throw new KernelStartError(`tslab kernel in ${options.cwd} failed to start: ${(error as Error).message}`, output);
    }
  }

  /** Asks for kernel_info and returns the reply (used for language_info). */
  async kernelInfo(timeoutMs = 10_000): Promise<JupyterMessage> {
    const msgId = await this.client.send("shell", "kernel_info_request", {});
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const reply = await this.client.shellReplies.next(Math.max(0, deadline - Date.now()));
      if (!reply) throw new KernelStartError(`no kernel_info_reply within ${timeoutMs / 1000} s`, this.process.output());
      if (reply.parent_header.msg_id === msgId) return reply;
    }
  }

  /** Interrupts the running cell: SIGINT to the process group (tslab's kernelspec has no interrupt_mode, so signal mode). */
  interrupt(): void {
    this.process.signal("SIGINT");
  }

  /** Stops the kernel politely, then by force, and removes the connection directory. Safe to call twice. */
  async shutdown(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // Taken while the kernel still runs: its children are reparented once it is gone.
    const tree = this.process.descendants();
    try {
      if (!this.process.exit) {
        // As jupyter_client: interrupt whatever runs, ask to shut down, then escalate with signals.
        this.interrupt();
        await this.client.send("control", "shutdown_request", { restart: false }).catch(() => {});
        if (!(await this.process.waitForExit(SHUTDOWN_GRACE_MS))) await this.process.terminate(SHUTDOWN_GRACE_MS);
      }
      await this.process.terminate(SHUTDOWN_GRACE_MS);
      this.stragglers = this.process.killStragglers(tree);
      if (this.stragglers.length > 0) {
        this.warn(`the kernel left ${this.stragglers.length} process(es) running outside its process group; killed: ${this.stragglers.join("; ")}`);
      }
    } finally {
      this.client.close();
      await this.connection.dispose();
    }
  }

  /** Kills the kernel group at once (after it ignored an interrupt); the exit watch reports the death. */
  kill(): void {
    this.process.signal("SIGKILL");
  }
}
