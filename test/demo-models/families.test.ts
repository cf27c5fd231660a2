import { after, test } from "node:test";
import assert from "node:assert/strict";
import * as path from "node:path";
import * as ort from "onnxruntime-node";
import { AutoModelForSequenceClassification, AutoTokenizer, pipeline } from "@huggingface/transformers";
import { DEMO_MODELS } from "../../src/demo-models";
import { decodeModel } from "../../src/onnx/proto";
import { familyConfig, familyDir, familyFiles, ONNX_FILES, rawLogits, sigmoid } from "./family-helpers";

type Dtype = "fp32" | "q8";

// Each tokenizer, model and raw session is loaded once for the tests below that read it (loading is most of their work).
const loaded = new Map<string, Promise<unknown>>();
function once<T>(key: string, load: () => Promise<T>): Promise<T> {
  if (!loaded.has(key)) loaded.set(key, load());
  return loaded.get(key) as Promise<T>;
}
const familyTokenizer = (name: string) => once(`tokenizer ${name}`, () => AutoTokenizer.from_pretrained(familyDir(name), { local_files_only: true }));
const familyModel = (name: string, dtype: Dtype) =>
  once(`model ${name} ${dtype}`, () => AutoModelForSequenceClassification.from_pretrained(familyDir(name), { dtype, local_files_only: true }));
const familySession = (name: string, file: string) => once(`session ${name} ${file}`, () => ort.InferenceSession.create(path.join(familyDir(name), file)));
after(async () => {
  for (const [key, value] of loaded) {
    const done = await value;
    if (key.startsWith("model ")) await (done as { dispose(): Promise<unknown> }).dispose();
    if (key.startsWith("session ")) await (done as ort.InferenceSession).release();
  }
});

/** What contract 6 fixes for each new family's demo model. */
const FAMILIES = [
  {
    name: "bert-5star-demo", modelType: "bert", architecture: "BertForSequenceClassification", inputs: ["input_ids", "attention_mask", "token_type_ids"],
    labels: ["1 star", "2 stars", "3 stars", "4 stars", "5 stars"], typeVocabSize: 2, padTokenId: 0, multiLabel: false,
    head: { dense: "bert.pooler.dense", activation: "Tanh", classifier: "classifier" },
  },
  {
    name: "roberta-3label-demo", modelType: "roberta", architecture: "RobertaForSequenceClassification", inputs: ["input_ids", "attention_mask"],
    labels: ["negative", "neutral", "positive"], typeVocabSize: 1, padTokenId: 1, multiLabel: false,
    head: { dense: "classifier.dense", activation: "Tanh", classifier: "classifier.out_proj" },
  },
  {
    name: "deberta-v2-multilabel-demo", modelType: "deberta-v2", architecture: "DebertaV2ForSequenceClassification", inputs: ["input_ids", "attention_mask"],
    labels: ["positive", "negative", "negated", "intense"], typeVocabSize: 0, padTokenId: 0, multiLabel: true,
    head: { dense: "pooler.dense", activation: "Erf", classifier: "classifier" },
  },
] as const;

const SENTENCES = [
  "I've been waiting for a HuggingFace course my whole life.",
  "I hate this so much!",
  "The food was not good.",
  "This movie was absolutely wonderful.",
  "It was okay.",
];

test("each family's demo model is registered with the files transformers.js loads", () => {
  for (const family of FAMILIES) {
    assert.ok(DEMO_MODELS.some((m) => m.name === family.name), family.name);
    for (const file of ["config.json", "tokenizer.json", "tokenizer_config.json", ONNX_FILES.fp32, ONNX_FILES.q8]) assert.ok(familyFiles(family.name)[file], `${family.name}: ${file}`);
  }
});

test("config.json states the family, labels, sizes and problem type the ONNX graph really has", () => {
  for (const family of FAMILIES) {
    const config = familyConfig(family.name);
    assert.equal(config.model_type, family.modelType);
    assert.deepEqual(config.architectures, [family.architecture]);
    assert.deepEqual(Object.values(config.id2label), family.labels);
    assert.deepEqual(config.label2id, Object.fromEntries(family.labels.map((label, id) => [label, id])));
    assert.equal(config.type_vocab_size, family.typeVocabSize);
    assert.equal(config.pad_token_id, family.padTokenId);
    assert.equal(config.problem_type, family.multiLabel ? "multi_label_classification" : undefined);
    const graph = decodeModel(familyFiles(family.name)[ONNX_FILES.fp32]).graph!;
    const dims = (name: string) => graph.initializer!.find((t) => t.name === name)?.dims?.map(Number);
    const prefix = family.modelType === "deberta-v2" ? "deberta" : family.modelType;
    assert.equal(dims(`${prefix}.embeddings.word_embeddings.weight`)?.[0], config.vocab_size, "vocab_size = rows of the word table");
    assert.equal(dims(`${prefix}.embeddings.position_embeddings.weight`)?.[0], config.max_position_embeddings, "max_position_embeddings = rows of the position table");
    assert.equal(dims(`${prefix}.embeddings.token_type_embeddings.weight`)?.[0] ?? 0, family.typeVocabSize);
    const tokenizer = JSON.parse(new TextDecoder().decode(familyFiles(family.name)["tokenizer.json"]));
    const pieces = Array.isArray(tokenizer.model.vocab) ? tokenizer.model.vocab.length : Object.keys(tokenizer.model.vocab).length;
    assert.equal(pieces, config.vocab_size, "the tokenizer's vocabulary fills the word table");
    const layers = new Set(graph.initializer!.map((t) => /\.layer\.(\d+)\./.exec(t.name ?? "")?.[1]).filter((l) => l !== undefined));
    assert.equal(layers.size, config.num_hidden_layers);
  }
});

