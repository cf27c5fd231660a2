// Repeated measurements and their summary: warm-up runs are run and thrown away, the rest are summarised
// by median, min and max (the median, because a shared machine adds one-sided noise).

/** Median, extremes and count of a set of measurements. */
export interface Summary {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly runs: number;
}

/** How many times to run a task: `warmup` runs first (discarded), then `runs` measured ones. */
export interface RepeatOptions {
  readonly runs: number;
  readonly warmup: number;
}

/** Median, min and max of `samples`; throws on an empty list or a non-finite value, naming it. */
export function summarize(samples: readonly number[]): Summary {
  if (samples.length === 0) throw new RangeError("summarize needs at least one measurement; got none (runs must be ≥ 1)");
  const bad = samples.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) throw new RangeError(`measurement ${bad} is ${samples[bad]}, not a finite number`);
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { median, min: sorted[0], max: sorted[sorted.length - 1], runs: sorted.length };
}

/** Checks repeat counts: at least one measured run, no negative warm-up. */
export function checkRepeat(options: RepeatOptions, what: string): void {
  if (!Number.isInteger(options.runs) || options.runs < 1) throw new RangeError(`${what}: runs must be an integer ≥ 1; got ${options.runs}`);
  if (!Number.isInteger(options.warmup) || options.warmup < 0) throw new RangeError(`${what}: warmup must be an integer ≥ 0; got ${options.warmup}`);
}

/** Milliseconds one call of `task` takes. */
export async function timeOnce(task: () => unknown): Promise<number> {
  const start = performance.now();
  await task();
  return performance.now() - start;
}

/** Times `task` `runs` times after `warmup` discarded runs; milliseconds per run. */
export async function timeRepeated(task: () => unknown, options: RepeatOptions): Promise<number[]> {
  checkRepeat(options, "timeRepeated");
  for (let i = 0; i < options.warmup; i++) await task();
  const times: number[] = [];
  for (let i = 0; i < options.runs; i++) times.push(await timeOnce(task));
  return times;
}

/**
 * Times two tasks in alternation, swapping which goes first every round, so both see the same machine load
 * and neither always runs on the other's warm caches. Returns milliseconds per run of each.
 */
export async function timePair(subject: () => unknown, peer: () => unknown, options: RepeatOptions): Promise<{ subject: number[]; peer: number[] }> {
  checkRepeat(options, "timePair");
  for (let i = 0; i < options.warmup; i++) {
    await subject();
    await peer();
  }
  const times = { subject: [] as number[], peer: [] as number[] };
  for (let i = 0; i < options.runs; i++) {
    if (i % 2 === 0) {
      times.subject.push(await timeOnce(subject));
      times.peer.push(await timeOnce(peer));
    } else {
      times.peer.push(await timeOnce(peer));
      times.subject.push(await timeOnce(subject));
    }
  }
  return times;
}
