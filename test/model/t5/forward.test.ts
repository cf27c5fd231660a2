import { test } from "node:test";
import assert from "node:assert/strict";
import { DecoderStartError, encodeOnce, idsTensor, seq2seqForward, shiftRight } from "../../../src/model/t5";
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
  labels.forEach((label, t) => assert.equal(Number(logits.slice(0, t).argmax().item()), label, `step ${t}`));
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
