import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as ort from "onnxruntime-node";
import { AutoModelForSequenceClassification, AutoTokenizer, env as transformersEnv, pipeline, type Tensor } from "@huggingface/transformers";
import { loadSentimentModel, ModelLoadError, type SentimentModel } from "../../src/model";
import { SENTIMENT_DEMO_MODEL_NAME } from "../../src/demo-models";
import { softmax } from "../../src/tensor";
import { demoModel } from "../helpers/demo-model";

// Hermetic: these tests only ever load the demo model or local copies of it.
const OFFLINE = { WORKBOOK_MODEL: "offline" } as const;
const SENTENCES = ["I've been waiting for a HuggingFace course my whole life.", "I hate this so much!"];

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "model-load-"));
let modelDir: string;
let loaded: SentimentModel;
let allowRemoteAfterLoad: boolean | undefined;

const rows = (t: Tensor): number[][] => (t.tolist() as number[][]).map((r) => r.map(Number));
const close = (a: number[][], b: number[][], tolerance: number, what: string) => {
  assert.deepEqual(a.map((r) => r.length), b.map((r) => r.length), `${what}: shapes`);
  a.forEach((r, i) => r.forEach((x, j) => assert.ok(Math.abs(x - b[i][j]) <= tolerance, `${what}[${i}][${j}]: ${x} vs ${b[i][j]}`)));
};

/** A copy of the demo model directory to damage. */
function copyOfDemoModel(name: string): string {
  const dir = path.join(scratch, name);
  fs.cpSync(modelDir, dir, { recursive: true });
  return dir;
}

before(async () => {
  modelDir = demoModel(SENTIMENT_DEMO_MODEL_NAME);
  loaded = await loadSentimentModel({ env: OFFLINE });
  // Read now: unit files share a process, and another file's load may set transformers.js's env before the tests run.
  allowRemoteAfterLoad = transformersEnv.allowRemoteModels;
});
after(() => fs.rmSync(scratch, { recursive: true, force: true }));

test("WORKBOOK_MODEL=offline loads the demo model with fp32 weights, its labels and a one-line banner", () => {
  assert.equal(loaded.choice.kind, "demo");
  assert.equal(loaded.choice.source, modelDir);
  assert.deepEqual(loaded.id2label, { 0: "NEGATIVE", 1: "POSITIVE" });
  assert.equal((loaded.config as unknown as { model_type: string }).model_type, "distilbert");
  assert.equal(loaded.onnxPath("fp32"), path.join(modelDir, "onnx", "model.onnx"));
  assert.equal(loaded.onnxPath("q8"), path.join(modelDir, "onnx", "model_quantized.onnx"));
  assert.match(loaded.banner.replace(/\n/g, " "), /^Model: offline demo model distilbert-sst2-demo .*differ from the course\.$/);
  assert.ok(loaded.banner.split("\n").every((line) => line.length <= 100), "the banner's lines fit a notebook's 100 columns");
  assert.equal(allowRemoteAfterLoad, false, "offline means no downloads");
});

test("pipeline(), AutoTokenizer + AutoModelForSequenceClassification, a raw InferenceSession and the loader agree", async () => {
  const classifier = await pipeline("sentiment-analysis", modelDir, { dtype: "fp32" });
  const fromPipeline = (await classifier(SENTENCES)) as { label: string; score: number }[];

  const tokenizer = await AutoTokenizer.from_pretrained(modelDir);
  const model = await AutoModelForSequenceClassification.from_pretrained(modelDir, { dtype: "fp32" });
  const inputs = tokenizer(SENTENCES, { padding: true, truncation: true });
  const logits = rows((await model(inputs)).logits);

  const session = await ort.InferenceSession.create(path.join(modelDir, "onnx", "model.onnx"));
  const feed = (t: Tensor) => new ort.Tensor("int64", t.data as BigInt64Array, t.dims);
  const raw = await session.run({ input_ids: feed(inputs.input_ids), attention_mask: feed(inputs.attention_mask) });
  const rawLogits = Array.from({ length: SENTENCES.length }, (_, i) => Array.from(raw.logits.data as Float32Array).slice(2 * i, 2 * i + 2));

  const fromLoader = (await loaded.classifier(SENTENCES)) as { label: string; score: number }[];
  const loaderLogits = rows((await loaded.model(inputs)).logits);

  assert.deepEqual(raw.logits.dims, [2, 2]);
  close(logits, rawLogits, 1e-6, "transformers.js vs raw session logits");
  close(loaderLogits, rawLogits, 1e-6, "loader vs raw session logits");
  const probabilities = rows(softmax((await model(inputs)).logits));
  fromPipeline.forEach(({ label, score }, i) => {
    const best = probabilities[i].indexOf(Math.max(...probabilities[i]));
    assert.equal(label, loaded.id2label[best], `sentence ${i}: pipeline label`);
    assert.ok(Math.abs(score - probabilities[i][best]) <= 1e-6, `sentence ${i}: pipeline score ${score} vs ${probabilities[i][best]}`);
    assert.deepEqual(fromLoader[i].label, label);
    assert.ok(Math.abs(fromLoader[i].score - score) <= 1e-6);
  });
  await session.release();
  await model.dispose();
  await classifier.dispose();
});

