// The lens and the attributions on the offline demo model, whose reasons are known: it was built by hand
// from a word list (src/demo-models/distilbert/lexicon.ts).
import { before, test } from "node:test";
import assert from "node:assert/strict";
import { Tensor } from "@huggingface/transformers";
import { NEGATIVE_WORDS, POSITIVE_WORDS } from "../../src/demo-models/distilbert/lexicon";
import * as fs from "node:fs";
import { inspectModelBytes, type InspectedModel } from "../../src/onnx";
import { loadSentimentModel, type SentimentModel } from "../../src/model";
import { logitLens, occlusion, shapleyValues, type BatchInputs, type Forward } from "../../src/explain";
import { idsToTokens } from "../../src/pipeline/tokens";
import { COURSE_SENTENCES } from "../../src/course";
import type { TensorLike } from "../../src/tensor";

let workbook: SentimentModel;
let inspected: InspectedModel;

before(async () => {
  workbook = await loadSentimentModel({ env: { WORKBOOK_MODEL: "offline" } });
  // Its own session, not inspectModel's cache: unit files share a process, and another may clear that cache.
  const file = workbook.onnxPath("fp32");
  inspected = await inspectModelBytes(fs.readFileSync(file), { modelFile: file });
});

const idsOf = (text: string) => (workbook.tokenizer(text).input_ids.tolist() as bigint[][])[0].map(Number);
const counted = (): Forward & { calls: number } => {
  const forward = Object.assign(async (inputs: BatchInputs) => {
    forward.calls++;
    return workbook.model(inputs) as Promise<{ logits: TensorLike }>;
  }, { calls: 0 });
  return forward;
};
const lexicon = new Set([...Object.keys(POSITIVE_WORDS), ...Object.keys(NEGATIVE_WORDS)]);

test("the lens's last reading is the model's logits; every reading is a probability row", async () => {
  const inputs = await workbook.tokenizer([...COURSE_SENTENCES], { padding: true, truncation: true });
  const inside = await inspected.run(inputs);
  const lens = logitLens(inside.hiddenStates, inspected.headWeights());
  assert.equal(lens.logits.length, inspected.facts.layers + 1);
  assert.deepEqual(lens.layerNames, ["embeddings", ...Array.from({ length: inspected.facts.layers }, (_, i) => `block ${i + 1}`)]);
  const { logits } = await workbook.model(inputs);
  const expected = logits.tolist() as number[][];
  lens.logits.at(-1)!.forEach((row, b) => row.forEach((v, l) => assert.ok(Math.abs(v - expected[b][l]) < 1e-4, `${v} vs ${expected[b][l]}`)));
  for (const layer of lens.probabilities) for (const row of layer) assert.ok(Math.abs(row[0] + row[1] - 1) < 1e-12);
  // The demo model decides in its last block (block 1 pools the sentiment into [CLS]): its earlier readings differ.
  assert.notDeepEqual(lens.logits[0], lens.logits.at(-1));
});

test("batched occlusion equals occluding one variant at a time, and the lexicon's word comes out on top", async () => {
  const texts = ["I hate this so much!", "The food was good but the service was terrible.", "What a wonderful day."];
  const sentences = texts.map(idsOf);
  const forward = counted();
  const mask = Number(workbook.tokenizer.mask_token_id);
  const run = await occlusion(forward, sentences, { mode: "mask", maskId: mask, padId: Number(workbook.tokenizer.pad_token_id) });
  assert.equal(forward.calls, 1);
  for (const [s, attribution] of run.sentences.entries()) {
    // One at a time: every variant alone, unpadded.
    const alone = async (ids: number[]) => {
      const { logits } = await workbook.model({ input_ids: toTensor(ids), attention_mask: toTensor(ids.map(() => 1)) });
      const row = logits.tolist()[0] as number[];
      return row[1] - row[0];
    };
    const full = await alone(sentences[s]);
    assert.ok(Math.abs(full - attribution.full) < 1e-4);
    for (const [k, p] of attribution.positions.entries()) {
      const variant = sentences[s].map((id, i) => (i === p ? mask : id));
      assert.ok(Math.abs(full - (await alone(variant)) - attribution.scores[k]) < 1e-4, `sentence ${s}, position ${p}`);
    }
    const tokens = idsToTokens(workbook.tokenizer, sentences[s]);
    const top = attribution.positions[attribution.scores.reduce((best, v, k, all) => (Math.abs(v) > Math.abs(all[best]) ? k : best), 0)];
    assert.ok(lexicon.has(tokens[top]), `${texts[s]}: top token ${tokens[top]} is in the word list`);
  }
  const hate = run.sentences[0];
  const tokens = idsToTokens(workbook.tokenizer, sentences[0]);
  assert.ok(hate.scores[hate.positions.indexOf(tokens.indexOf("hate"))] < 0, "'hate' pushes toward NEGATIVE");
});

test("exact Shapley values on the demo model add up to full − baseline and rank the word-list token first", async () => {
  const sentences = ["I hate this so much!", "What a wonderful day."].map(idsOf);
  const forward = counted();
  const run = await shapleyValues(forward, sentences, { maskId: Number(workbook.tokenizer.mask_token_id), padId: Number(workbook.tokenizer.pad_token_id) });
  assert.equal(forward.calls, 1);
  assert.equal(run.method, "Shapley values (exact)");
  for (const [s, attribution] of run.sentences.entries()) {
    const sum = attribution.scores.reduce((a, b) => a + b, 0);
    assert.ok(Math.abs(sum - (attribution.full - attribution.baseline)) < 1e-4);
    const tokens = idsToTokens(workbook.tokenizer, sentences[s]);
    const top = attribution.positions[attribution.scores.reduce((best, v, k, all) => (Math.abs(v) > Math.abs(all[best]) ? k : best), 0)];
    assert.ok(lexicon.has(tokens[top]), `top token ${tokens[top]}`);
  }
});

function toTensor(values: number[]): Tensor {
  return new Tensor("int64", BigInt64Array.from(values.map(BigInt)), [1, values.length]);
}
