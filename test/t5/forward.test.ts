import { test } from "node:test";
import assert from "node:assert/strict";
import { makeTensor } from "../../src/tensor/types";
import { DecoderStartError, encodeOnce, idsTensor, logitsRow, seq2seqForward, shiftRight, tokenScore, topTokens } from "../../src/t5";
import { useDemoT5 } from "./helpers";

const t5 = useDemoT5();
const SOURCE = "summarize: The cat sat on the mat.";
const TARGET = "The cat sat on the mat.";

function inputsFor(source: string, target: string) {
  const { input_ids, attention_mask } = t5.current.tokenizer(source);
  const labels = t5.current.tokenizer.encode(target);
  return { input_ids, attention_mask, labels, decoder_input_ids: idsTensor([shiftRight(labels, 0)]) };
}

test("a forward pass without labels returns logits [batch, target, vocab] and the decoder's cache", async () => {
  const { input_ids, attention_mask, decoder_input_ids, labels } = inputsFor(SOURCE, TARGET);
  const { logits, outputNames } = await seq2seqForward(t5.current, { input_ids, attention_mask, decoder_input_ids });
  assert.deepEqual(logits.dims, [1, labels.length, t5.current.spec.vocabSize]);
  assert.equal(outputNames[0], "logits");
  assert.ok(outputNames.includes("present.0.encoder.key"));
});

test("shift by one: the logits at step t score the label at t, i.e. the decoder input at t+1", async () => {
  const { input_ids, attention_mask, decoder_input_ids, labels } = inputsFor(SOURCE, TARGET);
  const { logits } = await seq2seqForward(t5.current, { input_ids, attention_mask, decoder_input_ids });
  // The demo copies the text after the prefix, so its best guess at every step is the next target token.
  labels.forEach((label, t) => assert.equal(topTokens(logitsRow(logits, 0, t), t5.current.tokenizer, 1)[0].id, label, `step ${t}`));
});

test("a decoder input that does not start with the start token is an error, not a silent wrong answer", async () => {
  const { input_ids, attention_mask, labels } = inputsFor(SOURCE, TARGET);
  await assert.rejects(seq2seqForward(t5.current, { input_ids, attention_mask, decoder_input_ids: idsTensor([labels]) }), DecoderStartError);
});

test("inputs that disagree on the batch size are refused with their dims", async () => {
  const { input_ids, attention_mask } = inputsFor(SOURCE, TARGET);
  await assert.rejects(
    seq2seqForward(t5.current, { input_ids, attention_mask, decoder_input_ids: idsTensor([[0], [0]]) }),
    /must agree on the batch size/,
  );
});

test("encodeOnce runs only the encoder: last_hidden_state [batch, source, d_model]", async () => {
  const { input_ids, attention_mask } = inputsFor(SOURCE, TARGET);
  const hidden = await encodeOnce(t5.current.model, { input_ids, attention_mask });
  assert.deepEqual(hidden.dims, [1, input_ids.dims[1], t5.current.spec.dModel]);
});

test("passing the encoder output computed once gives the same logits as a full forward pass", async () => {
  const { input_ids, attention_mask, decoder_input_ids } = inputsFor(SOURCE, TARGET);
  const full = await seq2seqForward(t5.current, { input_ids, attention_mask, decoder_input_ids });
  const encoder_outputs = await encodeOnce(t5.current.model, { input_ids, attention_mask });
  const reused = (await t5.current.model({ encoder_outputs, attention_mask, decoder_input_ids })) as { logits: { data: Float32Array } };
  assert.deepEqual(Array.from(reused.logits.data), Array.from(full.logits.data as Float32Array));
});

test("logitsRow takes one [vocab] row and refuses positions outside the logits", () => {
  const logits = makeTensor("float32", Float32Array.from({ length: 2 * 3 * 4 }, (_, i) => i), [2, 3, 4]);
  assert.deepEqual(Array.from(logitsRow(logits, 1, 2).data as Float32Array), [20, 21, 22, 23]);
  assert.throws(() => logitsRow(logits, 0, 3), /position 3\) is outside logits \[2, 3, 4\]/);
  assert.throws(() => logitsRow(makeTensor("float32", new Float32Array(4), [1, 4]), 0, 0), /\[batch, target, vocab\]/);
});

test("topTokens lists the best ids first with softmax probabilities; tokenScore agrees", () => {
  const row = makeTensor("float32", Float32Array.from([0, 3, 1, 3]), [4]);
  const top = topTokens(row, t5.current.tokenizer, 3);
  assert.deepEqual(top.map((s) => s.id), [1, 3, 2]);
  const total = Math.exp(0) + 2 * Math.exp(3) + Math.exp(1);
  assert.ok(Math.abs(top[0].probability - Math.exp(3) / total) < 1e-12);
  assert.deepEqual(tokenScore(row, 2), { logit: 1, probability: Math.exp(1) / total });
  assert.throws(() => tokenScore(row, 4), /outside the row's 4 entries/);
});

test("ids past the tokenizer's pieces (the LM head's padding rows) are shown as such", () => {
  const vocab = t5.current.spec.vocabSize;
  const row = makeTensor("float32", Float32Array.from({ length: vocab }, (_, i) => (i === vocab - 1 ? 10 : 0)), [vocab]);
  assert.equal(topTokens(row, t5.current.tokenizer, 1)[0].piece, `<no piece: id ${vocab - 1}>`);
});
