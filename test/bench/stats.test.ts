import { test } from "node:test";
import assert from "node:assert/strict";
import { summarize, timePair, timeRepeated } from "../../scripts/bench/stats";

test("summarize: the median is the middle value, or the mean of the two middle ones", () => {
  assert.deepEqual(summarize([5, 1, 3]), { median: 3, min: 1, max: 5, runs: 3 });
  assert.deepEqual(summarize([4, 1, 3, 10]), { median: 3.5, min: 1, max: 10, runs: 4 });
  assert.deepEqual(summarize([7]), { median: 7, min: 7, max: 7, runs: 1 });
});

test("summarize refuses no measurements and non-finite ones, naming which", () => {
  assert.throws(() => summarize([]), /at least one measurement/);
  assert.throws(() => summarize([1, Number.NaN]), /measurement 1 is NaN/);
  assert.throws(() => summarize([Infinity]), /measurement 0 is Infinity/);
});

test("timeRepeated runs the warm-up runs but returns only the measured ones", async () => {
  let calls = 0;
  const times = await timeRepeated(() => calls++, { runs: 3, warmup: 2 });
  assert.equal(calls, 5);
  assert.equal(times.length, 3);
  assert.ok(times.every((t) => t >= 0));
});

test("timePair alternates which task goes first and leaves warm-up runs out", async () => {
  const order: string[] = [];
  const times = await timePair(() => order.push("s"), () => order.push("p"), { runs: 4, warmup: 1 });
  assert.deepEqual(order.join(""), "sp" + "sp" + "ps" + "sp" + "ps");
  assert.equal(times.subject.length, 4);
  assert.equal(times.peer.length, 4);
});

test("timePair measures each task's own time", async (t) => {
  // On the real clock a task's time has no upper bound (the machine may stall the process at any moment), so
  // whether the peer's time counted the subject's cannot be told from it. Here only the tasks move the clock, by
  // amounts of their own: every measurement must be exactly its own task's amount, in either order.
  let now = 0;
  t.mock.method(performance, "now", () => now);
  const times = await timePair(() => { now += 400; }, () => { now += 7; }, { runs: 4, warmup: 1 });
  assert.deepEqual(times, { subject: [400, 400, 400, 400], peer: [7, 7, 7, 7] });
});

test("the times are real milliseconds: a sleep measures at least its length", async () => {
  // A lower bound only, which holds on any machine: a timer never fires early.
  const SLEEP_MS = 50;
  const [time] = await timeRepeated(() => new Promise((resolve) => setTimeout(resolve, SLEEP_MS)), { runs: 1, warmup: 0 });
  assert.ok(time >= SLEEP_MS - 1, `${time} ms`);
});

test("repeat counts are checked", async () => {
  await assert.rejects(timePair(() => 0, () => 0, { runs: 0, warmup: 0 }), /runs must be an integer ≥ 1; got 0/);
  await assert.rejects(timeRepeated(() => 0, { runs: 1, warmup: -1 }), /warmup must be an integer ≥ 0/);
});
