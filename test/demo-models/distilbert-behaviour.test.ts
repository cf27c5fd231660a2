import { before, test } from "node:test";
import assert from "node:assert/strict";
import * as ort from "onnxruntime-node";
import type { PreTrainedTokenizer } from "@huggingface/transformers";
import { DEMO_SIZES } from "../../src/demo-models/distilbert";
import { decodeModel, encodeModel } from "../../src/onnx/proto";
import { COURSE, demoModel, labelledSentences, labelOf, loadTokenizer, logitsFor } from "./distilbert-helpers";

let tokenizer: PreTrainedTokenizer;
let fp32: ort.InferenceSession;
let quantized: ort.InferenceSession;

before(async () => {
  tokenizer = await loadTokenizer();
  fp32 = await ort.InferenceSession.create(demoModel().files["onnx/model.onnx"]);
  quantized = await ort.InferenceSession.create(demoModel().files["onnx/model_quantized.onnx"]);
});

const probability = (row: readonly number[]) => 1 / (1 + Math.exp(-Math.abs(row[1] - row[0])));

test("the course sentences come out POSITIVE and NEGATIVE, as with the real checkpoint, in both files", async () => {
  for (const session of [fp32, quantized]) {
    const rows = await logitsFor(session, tokenizer, COURSE.map((c) => c.text));
    assert.deepEqual(rows.map(labelOf), COURSE.map((c) => c.label));
  }
});

test("at least 90% of the 40 labelled sentences are classified right by each file", async () => {
  const sentences = labelledSentences();
  assert.equal(sentences.length, 40);
  for (const session of [fp32, quantized]) {
    const rows = await logitsFor(session, tokenizer, sentences.map((s) => s.text));
    const right = rows.filter((row, i) => labelOf(row) === sentences[i].label).length;
    assert.ok(right >= 36, `${right}/40 right`);
  }
});

test("fp32 and quantized files agree on the label of every labelled sentence", async () => {
  const texts = labelledSentences().map((s) => s.text);
  const [a, b] = await Promise.all([logitsFor(fp32, tokenizer, texts), logitsFor(quantized, tokenizer, texts)]);
  assert.deepEqual(b.map(labelOf), a.map(labelOf));
});

test("padding does not change a sentence's logits: alone vs. in a padded batch within 1e-5", async () => {
  const texts = [...COURSE.map((c) => c.text), ...labelledSentences().map((s) => s.text)];
  const batched = await logitsFor(fp32, tokenizer, texts);
  for (const [i, text] of texts.entries()) {
    const [alone] = await logitsFor(fp32, tokenizer, [text]);
    for (const k of [0, 1]) assert.ok(Math.abs(alone[k] - batched[i][k]) <= 1e-5, `${text}: ${alone} vs ${batched[i]}`);
  }
});

test("scores spread between clear and confident rather than sitting at 0.5 or 1", async () => {
  const rows = await logitsFor(fp32, tokenizer, labelledSentences().map((s) => s.text));
  const scores = rows.map(probability);
  assert.ok(scores.every((p) => p > 0.6 && p < 0.9999), scores.map((p) => p.toFixed(4)).join(" "));
  assert.ok(new Set(scores.map((p) => p.toFixed(3))).size >= 5, "scores differ between sentences");
});

test("a negator up to three tokens before a word flips it", async () => {
  const rows = await logitsFor(fp32, tokenizer, ["The food was good.", "The food was not good.", "The food was not very good.", "The food was bad.", "The food was not bad."]);
  assert.deepEqual(rows.map(labelOf), ["POSITIVE", "NEGATIVE", "NEGATIVE", "NEGATIVE", "POSITIVE"]);
});

test("each block's Softmax holds attention probabilities [batch, 12, seq, seq] that ignore padded keys", async () => {
  const model = decodeModel(demoModel().files["onnx/model.onnx"]);
  const names = Array.from({ length: DEMO_SIZES.nLayers }, (_, l) => `/distilbert/transformer/layer.${l}/attention/Softmax_output_0`);
  model.graph!.output!.push(...names.map((name) => ({ name })));
  const session = await ort.InferenceSession.create(encodeModel(model));
  const batch = tokenizer(COURSE.map((c) => c.text), { padding: true, truncation: true });
  const outputs = await session.run({
    input_ids: new ort.Tensor("int64", batch.input_ids.data, batch.input_ids.dims),
    attention_mask: new ort.Tensor("int64", batch.attention_mask.data, batch.attention_mask.dims),
  });
  for (const name of names) {
    const { dims, data } = outputs[name] as ort.Tensor & { data: Float32Array };
    assert.deepEqual(dims, [2, 12, 16, 16]);
    for (let row = 0; row < 2 * 12 * 16; row++) {
      const probabilities = data.subarray(row * 16, row * 16 + 16);
      assert.ok(Math.abs(probabilities.reduce((s, p) => s + p, 0) - 1) < 1e-5);
      // The second sentence has 8 real tokens: its keys 8–15 are padding.
      if (row >= 12 * 16) assert.ok(probabilities.subarray(8).every((p) => p === 0), `${name} row ${row}`);
    }
  }
});
