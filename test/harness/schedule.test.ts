import { test } from "node:test";
import assert from "node:assert/strict";
import { IDLE_CORES_FOR_EXTRA, IDLE_WINDOW_MS, schedule, testConcurrency, type Clock } from "./schedule";

/** A clock that only moves when the scheduler sleeps, and an idle counter that grows at `idleCores()` per ms. */
function simulated(idleCores: (now: number) => number) {
  let now = 0;
  let idle = 0;
  const clock: Clock = {
    now: () => now,
    sleep: async (ms) => {
      idle += idleCores(now) * ms;
      now += ms;
    },
  };
  return { clock, idleMs: () => idle, time: () => now };
}

/** Runs `jobs` jobs that each last `seconds(job)`; returns the start times and the most that ever ran at once. */
async function simulate(jobs: number, seconds: (job: number) => number, concurrency = { base: 2, max: 4, fixed: false }, idleCores = (_running: number) => 0) {
  const ends: number[] = [];
  const started: number[] = [];
  let peak = 0;
  const sim = simulated((now) => idleCores(ends.filter((end) => end > now).length));
  const running = () => ends.filter((end) => end > sim.time()).length;
  await schedule(
    Array.from({ length: jobs }, (_, i) => i),
    (job) => {
      started.push(sim.time());
      ends.push(sim.time() + seconds(job) * 1000);
      peak = Math.max(peak, running());
    },
    running,
    concurrency,
    { clock: sim.clock, idleMs: sim.idleMs },
  );
  return { started, peak };
}

test("on a busy machine exactly `base` files run at a time, the next starting as one ends", async () => {
  const { started, peak } = await simulate(5, () => 10);
  assert.equal(peak, 2);
  assert.deepEqual(started, [0, 0, 10_000, 10_000, 20_000]);
});

test("while a core sits idle, one more file starts per idle window, never more than `max`", async () => {
  // Waiting files: a whole core idle whatever runs.
  const { started, peak } = await simulate(6, () => 60, { base: 2, max: 4, fixed: false }, () => 1);
  assert.equal(peak, 4);
  assert.deepEqual(started.slice(0, 2), [0, 0]);
  assert.ok(started[2] >= IDLE_WINDOW_MS, "the first extra file waits for a whole window of idle time");
  assert.ok(started[3] - started[2] >= IDLE_WINDOW_MS, "and the next one for another");
  assert.ok(started[4] >= 60_000, "beyond max, the next file waits for one to end");
});

test("once an extra file keeps the cores busy, no further one starts", async () => {
  // Idle only while fewer than three run: the third file fills the machine, so no fourth starts.
  const { peak } = await simulate(6, () => 60, { base: 2, max: 4, fixed: false }, (running) => (running < 3 ? 1 : 0));
  assert.equal(peak, 3);
});

test("less than the threshold of idle core does not start an extra file", async () => {
  const { peak } = await simulate(4, () => 30, { base: 2, max: 4, fixed: false }, () => IDLE_CORES_FOR_EXTRA - 0.1);
  assert.equal(peak, 2);
});

test("TEST_CONCURRENCY fixes the count; otherwise the cores (at least 2), up to twice that", () => {
  assert.deepEqual(testConcurrency({ TEST_CONCURRENCY: "3" }, 8), { base: 3, max: 3, fixed: true });
  assert.deepEqual(testConcurrency({}, 1), { base: 2, max: 4, fixed: false });
  assert.deepEqual(testConcurrency({}, 6), { base: 6, max: 12, fixed: false });
  for (const bad of ["0", "two", "1.5", "-1"]) {
    assert.throws(() => testConcurrency({ TEST_CONCURRENCY: bad }, 2), new RegExp(`TEST_CONCURRENCY=${bad.replace(".", "\\.")}: give a whole number`));
  }
});

test("a job that is not ready keeps its place while later ready jobs start, and starts once it is ready", async () => {
  let now = 0;
  const clock: Clock = { now: () => now, sleep: async (ms) => void (now += ms) };
  const ends = new Map<string, number>();
  const started: [string, number][] = [];
  await schedule(
    ["waits", "a", "b", "c"],
    (job) => {
      started.push([job, now]);
      ends.set(job, now + 10_000);
    },
    () => [...ends.values()].filter((end) => end > now).length,
    { base: 2, max: 2, fixed: true },
    { clock, idleMs: () => 0, ready: (job) => job !== "waits" || now >= 15_000 },
  );
  // a and b fill both places at once; c takes a place freed at 10 s, and "waits" the other one once ready (15 s).
  assert.deepEqual(started, [["a", 0], ["b", 0], ["c", 10_000], ["waits", 15_000]]);
});
