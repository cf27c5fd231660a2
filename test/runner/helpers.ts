/** Shared helpers of the runner tests: paths, temp dirs, the process table, Python/nbclient detection. */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readdirSync, readlinkSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { Writable } from "node:stream";
import { KernelStartError } from "../../scripts/runner/errors";
import { tempDir as sharedTempDir } from "../helpers/temp-dir";
import { SYSTEM_PYTHON } from "./nbclient";

export const ROOT = resolve(__dirname, "../..");
export const TEST_NOTEBOOKS = join(ROOT, "test", "notebooks");
/** Debian's interpreter, where python3-nbclient and nbformat are installed (not a pyenv shim). */
export const PYTHON = SYSTEM_PYTHON;

/** Absolute path of a protocol test notebook. */
export function testNotebook(name: string): string {
  return join(TEST_NOTEBOOKS, name);
}

/** A fresh temp directory, removed when the test ends. */
export function tempDir(t: { after: (fn: () => void) => void }, prefix = "runner-test-"): string {
  return sharedTempDir(t, prefix);
}

/** True if PYTHON runs and can import `module`. */
export function hasPythonModule(module: string): boolean {
  const result = spawnSync(PYTHON, ["-c", `import ${module}`], { encoding: "utf8" });
  return result.status === 0;
}

/** Process ids whose working directory is `dir` (kernels run in their notebook's folder). */
export function processesIn(dir: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readlinkSync(`/proc/${entry}/cwd`) === dir) pids.push(Number(entry));
    } catch {
      // gone, or not ours to inspect
    }
  }
  return pids;
}

/** The command line of a process, or "" if it is gone. */
export function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ").trim();
  } catch {
    return "";
  }
}

/** Polls `condition` every 100 ms until true or `ms` elapsed; returns its last value. */
export async function waitFor(condition: () => boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (condition()) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return condition();
}

/** A non-TTY write stream that records what is written, for calling the CLI in-process. */
export function captureStream(): { stream: NodeJS.WriteStream; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, callback) {
      chunks.push(String(chunk));
      callback();
    },
  }) as unknown as NodeJS.WriteStream;
  return { stream, text: () => chunks.join("") };
}

/**
 * Asserts that no process works in any of `folders` (kernels and guards alike), waiting up to 30 s: a kernel killed
 * at shutdown can stay in the process table a moment longer on a loaded machine.
 */
export async function assertNoProcessesIn(...folders: string[]): Promise<void> {
  const left = () => folders.flatMap(processesIn);
  assert.ok(await waitFor(() => left().length === 0, 30_000), `left behind: ${left().map(commandLine).join("; ")}`);
}

/** tslab kernel processes (not their guards) working in `dir`. */
export function kernelProcessesIn(dir: string): number[] {
  return processesIn(dir).filter((pid) => {
    const command = commandLine(pid);
    return command.includes("kernel --config-path") && !command.includes("kernel-guard");
  });
}

/** An executed notebook file, ready for comparison: timing metadata reduced to which timestamps were recorded. */
export function comparable(path: string): unknown {
  const notebook = JSON.parse(readFileSync(path, "utf8"));
  for (const cell of notebook.cells) {
    if (cell.metadata?.execution) cell.metadata.execution = Object.keys(cell.metadata.execution).sort();
  }
  return notebook;
}

/** Runs nbformat's validator on executed notebook files; returns Python's stderr, empty if all are valid. */
export function nbformatProblems(files: string[]): string {
  const code = "import nbformat,sys\nfor f in sys.argv[1:]: nbformat.validate(nbformat.read(f, as_version=4))";
  const result = spawnSync(PYTHON, ["-c", code, ...files], { encoding: "utf8" });
  return result.status === 0 ? "" : result.stderr;
}

/** What plain tslab prints when a request reached it before its sockets were bound (the launcher waits for them). */
const PLAIN_TSLAB_BIND_RACE = "Socket is blocked by a bind or unbind operation";

/**
 * Runs a control that starts plain tslab, again (up to `tries` times in all) while the start failed only because
 * of plain tslab's start-up race: it receives before it binds, so on a loaded machine the runner's first request
 * can end its receive loop (scripts/kernel/bind-gate.cjs). Any other failure is thrown at once.
 */
export async function retryPlainTslabStart<T>(t: { diagnostic: (message: string) => void }, run: () => Promise<T>, tries = 3): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (error) {
      if (attempt >= tries || !(error instanceof KernelStartError && error.stderr.includes(PLAIN_TSLAB_BIND_RACE))) throw error;
      t.diagnostic(`plain tslab lost its first request to its start-up race (try ${attempt} of ${tries}); starting it again`);
    }
  }
}
