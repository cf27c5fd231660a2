/**
 * A lock between processes on one machine: a directory created atomically (mkdir), holding the owner's pid.
 * Test files run in parallel processes; expensive shared work (the executed workbook, the demo models) is built by
 * whichever process gets the lock first, and the others wait for it and reuse the result.
 */
import * as fs from "node:fs";
import * as path from "node:path";

const POLL_MS = 200;

/** How long to wait for another process's lock before giving up (the workbook takes about a minute). */
const WAIT_MS = 30 * 60_000;

/** Takes `lockDir` if free (or left by a dead process); returns a release function, or null if someone holds it. */
function tryLock(lockDir: string): (() => void) | null {
  fs.mkdirSync(path.dirname(lockDir), { recursive: true });
  try {
    fs.mkdirSync(lockDir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    const owner = ownerOf(lockDir);
    // A holder that died (killed test run) never releases: its lock is stale once its pid is gone.
    if (owner !== null && !alive(owner)) {
      fs.rmSync(lockDir, { recursive: true, force: true });
      return tryLock(lockDir);
    }
    return null;
  }
  fs.writeFileSync(path.join(lockDir, "pid"), String(process.pid));
  return () => fs.rmSync(lockDir, { recursive: true, force: true });
}

/** The pid written in a lock directory, or null while the owner has not written it yet. */
function ownerOf(lockDir: string): number | null {
  try {
    const pid = Number(fs.readFileSync(path.join(lockDir, "pid"), "utf8"));
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function timeoutError(lockDir: string): Error {
  return new Error(`waited ${WAIT_MS / 60_000} min for ${lockDir} (held by pid ${ownerOf(lockDir)}); remove it if no test run is going`);
}

/** Runs `work` while holding the lock `lockDir`, waiting for other holders first. */
export async function withLock<T>(lockDir: string, work: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + WAIT_MS;
  let release = tryLock(lockDir);
  while (!release) {
    if (Date.now() > deadline) throw timeoutError(lockDir);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    release = tryLock(lockDir);
  }
  try {
    return await work();
  } finally {
    release();
  }
}

/** The same for synchronous work (the demo model builders are synchronous); waits without spinning the CPU. */
export function withLockSync<T>(lockDir: string, work: () => T): T {
  const deadline = Date.now() + WAIT_MS;
  const pause = new Int32Array(new SharedArrayBuffer(4));
  let release = tryLock(lockDir);
  while (!release) {
    if (Date.now() > deadline) throw timeoutError(lockDir);
    Atomics.wait(pause, 0, 0, POLL_MS);
    release = tryLock(lockDir);
  }
  try {
    return work();
  } finally {
    release();
  }
}
