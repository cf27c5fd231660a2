/**
 * The kernel as an OS process: started in its own process group (through kernel-guard.cjs), signalled as a group,
 * watched for exit, and never left behind when the runner ends.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";

/** How the kernel process ended. */
export interface KernelExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** What to start and where. */
export interface KernelProcessOptions {
  /** Executable to run (the tslab binary). */
  command: string;
  args: string[];
  /** Working directory: the notebook's folder (tslab resolves imports and its own version from there). */
  cwd: string;
  env?: NodeJS.ProcessEnv;
  /** Private directory the guard removes if this process dies without cleaning up (the connection directory). */
  cleanupDir?: string;
}

const GUARD = join(__dirname, "kernel-guard.cjs");
const OUTPUT_TAIL_CHARS = 32_000;

// Process groups still alive, killed synchronously if the runner exits (also on an uncaught exception).
const liveGroups = new Set<number>();
let exitHookInstalled = false;

/** "exit code 3" or "killed by SIGKILL". */
export function describeExit(exit: KernelExit): string {
  return exit.signal ? `killed by ${exit.signal}` : `exit code ${exit.code}`;
}

/** This project's kernel launcher: starts its own tslab only, with no local-install lookup and no HMAC oracle. */
export const KERNEL_LAUNCHER = join(__dirname, "..", "kernel", "tslab-kernel.cjs");

/** The line the launcher prints on stderr for each output message it could not send (see tslab-kernel.cjs). */
export const LOST_OUTPUT_LINE = "tslab-kernel: lost an output message";

/** Command and arguments that start the project's own tslab kernel on `configFile`. */
export function kernelCommand(configFile: string, js: boolean): { command: string; args: string[] } {
  return { command: process.execPath, args: [KERNEL_LAUNCHER, "kernel", "--config-path", configFile, ...(js ? ["--js"] : [])] };
}

/** Finds the project's own tslab binary: `node_modules/.bin/tslab` in the nearest ancestor of `from` that has one. */
export function findTslab(from: string = __dirname): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, "node_modules", ".bin", process.platform === "win32" ? "tslab.cmd" : "tslab");
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) break;
  }
  throw new Error(`tslab not found in node_modules/.bin above ${from}; run npm install in the project`);
}

/** A running kernel process group. */
export class KernelProcess {
  /** Process id of the group leader, which is also the process-group id. */
  readonly pid: number;
  /**
   * Put in the kernel's environment as WORKBOOK_KERNEL_TOKEN: every process it starts inherits it, even one that
   * left the process group and session (spawn with detached: true), so leftovers can be found after shutdown.
   */
  readonly token: string;
  /** Resolves once the kernel has exited (never rejects). */
  readonly exited: Promise<KernelExit>;
  /** Set once the kernel has exited. */
  exit: KernelExit | null = null;
  private outputTail = "";
  private partialLine = "";
  /** Output messages the kernel reported it could not send (its launcher prints one line for each). */
  lostOutputMessages = 0;

  private constructor(
    private readonly child: ChildProcess,
    token: string,
  ) {
    if (child.pid === undefined) throw new Error("the kernel process could not be spawned");
    this.pid = child.pid;
    this.token = token;
    liveGroups.add(this.pid);
    installExitHook();
    for (const stream of [child.stdout, child.stderr]) {
      // Always drain: tslab writes here before the first cell, and a full pipe would block it.
      stream?.setEncoding("utf8");
      stream?.on("data", (chunk: string) => this.keepOutput(chunk));
    }
    child.stderr?.on("data", (chunk: string) => this.countLostOutput(chunk));
    this.exited = new Promise((resolve) => {
      child.once("exit", (code, signal) => {
        this.exit = { code, signal };
        // The leader is gone; anything the kernel spawned may still hold the group.
        this.signal("SIGKILL");
        liveGroups.delete(this.pid);
        resolve(this.exit);
      });
    });
  }

  /** Starts `command args` in a new process group in `cwd`. */
  static start(options: KernelProcessOptions): KernelProcess {
    // detached = setsid(): a new session and process group, like jupyter_client's start_new_session=True.
    // The guard's stdin pipe is the lifeline: when this process dies, the pipe closes and the guard kills the group.
    const token = randomBytes(16).toString("hex");
    const child = spawn(process.execPath, [GUARD, options.cleanupDir ?? "-", options.command, ...options.args], {
      cwd: options.cwd,
      env: { ...(options.env ?? process.env), [TOKEN_VARIABLE]: token },
      detached: true,
      stdio: ["pipe", "pipe", "pipe"],
    });
    return new KernelProcess(child, token);
  }

  /**
   * Kills every process still carrying this kernel's token (started by the kernel, then detached into a session
   * of its own, or orphaned) and describes each one, e.g. "pid 4242: sleep 600". Empty where /proc is absent.
   */
  killStragglers(tree: ProcessSnapshot[] = []): string[] {
    const found: string[] = [];
    // Token carriers, plus descendants seen before shutdown that are still the same processes (one that cleared
    // its environment is still found this way while it was the kernel's child).
    const pids = new Set(processesWithToken(this.token));
    for (const { pid, started } of tree) if (startTimeOf(pid) === started) pids.add(pid);
    pids.delete(this.pid);
    for (const pid of pids) {
      const command = commandOf(pid);
      try {
        process.kill(pid, "SIGKILL");
        found.push(`pid ${pid}: ${command}`);
      } catch {
        // ended meanwhile
      }
    }
    return found;
  }