test("dtype q8 runs onnx/model_quantized.onnx", async () => {
  const quantized = await loadSentimentModel({ env: OFFLINE, dtype: "q8" });
  const inputs = quantized.tokenizer(SENTENCES, { padding: true, truncation: true });
  const session = await ort.InferenceSession.create(quantized.onnxPath("q8"));
  const feed = (t: Tensor) => new ort.Tensor("int64", t.data as BigInt64Array, t.dims);
  const raw = await session.run({ input_ids: feed(inputs.input_ids), attention_mask: feed(inputs.attention_mask) });
  close(rows((await quantized.model(inputs)).logits), [0, 1].map((i) => Array.from(raw.logits.data as Float32Array).slice(2 * i, 2 * i + 2)), 1e-6, "q8 logits");
  await session.release();
  await quantized.model.dispose();
});

test("a model directory given by path loads like the demo model", async () => {
  const dir = copyOfDemoModel("copy");
  const copy = await loadSentimentModel({ env: { WORKBOOK_MODEL: dir } });
  assert.equal(copy.choice.kind, "directory");
  assert.equal(copy.onnxPath("fp32"), path.join(dir, "onnx", "model.onnx"));
  assert.deepEqual(await copy.classifier(SENTENCES), await loaded.classifier(SENTENCES));
  await copy.model.dispose();
});

test("a directory missing tokenizer.json or onnx/model.onnx is refused, naming it, what is missing and the fix", async () => {
  const dir = copyOfDemoModel("incomplete");
  fs.rmSync(path.join(dir, "tokenizer.json"));
  fs.rmSync(path.join(dir, "onnx", "model.onnx"));
  await assert.rejects(loadSentimentModel({ env: { WORKBOOK_MODEL: dir } }), (error: Error) =>
    error instanceof ModelLoadError &&
    error.location === dir &&
    error.message.startsWith(`Model directory ${dir} is missing tokenizer.json, onnx/model.onnx.`) &&
    error.message.includes("WORKBOOK_MODEL=offline"));
});

test("a directory without the quantized file loads fp32 but onnxPath('q8') explains what is missing", async () => {
  const dir = copyOfDemoModel("no-quantized");
  fs.rmSync(path.join(dir, "onnx", "model_quantized.onnx"));
  const partial = await loadSentimentModel({ env: { WORKBOOK_MODEL: dir } });
  assert.throws(() => partial.onnxPath("q8"), new RegExp(`No q8 ONNX file at ${path.join(dir, "onnx", "model_quantized.onnx")}`));
  await assert.rejects(loadSentimentModel({ env: { WORKBOOK_MODEL: dir }, dtype: "q8" }), /is missing onnx\/model_quantized.onnx/);
  await partial.model.dispose();
});

test("a corrupted ONNX file is refused naming the file and the fix", async () => {
  const dir = copyOfDemoModel("corrupt");
  const file = path.join(dir, "onnx", "model.onnx");
  fs.writeFileSync(file, fs.readFileSync(file).subarray(0, 1000));
  await assert.rejects(loadSentimentModel({ env: { WORKBOOK_MODEL: dir } }), (error: Error) =>
    error instanceof ModelLoadError && error.location === file && error.message.startsWith(`Could not load ${file}:`) &&
    error.message.includes("WORKBOOK_MODEL=offline"));
});

test("a config.json that is not JSON is refused naming the file", async () => {
  const dir = copyOfDemoModel("bad-config");
  fs.writeFileSync(path.join(dir, "config.json"), "{ not json");
  await assert.rejects(loadSentimentModel({ env: { WORKBOOK_MODEL: dir } }), (error: Error) =>
    error instanceof ModelLoadError && error.location === path.join(dir, "config.json"));
});