test("the graphs take the family's inputs and end in its head: first token → dense → activation → classifier", () => {
  for (const family of FAMILIES) {
    for (const file of Object.values(ONNX_FILES)) {
      const graph = decodeModel(familyFiles(family.name)[file]).graph!;
      assert.deepEqual(graph.input!.map((i) => i.name), family.inputs, `${family.name} ${file}`);
      assert.deepEqual(graph.output!.map((o) => o.name), ["logits"]);
      const names = new Set(graph.initializer!.map((t) => t.name));
      for (const weight of [family.head.dense, family.head.classifier]) {
        const stored = file === ONNX_FILES.fp32 ? `${weight}.weight` : `${weight}.weight_quantized`;
        assert.ok(names.has(stored), `${family.name} ${file}: ${stored}`);
      }
      const activation = graph.node!.filter((n) => n.opType === family.head.activation && !(n.name ?? "").includes("/encoder/"));
      assert.equal(activation.length, 1, `${family.name} ${file}: one ${family.head.activation} in the head`);
      const gather = graph.node!.find((n) => n.opType === "Gather" && n.attribute?.some((a) => a.name === "axis" && Number(a.i) === 1));
      assert.ok(gather, "the first token is gathered on axis 1");
    }
  }
});

test("pipeline('sentiment-analysis') runs each file and top_k: null gives every label; multi-label scores are sigmoids", async () => {
  for (const family of FAMILIES) {
    for (const dtype of ["fp32", "q8"] as const) {
      const classifier = await pipeline("sentiment-analysis", familyDir(family.name), { dtype, local_files_only: true });
      const model = await familyModel(family.name, dtype);
      const tokenizer = await familyTokenizer(family.name);
      for (const text of SENTENCES) {
        const scores = (await classifier(text, { top_k: null })) as { label: string; score: number }[];
        assert.deepEqual(scores.map((s) => s.label).sort(), [...family.labels].sort(), `${family.name} ${dtype}`);
        const logits = Array.from((await model(tokenizer(text))).logits.data as Float32Array);
        const expected = family.multiLabel ? logits.map(sigmoid) : logits.map((l) => Math.exp(l) / logits.reduce((s, x) => s + Math.exp(x), 0));
        for (const { label, score } of scores) assert.ok(Math.abs(score - expected[family.labels.indexOf(label as never)]) < 1e-5, `${family.name} ${dtype} ${text} ${label}`);
      }
      await classifier.dispose();
    }
  }
});

test("AutoTokenizer + AutoModelForSequenceClassification agree with a raw onnxruntime session to 1e-5 (padded batch)", async () => {
  for (const family of FAMILIES) {
    const tokenizer = await familyTokenizer(family.name);
    for (const [dtype, file] of Object.entries(ONNX_FILES)) {
      const model = await familyModel(family.name, dtype as Dtype);
      const ours = await model(tokenizer(SENTENCES, { padding: true, truncation: true }));
      const session = await familySession(family.name, file);
      const raw = await rawLogits(session, tokenizer, SENTENCES);
      const data = ours.logits.data as Float32Array;
      raw.flat().forEach((value, i) => assert.ok(Math.abs(value - data[i]) < 1e-5, `${family.name} ${file}: ${value} vs ${data[i]}`));
    }
  }
});

test("quantized logits stay within 5% of the fp32 logits' range and give the same labels", async () => {
  for (const family of FAMILIES) {
    const tokenizer = await familyTokenizer(family.name);
    const [fp32, q8] = await Promise.all(Object.values(ONNX_FILES).map(async (file) => {
      const session = await familySession(family.name, file);
      return rawLogits(session, tokenizer, SENTENCES);
    }));
    const worst = Math.max(...fp32.flat().map((value, i) => Math.abs(value - q8.flat()[i])));
    const range = Math.max(...fp32.flat().map(Math.abs));
    assert.ok(worst < 0.05 * range, `${family.name}: largest logit difference ${worst}, logits up to ${range}`);
    const labels = (rows: number[][]) => rows.map((row) => (family.multiLabel ? row.map((l) => l > 0) : row.indexOf(Math.max(...row))));
    assert.deepEqual(labels(q8), labels(fp32), family.name);
  }
});

test("rebuilding gives byte-identical files, and every ONNX file is small", () => {
  for (const family of FAMILIES) {
    const again = DEMO_MODELS.find((m) => m.name === family.name)!.build();
    const first = familyFiles(family.name);
    assert.deepEqual(Object.keys(again).sort(), Object.keys(first).sort());
    for (const file of Object.keys(first)) assert.ok(Buffer.from(again[file]).equals(Buffer.from(first[file])), `${family.name}: ${file} differs`);
    assert.ok(first[ONNX_FILES.fp32].byteLength < 9e6, `${family.name} fp32: ${first[ONNX_FILES.fp32].byteLength} bytes`);
    assert.ok(first[ONNX_FILES.q8].byteLength < 2.5e6, `${family.name} quantized: ${first[ONNX_FILES.q8].byteLength} bytes`);
  }
});
