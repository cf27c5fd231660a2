/**
 * When the driver starts the next test file: always while fewer than `base` run, and one more (up to `max`) each time
 * a core has sat idle for a few seconds. Many integration files spend much of their time waiting (a browser, a
 * Jupyter server, a process they watch); with a fixed number at a time, that core would stay unused. On a machine
 * other jobs keep busy, nothing is idle and the run stays at `base`.
 */
import * as os from "node:os";

/** How many test processes run at a time: `base` always, up to `max` while cores sit idle. */
export interface Concurrency {
  base: number;
  max: number;
  /** TEST_CONCURRENCY was given: exactly that many, whatever the machine does. */
  fixed: boolean;
}

/** TEST_CONCURRENCY=N: exactly N; else the number of cores (at least 2), up to twice that while cores are idle. */
export function testConcurrency(env: NodeJS.ProcessEnv = process.env, cores = os.availableParallelism()): Concurrency {
  const raw = env.TEST_CONCURRENCY;
  if (raw !== undefined && raw !== "") {
    const given = Number(raw);
    if (!Number.isInteger(given) || given < 1) throw new Error(`TEST_CONCURRENCY=${raw}: give a whole number of test files to run at a time, 1 or more`);
    return { base: given, max: given, fixed: true };
  }
  const base = Math.max(2, cores);
  return { base, max: 2 * base, fixed: false };
}

/** Sum over all cores of the milliseconds they spent idle since boot (the kernel's counters, via os.cpus()). */
export function machineIdleMs(): number {
  return os.cpus().reduce((sum, cpu) => sum + cpu.times.idle, 0);
}

/** The length of history the idle measure averages over, and the least time between two extra starts. */
export const IDLE_WINDOW_MS = 3000;
/** An extra file starts only when at least this much of a core sat idle over the whole window. */
export const IDLE_CORES_FOR_EXTRA = 0.6;

export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

const realClock: Clock = { now: () => performance.now(), sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)) };

/**
 * Starts every job of `queue` (in order) through `start`, following the rule above; resolves once all have started.
 * `running()` says how many started jobs have not finished; `idleMs()` reads the machine's idle counter. A job that
 * `ready` turns down (it waits for something outside the queue) keeps its place, and the next ready one starts.
 */
export async function schedule<J>(
  queue: J[],
  start: (job: J) => void,
  running: () => number,
  concurrency: Concurrency,
  options: { idleMs?: () => number; clock?: Clock; signal?: AbortSignal; ready?: (job: J) => boolean } = {},
): Promise<void> {
  const { idleMs = machineIdleMs, clock = realClock, signal, ready = () => true } = options;
  const samples: { at: number; idle: number }[] = [];
  let lastStart = -Infinity;
  const idleCores = () => {
    const first = samples[0];
    const last = samples[samples.length - 1];
    return first && last.at - first.at >= IDLE_WINDOW_MS ? (last.idle - first.idle) / (last.at - first.at) : 0;
  };
  while (queue.length > 0 && !signal?.aborted) {
    const now = clock.now();
    samples.push({ at: now, idle: idleMs() });
    // Keep exactly one sample at or before the window's start, so the average covers the whole window.
    while (samples.length > 1 && samples[1].at <= now - IDLE_WINDOW_MS) samples.shift();
    // A sample is taken at each start, so once a window has passed since the last one, the average covers only the
    // time after it: what the machine did with the file it last started.
    const spare = now - lastStart >= IDLE_WINDOW_MS && idleCores() >= IDLE_CORES_FOR_EXTRA;
    const count = running();
    const next = queue.findIndex((job) => ready(job));
    if (next >= 0 && (count < concurrency.base || (count < concurrency.max && spare))) {
      start(queue.splice(next, 1)[0]);
      lastStart = now;
      continue;
    }
    await clock.sleep(500);
  }
}
