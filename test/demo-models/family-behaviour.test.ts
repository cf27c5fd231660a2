import { before, test } from "node:test";
import assert from "node:assert/strict";
import * as path from "node:path";
import * as ort from "onnxruntime-node";
import { AutoTokenizer, type PreTrainedTokenizer } from "@huggingface/transformers";
import { decodeModel, encodeModel } from "../../src/onnx/proto";
import { labelledSentences } from "./distilbert-helpers";
import { argmax, familyConfig, familyDir, familyFiles, ONNX_FILES, rawLogits, sigmoid } from "./family-helpers";

interface Loaded {
  tokenizer: PreTrainedTokenizer;
  sessions: ort.InferenceSession[];
  labels: string[];
}
const loaded = new Map<string, Loaded>();

before(async () => {
  for (const name of ["bert-5star-demo", "roberta-3label-demo", "deberta-v2-multilabel-demo"]) {
    const dir = familyDir(name);
    loaded.set(name, {
      tokenizer: await AutoTokenizer.from_pretrained(dir, { local_files_only: true }),
      sessions: await Promise.all(Object.values(ONNX_FILES).map((file) => ort.InferenceSession.create(path.join(dir, file)))),
      labels: Object.values(familyConfig(name).id2label),
    });
  }
});

/** Logit rows of `texts` from the fp32 and the quantized file. */
async function bothFiles(name: string, texts: readonly string[]): Promise<number[][][]> {
  const { tokenizer, sessions } = loaded.get(name)!;
  return Promise.all(sessions.map((session) => rawLogits(session, tokenizer, texts)));
}

const labelsOf = (name: string, rows: number[][]) => rows.map((row) => loaded.get(name)!.labels[argmax(row)]);

test("5-star BERT: stars follow polarity, from strongly negative (1 star) to strongly positive (5 stars)", async () => {
  const ladder = ["This was the worst meal I have ever eaten.", "The food was bad.", "The meeting is at noon.", "The food was good.", "This movie was absolutely wonderful."];
  for (const rows of await bothFiles("bert-5star-demo", ladder)) {
    assert.deepEqual(labelsOf("bert-5star-demo", rows), ["1 star", "2 stars", "3 stars", "4 stars", "5 stars"]);
    // The expected number of stars rises along the ladder too, not just the top label.
    const expected = rows.map((row) => {
      const total = row.reduce((s, l) => s + Math.exp(l), 0);
      return row.reduce((s, l, k) => s + ((k + 1) * Math.exp(l)) / total, 0);
    });
    expected.slice(1).forEach((stars, i) => assert.ok(stars > expected[i] + 0.2, `${expected.map((e) => e.toFixed(2))}`));
  }
});

test("5-star BERT: negation moves a sentence to the other side; the course sentences get 3 stars and 1 star", async () => {
  for (const rows of await bothFiles("bert-5star-demo", ["The food was not good.", "The food was not bad.", "I've been waiting for a HuggingFace course my whole life.", "I hate this so much!"])) {
    assert.deepEqual(labelsOf("bert-5star-demo", rows), ["2 stars", "4 stars", "3 stars", "1 star"]);
  }
});

test("5-star BERT: the tokenizer gives token_type_ids and the second segment's type changes the logits", async () => {
  const { tokenizer, sessions } = loaded.get("bert-5star-demo")!;
  const pair = tokenizer("The food was good.", { text_pair: "The service was slow." }) as Record<string, { data: BigInt64Array; dims: number[] }>;
  const types = Array.from(pair.token_type_ids.data, Number);
  assert.ok(types.includes(1) && types[0] === 0, `${types}`);
  const feeds = (typeIds: BigInt64Array) => ({
    input_ids: new ort.Tensor("int64", pair.input_ids.data, pair.input_ids.dims),
    attention_mask: new ort.Tensor("int64", pair.attention_mask.data, pair.attention_mask.dims),
    token_type_ids: new ort.Tensor("int64", typeIds, pair.token_type_ids.dims),
  });
  const withTypes = (await sessions[0].run(feeds(pair.token_type_ids.data))).logits.data as Float32Array;
  const allZero = (await sessions[0].run(feeds(new BigInt64Array(types.length)))).logits.data as Float32Array;
  // Type 1 only adds a small vector to a decoration coordinate, so the change is small, but it is there.
  const change = Math.max(...Array.from(withTypes, (value, i) => Math.abs(value - allZero[i])));
  assert.ok(change > 0, `token_type_embeddings take part (largest logit change ${change})`);
});