  /** Every live descendant of the kernel's guard, with start times (so a reused pid is never mistaken for one). */
  descendants(): ProcessSnapshot[] {
    const children = new Map<number, number[]>();
    let entries: string[];
    try {
      entries = readdirSync("/proc");
    } catch {
      return [];
    }
    for (const entry of entries) {
      if (!/^\d+$/.test(entry)) continue;
      const parent = parentOf(Number(entry));
      if (parent !== null) children.set(parent, [...(children.get(parent) ?? []), Number(entry)]);
    }
    const found: ProcessSnapshot[] = [];
    const queue = [...(children.get(this.pid) ?? [])];
    while (queue.length > 0) {
      const pid = queue.shift()!;
      const started = startTimeOf(pid);
      if (started !== null) found.push({ pid, started });
      queue.push(...(children.get(pid) ?? []));
    }
    return found;
  }

  /** Sends a signal to the whole process group; false if the group is already gone. */
  signal(signal: NodeJS.Signals): boolean {
    try {
      process.kill(-this.pid, signal);
      return true;
    } catch {
      return false;
    }
  }

  /** Resolves with the exit if the kernel ends within `ms`, otherwise with null. */
  async waitForExit(ms: number): Promise<KernelExit | null> {
    if (this.exit) return this.exit;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), ms)));
    try {
      return await Promise.race([this.exited, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Escalates SIGTERM → SIGKILL to the group until it is gone, waiting `graceMs` between steps. */
  async terminate(graceMs: number): Promise<KernelExit> {
    for (const signal of ["SIGTERM", "SIGKILL"] as const) {
      if (this.exit) break;
      this.signal(signal);
      await this.waitForExit(graceMs);
    }
    const exit = await this.exited;
    this.child.stdin?.destroy();
    return exit;
  }

  /** The last few KB the kernel printed outside cells (startup messages and crashes), signatures redacted. */
  output(): string {
    return this.outputTail;
  }

  private keepOutput(chunk: string): void {
    this.outputTail = redactSignatures(this.outputTail + chunk).slice(-OUTPUT_TAIL_CHARS);
  }

  private countLostOutput(chunk: string): void {
    const lines = (this.partialLine + chunk).split("\n");
    const rest = lines.pop()!;
    // A partial line already longer than the marker cannot become it; keep memory bounded.
    this.partialLine = rest.length > LOST_OUTPUT_LINE.length ? "\0" : rest;
    this.lostOutputMessages += lines.filter((line) => line === LOST_OUTPUT_LINE).length;
  }
}

/**
 * tslab answers a badly signed message with `invalid hmac X; want <the valid HMAC>`: a signing oracle.
 * Never pass that value on to logs or error messages.
 */
export function redactSignatures(text: string): string {
  return text.replace(/(want\s+)[0-9a-f]{16,}/gi, "$1<redacted>");
}

// A line of tslab's signing oracle, with whatever tslab prefixed it with (e.g. "UnhandledPromiseRejection: Error: ").
const ORACLE_LINE = /^.*invalid hmac\b.*\bwant\b.*(?:\r?\n|$)/gim;

/** Removes every line of tslab's signing oracle (`invalid hmac …; want …`) from text meant for a notebook or a terminal. */
export function dropOracleLines(text: string): string {
  return text.replace(ORACLE_LINE, "");
}

const TOKEN_VARIABLE = "WORKBOOK_KERNEL_TOKEN";

/** A process seen at one moment: its id and its start time in clock ticks since boot (field 22 of /proc/pid/stat). */
export interface ProcessSnapshot {
  pid: number;
  started: string;
}

/** Fields of /proc/<pid>/stat after the command name, or null if the process is gone or a zombie. */
function statFields(pid: number): string[] | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return fields[0] === "Z" ? null : fields;
  } catch {
    return null;
  }
}

function parentOf(pid: number): number | null {
  const fields = statFields(pid);
  return fields ? Number(fields[1]) : null;
}

function startTimeOf(pid: number): string | null {
  return statFields(pid)?.[19] ?? null;
}

/** Process ids (other than this one) whose environment holds WORKBOOK_KERNEL_TOKEN=<token>. */
function processesWithToken(token: string): number[] {
  let entries: string[];
  try {
    entries = readdirSync("/proc");
  } catch {
    return [];
  }
  const needle = `${TOKEN_VARIABLE}=${token}`;
  const pids: number[] = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${entry}/environ`, "latin1").split("\0").includes(needle)) pids.push(Number(entry));
    } catch {
      // gone, or another user's
    }
  }
  return pids;
}

/** A process's command line, shortened, for a report. */
function commandOf(pid: number): string {
  try {
    const command = readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ").trim();
    return command.length > 120 ? `${command.slice(0, 120)}…` : command;
  } catch {
    return "(exited)";
  }
}

/** Kills every live kernel group synchronously when this process exits, however it exits. */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on("exit", killAllKernels);
}

/** Kills every kernel group this process started and has not yet seen exit (for signal handlers). */
export function killAllKernels(): void {
  for (const pid of liveGroups) {
    try {
      process.kill(-pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
}
