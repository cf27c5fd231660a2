import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import { buildT5Files, demoT5Weights, paddedVocabSize, t5DemoVocabulary } from "../../../src/demo-models/t5";
import { GraphBuilder } from "../../../src/onnx/graph-builder";
import { GraphStructureError } from "../../../src/onnx/errors";
import { decoderLastHiddenState, findLmHead, idsTensor, seq2seqForward, shiftRight } from "../../../src/model/t5";
import { useDemoT5 } from "./helpers";

const t5 = useDemoT5();

function inputs() {
  const { input_ids, attention_mask } = t5.current.tokenizer(["summarize: The cat sat on the mat.", "summarize: A dog."], { padding: true });
  const rows = ["The cat sat on the mat.", "A dog."].map((text) => shiftRight(t5.current.tokenizer.encode(text), 0));
  const width = Math.max(...rows.map((r) => r.length));
  return { input_ids, attention_mask, decoder_input_ids: idsTensor(rows.map((r) => [...r, ...Array(width - r.length).fill(0)])) };
}

test("findLmHead walks back from logits, through both If branches, to the final layer norm's output", () => {
  const head = findLmHead(fs.readFileSync(t5.current.onnxPath("decoder")));
  assert.equal(head.hiddenState, "/decoder/final_layer_norm/Mul_1_output_0");
  assert.equal(head.matMul, "/lm_head/MatMul");
  assert.ok(head.rescale !== null && Math.abs(head.rescale - t5.current.spec.dModel ** -0.5) < 1e-7);
});

test("the decoder's last hidden state is [batch, target, d_model], not logits", async () => {
  const feeds = inputs();
  const { lastHiddenState, logits } = await decoderLastHiddenState(t5.current.model, t5.current.onnxPath("decoder"), feeds);
  const [batch, target] = feeds.decoder_input_ids.dims;
  assert.deepEqual(lastHiddenState.dims, [batch, target, t5.current.spec.dModel]);
  assert.deepEqual(logits.dims, [batch, target, t5.current.spec.vocabSize]);
  const viaTransformers = (await seq2seqForward(t5.current, feeds)).logits.data as Float32Array;
  const worst = Math.max(...Array.from(logits.data as Float32Array, (v, i) => Math.abs(v - viaTransformers[i])));
  assert.ok(worst <= 1e-5, `exposed-decoder logits differ from transformers.js by ${worst}`);
});

test("the LM head turns that hidden state into the logits: (h · d_model^-0.5) times the tied embeddings", async () => {
  const feeds = inputs();
  const { lastHiddenState, logits, lmHead } = await decoderLastHiddenState(t5.current.model, t5.current.onnxPath("decoder"), feeds);
  const vocab = t5DemoVocabulary();
  const { shared } = demoT5Weights(vocab, paddedVocabSize(vocab.length));
  const d = t5.current.spec.dModel;
  const hidden = lastHiddenState.data as Float32Array;
  const actual = logits.data as Float32Array;
  for (const [position, id] of [[0, 0], [3, 119], [5, 4000]]) {
    let sum = 0;
    for (let k = 0; k < d; k++) sum += hidden[position * d + k] * lmHead.rescale! * shared.data[id * d + k];
    assert.ok(Math.abs(sum - actual[position * shared.rows + id]) < 1e-4, `position ${position}, id ${id}`);
  }
});

test("the built files and the weights used above are the same model", () => {
  const onDisk = fs.readFileSync(t5.current.onnxPath("decoder"));
  assert.ok(Buffer.from(buildT5Files().files["onnx/decoder_model_merged.onnx"]).equals(onDisk));
});

test("a decoder without a logits output, or whose logits do not come from a weight MatMul, is refused", () => {
  const g = new GraphBuilder();
  g.input("x", "float32", [1, 2]);
  g.op("Relu", ["x"], "/Relu", undefined, "scores");
  g.output("scores", "float32", [1, 2]);
  assert.throws(() => findLmHead(g.toBytes()), /no 'logits' output; its outputs are \[scores\]/);
  const h = new GraphBuilder();
  h.input("x", "float32", [1, 2]);
  h.op("Relu", ["x"], "/Relu", undefined, "logits");
  h.output("logits", "float32", [1, 2]);
  assert.throws(() => findLmHead(h.toBytes()), (error: unknown) => error instanceof GraphStructureError && /from a MatMul with a weight/.test(error.message));
});
