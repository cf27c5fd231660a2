import { test } from "node:test";
import assert from "node:assert/strict";
import { Tensor } from "@huggingface/transformers";
import { toPipelineOutput } from "../../src/pipeline/postprocess";

const logits = new Tensor("float32", Float32Array.from([-1.5607, 1.6123, 4.1692, -3.3464]), [2, 2]);
const id2label = { 0: "NEGATIVE", 1: "POSITIVE" };
const expSoftmax = (a: number, b: number) => Math.exp(a) / (Math.exp(a) + Math.exp(b));

test("top 1 gives one flat {label, score} per row, as the pipeline does for a batch", () => {
  const out = toPipelineOutput(logits, id2label);
  assert.deepEqual(out.map((o) => (o as { label: string }).label), ["POSITIVE", "NEGATIVE"]);
  const [first, second] = out as { score: number }[];
  assert.ok(Math.abs(first.score - expSoftmax(1.6123, -1.5607)) < 1e-6);
  assert.ok(Math.abs(second.score - expSoftmax(4.1692, -3.3464)) < 1e-6);
});

test("top_k null gives every label per row, best first", () => {
  const out = toPipelineOutput(logits, id2label, { top_k: null }) as { label: string; score: number }[][];
  assert.equal(out.length, 2);
  assert.deepEqual(out[0].map((o) => o.label), ["POSITIVE", "NEGATIVE"]);
  assert.ok(Math.abs(out[0][0].score + out[0][1].score - 1) < 1e-6);
});

test("a label missing from id2label is named LABEL_i", () => {
  const out = toPipelineOutput(logits, { 0: "NEGATIVE" }) as { label: string }[];
  assert.deepEqual(out.map((o) => o.label), ["LABEL_1", "NEGATIVE"]);
});

test("multi-label classification uses sigmoid, like transformers.js", () => {
  const [first] = toPipelineOutput(logits, id2label, { problem_type: "multi_label_classification" }) as { score: number }[];
  assert.ok(Math.abs(first.score - 1 / (1 + Math.exp(-1.6123))) < 1e-6);
});

test("a row count that does not match the inputs is a RangeError naming both counts", () => {
  assert.throws(() => toPipelineOutput(logits, id2label, { expectedRows: 3 }), { name: "RangeError", message: /2 rows but 3/ });
  assert.throws(() => toPipelineOutput(new Tensor("float32", new Float32Array(4), [4]), id2label), { name: "RangeError", message: /\[rows, labels\]/ });
});

test("id2label that is not an object is a TypeError naming id2label", () => {
  for (const bad of [null, ["NEGATIVE", "POSITIVE"], "labels"]) {
    assert.throws(() => toPipelineOutput(logits, bad as never), { name: "TypeError", message: /id2label must be an object/ });
  }
});

test("top_k must be a positive integer or null", () => {
  assert.throws(() => toPipelineOutput(logits, id2label, { top_k: 0 }), { name: "RangeError", message: /top_k/ });
});

test("idsToTokens maps ids back to vocabulary entries and names an unknown id", async () => {
  const { idsToTokens } = await import("../../src/pipeline/tokens");
  const tokenizer = { get_vocab: () => new Map([["[CLS]", 101], ["hugging", 17662], ["##face", 12172]]) };
  assert.deepEqual(idsToTokens(tokenizer, [101, 17662, 12172]), ["[CLS]", "hugging", "##face"]);
  assert.deepEqual(idsToTokens(tokenizer, BigInt64Array.from([12172n])), ["##face"]);
  assert.throws(() => idsToTokens(tokenizer, [5]), { name: "RangeError", message: /token id 5 is not in the tokenizer's vocabulary/ });
});
