// Issue 9's bad-input table for the public text API: one test per row, each asserting the exact kind of error
// or that the result is the pipeline's own answer for the same text.
import { before, test } from "node:test";
import assert from "node:assert/strict";
import { classifyTexts, loadSentimentModel, type LabelScore, type SentimentModel, type TruncationReport } from "../../src";

let workbook: SentimentModel;
before(async () => {
  workbook = await loadSentimentModel({ env: { WORKBOOK_MODEL: "offline" }, log: () => {} });
});

async function pipelineSays(texts: string[]): Promise<LabelScore[]> {
  return (await workbook.classifier(texts)) as LabelScore[];
}

async function agreesWithPipeline(texts: string[], tolerance = 1e-5): Promise<TruncationReport[]> {
  const truncations: TruncationReport[] = [];
  const ours = await classifyTexts(workbook, texts, { onTruncate: (r) => truncations.push(r) });
  const theirs = await pipelineSays(texts);
  ours.predictions.forEach((p, i) => {
    assert.equal(p.label, theirs[i].label, `text ${i}: label`);
    assert.ok(Math.abs(p.score - theirs[i].score) <= tolerance, `text ${i}: ${p.score} vs ${theirs[i].score}`);
  });
  return truncations;
}

const rows: { name: string; texts: string[] }[] = [
  { name: "empty string", texts: [""] },
  { name: "whitespace only", texts: ["   \t\n  "] },
  { name: "emoji", texts: ["I love this 😍🎉", "👎👎👎"] },
  { name: "CJK", texts: ["这部电影很好看", "映画は最悪だった"] },
  { name: "right-to-left text", texts: ["هذا الفيلم رائع", "הסרט הזה נורא"] },
  { name: "zero-width characters", texts: ["gr\u200bea\u200ct mo\u200dvie\ufeff"] },
  { name: "combining characters", texts: ["cafe\u0301 was lovely", "Z\u0351\u0352\u0353algo"] },
  { name: "NUL and control characters", texts: ["bad\u0000movie\u0007", "\u0000"] },
  { name: "mixed lengths in one batch", texts: ["ok", "I hate this so much!", "what a wonderful, wonderful course this has been for all of us ".repeat(4)] },
];

for (const row of rows) {
  test(`bad input: ${row.name} is classified exactly as the pipeline classifies it`, async () => {
    assert.deepEqual(await agreesWithPipeline(row.texts), []);
  });
}

test("bad input: a 20,000-character text is truncated to the model's 512 tokens, and the truncation is reported", async () => {
  const long = "a wonderful course ".repeat(1100).slice(0, 20_000);
  const truncations = await agreesWithPipeline([long, "short one"]);
  assert.equal(truncations.length, 1);
  assert.equal(truncations[0].index, 0);
  assert.equal(truncations[0].kept, 512);
  assert.ok(truncations[0].tokens > 3000, `the whole text needs ${truncations[0].tokens} tokens`);
});

test("bad input: the default truncation report is one warning line naming the text and both counts", async () => {
  const original = console.warn;
  const lines: string[] = [];
  console.warn = (...args: unknown[]) => { lines.push(args.join(" ")); };
  try {
    await classifyTexts(workbook, ["word ".repeat(600)]);
  } finally {
    console.warn = original;
  }
  assert.deepEqual(lines, ["warning: text 0 has 602 tokens; the model takes 512, so it was truncated"]);
});

test("bad input: an empty batch is a RangeError saying what to give", async () => {
  await assert.rejects(classifyTexts(workbook, []), { name: "RangeError", message: /texts is empty: give at least one text/ });
});

test("bad input: a non-string in the batch is a TypeError naming its position", async () => {
  await assert.rejects(classifyTexts(workbook, ["fine", 42 as never, "also fine"]), { name: "TypeError", message: /texts\[1\] must be a string; got number 42/ });
  await assert.rejects(classifyTexts(workbook, ["fine", { text: "x" } as never]), { name: "TypeError", message: /texts\[1\] must be a string; got an object/ });
});

test("bad input: null, undefined or a bare string instead of an array is a TypeError with the fix", async () => {
  for (const bad of [null, undefined]) {
    await assert.rejects(classifyTexts(workbook, bad as never), { name: "TypeError", message: /texts must be an array of strings/ });
  }
  await assert.rejects(classifyTexts(workbook, "I love it" as never), { name: "TypeError", message: /For one text, pass \[text\]/ });
  await assert.rejects(classifyTexts(workbook, [null as never]), { name: "TypeError", message: /texts\[0\] must be a string; got null/ });
});

test("bad input: 1,000 sentences work in bounded batches, in input order, equal to the pipeline on every text", async () => {
  const base = ["I love it", "I hate this so much!", "What a wonderful course", "terrible, boring and far too long", "fine"];
  const texts = Array.from({ length: 1000 }, (_, i) => `${base[i % base.length]}${" really".repeat(i % 7)}`);
  const result = await classifyTexts(workbook, texts, { batchSize: 64 });
  assert.equal(result.predictions.length, 1000);
  assert.equal(result.batches, Math.ceil(1000 / 64), "never more than batchSize texts in one forward pass");
  const theirs: LabelScore[] = [];
  for (let i = 0; i < texts.length; i += 100) theirs.push(...(await pipelineSays(texts.slice(i, i + 100))));
  result.predictions.forEach((p, i) => {
    assert.equal(p.label, theirs[i].label, `text ${i}`);
    assert.ok(Math.abs(p.score - theirs[i].score) <= 1e-5, `text ${i}`);
  });
});

test("sorting by length before batching feeds less padding and gives the same predictions", async () => {
  const texts = Array.from({ length: 40 }, (_, i) => "good ".repeat(1 + ((i * 7) % 23)));
  const sorted = await classifyTexts(workbook, texts, { batchSize: 8, sortByLength: true });
  const plain = await classifyTexts(workbook, texts, { batchSize: 8, sortByLength: false });
  assert.ok(sorted.paddingTokens < plain.paddingTokens, `${sorted.paddingTokens} < ${plain.paddingTokens}`);
  sorted.predictions.forEach((p, i) => assert.ok(Math.abs(p.score - plain.predictions[i].score) <= 1e-5));
});

test("batchSize must be a positive integer", async () => {
  await assert.rejects(classifyTexts(workbook, ["x"], { batchSize: 0 }), { name: "RangeError", message: /batchSize must be a positive integer/ });
});
