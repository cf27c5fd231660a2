// The bench's model-side steps on the offline demo model: they must do the work they claim to time.
import { before, test } from "node:test";
import assert from "node:assert/strict";
import { COURSE_SENTENCES } from "../../src/course";
import { loadSentimentModel, type SentimentModel } from "../../src/model";
import { mixedLengthSentences } from "../../scripts/bench/sentences";
import { classifyInBatches } from "../../scripts/bench/throughput";
import { benchTokenizer } from "../../scripts/bench/tokenizer";
import { classifyByHand } from "../../scripts/bench/walkthrough";

let model: SentimentModel;
before(async () => {
  model = await loadSentimentModel({ env: { WORKBOOK_MODEL: "offline" } });
});

test("the hand-made walkthrough gives the pipeline's labels and scores", async () => {
  const byHand = await classifyByHand(model, COURSE_SENTENCES);
  const piped = (await model.classifier([...COURSE_SENTENCES])) as { label: string; score: number }[];
  assert.deepEqual(byHand.map((p) => p.label), piped.map((p) => p.label));
  byHand.forEach((p, i) => assert.ok(Math.abs(p.score - piped[i].score) < 1e-6, `score ${i}: ${p.score} vs ${piped[i].score}`));
});

test("batched classification returns each sentence's logits in input order, sorted or not", async () => {
  const texts = mixedLengthSentences(7);
  const inputs = await model.tokenizer(texts, { padding: true, truncation: true });
  const { logits } = await model.model(inputs);
  const expected = logits.tolist() as number[][];
  for (const sortByLength of [false, true]) {
    const rows = await classifyInBatches(model, texts, 3, sortByLength);
    rows.forEach((row, i) => row.forEach((v, j) => assert.ok(Math.abs(v - expected[i][j]) < 1e-4, `sorted=${sortByLength} row ${i}: ${[...row]} vs ${expected[i]}`)));
  }
});

test("tokenizer throughput counts sentences per second for each calling style", async () => {
  const result = await benchTokenizer(model.tokenizer, mixedLengthSentences(20), { runs: 2, warmup: 0 });
  assert.equal(result.sentences, 20);
  assert.equal(result.batchPerSecond.length, 2);
  assert.ok([...result.batchPerSecond, ...result.onePerCallPerSecond].every((v) => Number.isFinite(v) && v > 0));
});