test("3-label RoBERTa: neutral without sentiment words, negative/positive with them, in both files", async () => {
  const neutral = ["The meeting is at noon.", "I've been waiting for a HuggingFace course my whole life.", "The train leaves from platform four."];
  for (const rows of await bothFiles("roberta-3label-demo", neutral)) assert.deepEqual(labelsOf("roberta-3label-demo", rows), ["neutral", "neutral", "neutral"]);
  const sentences = labelledSentences();
  for (const rows of await bothFiles("roberta-3label-demo", sentences.map((s) => s.text))) {
    const right = rows.filter((row, i) => labelsOf("roberta-3label-demo", [row])[0] === sentences[i].label.toLowerCase()).length;
    assert.ok(right >= 36, `${right}/40 labelled sentences right`);
  }
});

test("3-label RoBERTa: position ids count from padding_idx + 1 = 2, and padding sits at padding_idx 1", async () => {
  const { tokenizer } = loaded.get("roberta-3label-demo")!;
  const model = decodeModel(familyFiles("roberta-3label-demo")[ONNX_FILES.fp32]);
  const positionIds = "/roberta/embeddings/Add_output_0";
  assert.ok(model.graph!.node!.some((n) => n.output?.includes(positionIds)));
  model.graph!.output!.push({ name: positionIds });
  const session = await ort.InferenceSession.create(encodeModel(model));
  const batch = tokenizer(["Good.", "This is not good at all."], { padding: true }) as Record<string, { data: BigInt64Array; dims: number[] }>;
  const out = await session.run({
    input_ids: new ort.Tensor("int64", batch.input_ids.data, batch.input_ids.dims),
    attention_mask: new ort.Tensor("int64", batch.attention_mask.data, batch.attention_mask.dims),
  });
  const [rows, length] = batch.input_ids.dims;
  const ids = Array.from(out[positionIds].data as BigInt64Array, Number);
  const mask = Array.from(batch.attention_mask.data, Number);
  for (let r = 0; r < rows; r++) {
    const real = mask.slice(r * length, (r + 1) * length).filter((m) => m === 1).length;
    assert.deepEqual(ids.slice(r * length, (r + 1) * length), Array.from({ length }, (_, i) => (i < real ? i + 2 : 1)));
  }
});

test("multi-label DeBERTa-v2: each label on its own, read through a sigmoid", async () => {
  const cases: [string, string[]][] = [
    ["The food was good.", ["positive"]],
    ["The food was not good.", ["negative", "negated"]],
    ["The food was not bad.", ["positive", "negated"]],
    ["I hate this so much!", ["negative", "intense"]],
    ["This movie was absolutely wonderful.", ["positive", "intense"]],
    ["I've been waiting for a HuggingFace course my whole life.", []],
    ["I did not enjoy the show.", ["negative", "negated"]],
  ];
  const { labels } = loaded.get("deberta-v2-multilabel-demo")!;
  for (const rows of await bothFiles("deberta-v2-multilabel-demo", cases.map(([text]) => text))) {
    rows.forEach((row, i) => {
      const on = labels.filter((_, k) => sigmoid(row[k]) > 0.5);
      assert.deepEqual(on, cases[i][1], cases[i][0]);
      // Clear calls: every label's probability is far from ½.
      row.forEach((logit, k) => assert.ok(Math.abs(sigmoid(logit) - 0.5) > 0.3, `${cases[i][0]}: ${labels[k]} ${sigmoid(logit).toFixed(3)}`));
    });
  }
});
