// The "why this label?" bench: rounds rotate the order of the tasks, and each task does the work it claims.
import { test } from "node:test";
import assert from "node:assert/strict";
import { COURSE_SENTENCES } from "../../src/course";
import { loadSentimentModel } from "../../src/model";
import { benchExplain, timeRounds } from "../../scripts/bench/explain";

test("timeRounds runs every task once per round, the first task rotating, warm-up rounds not recorded", async () => {
  const order: string[] = [];
  const times = await timeRounds(["a", "b", "c"].map((name) => () => order.push(name)), { runs: 3, warmup: 1 });
  assert.deepEqual(order.join(""), "abc" + "abc" + "bca" + "cab");
  assert.deepEqual(times.map((t) => t.length), [3, 3, 3]);
});

test("benchExplain times the lens and both attributions on the course batch of the demo model", async () => {
  const model = await loadSentimentModel({ env: { WORKBOOK_MODEL: "offline" } });
  const result = await benchExplain(model, COURSE_SENTENCES, { runs: 1, warmup: 0 });
  assert.equal(result.layers, 2);
  // 2 sentences: the sentence, one variant per token between [CLS] and [SEP], and the all-masked baseline
  const inner = COURSE_SENTENCES.map((t) => model.tokenizer(t).input_ids.dims[1] - 2);
  assert.equal(result.occlusionVariants, inner.reduce((sum, n) => sum + n + 2, 0));
  assert.match(result.shapleyMethod, /16 sampled orderings/);
  for (const series of [result.plainMs, result.lensMs, result.occlusionMs, result.shapleyMs]) assert.equal(series.length, 1);
});
