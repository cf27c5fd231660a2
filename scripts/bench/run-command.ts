// The bench's one way to run a child process and keep what it printed: every timed command goes through here, so
// all figures measure the same thing (spawn to exit, output collected in memory).
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { projectRoot } from "../../src/model";

/** Linux's USER_HZ: /proc reports CPU times in these ticks, 100 per second on every Linux the kernel ABI allows. */
const TICKS_PER_SECOND = 100;

/**
 * User + system CPU seconds of every child this process has reaped so far (cutime + cstime of /proc/self/stat).
 * A child's figure includes the descendants it waited for, so the difference around one command is that command's
 * whole tree. Null where /proc is missing.
 */
export function reapedChildrenCpuSeconds(): number | null {
  try {
    const stat = readFileSync("/proc/self/stat", "utf8");
    // Fields after "(comm) ": state is field 3, so cutime (16) and cstime (17) are at 13 and 14 here.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[13]) + Number(fields[14])) / TICKS_PER_SECOND;
  } catch {
    return null;
  }
}

/** What a finished child did. */
export interface CommandResult {
  /** Exit code, or null when a signal ended it. */
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** Spawn to exit, in seconds. */
  readonly seconds: number;
  /** User + system CPU seconds of the child and the descendants it waited for; null without /proc. */
  readonly cpuSeconds: number | null;
}

/** Options of `runCommand`. */
export interface RunCommandOptions {
  readonly env: NodeJS.ProcessEnv;
  /** Default: the project root. */
  readonly cwd?: string;
  /** Called once the child exists, e.g. to sample its memory. */
  readonly onSpawn?: (pid: number) => void;
}

/** Runs `command args` with stdin closed, collecting stdout and stderr; resolves when it exits, whatever the code. */
export async function runCommand(command: string, args: readonly string[], options: RunCommandOptions): Promise<CommandResult> {
  const cpuBefore = reapedChildrenCpuSeconds();
  const started = performance.now();
  const child = spawn(command, args, { cwd: options.cwd ?? projectRoot(), env: options.env, stdio: ["ignore", "pipe", "pipe"] });
  if (child.pid !== undefined) options.onSpawn?.(child.pid);
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  child.stdout.on("data", (chunk: Buffer) => stdout.push(chunk));
  child.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once("error", reject);
    child.once("close", resolve);
  });
  const cpuAfter = reapedChildrenCpuSeconds();
  return {
    code,
    stdout: Buffer.concat(stdout).toString(),
    stderr: Buffer.concat(stderr).toString(),
    seconds: (performance.now() - started) / 1000,
    // Only meaningful when no other child of this process ends meanwhile: the bench runs one command at a time.
    cpuSeconds: cpuBefore === null || cpuAfter === null ? null : cpuAfter - cpuBefore,
  };
}

/** The last `lines` lines of a child's output (stdout, then stderr), for an error message. */
export function outputTail(result: Pick<CommandResult, "stdout" | "stderr">, lines: number): string {
  return [result.stdout.trim(), result.stderr.trim()].filter((s) => s !== "").join("\n").split("\n").slice(-lines).join("\n");
}
