import { before, test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import * as ort from "onnxruntime-node";
import { DEMO_MODELS, findDemoModel } from "../../src/demo-models";
import {
  buildGlyphGraph, GLYPH_CLASSES, GLYPH_SIZE, glyphDataset, glyphStrokes, glyphTemplates, SOFTMAX_NET_FILES, SOFTMAX_NETS_DEMO_MODEL_NAME,
  softmaxNetsDemoModel, type SoftmaxNetConfig,
} from "../../src/demo-models/softmax-nets";
import { appendSoftmax, graphEnding } from "../../src";

import { exposeSoftmaxInput, GraphStructureError } from "../../src/onnx";
import { demoModel } from "../helpers/demo-model";

let dir: string;
let demoDir: string;
const glyphBytes = buildGlyphGraph().toBytes({ opset: 14 });
const cells = GLYPH_SIZE * GLYPH_SIZE;

before(() => {
  dir = demoModel(SOFTMAX_NETS_DEMO_MODEL_NAME);
  demoDir = demoModel("distilbert-sst2-demo");
});

async function classify(bytes: Uint8Array, pixels: number[][]): Promise<{ probabilities: Float32Array; logits?: Float32Array }> {
  const exposed = exposeSoftmaxInput(bytes);
  const session = await ort.InferenceSession.create(exposed.bytes);
  try {
    const out = await session.run({ image: new ort.Tensor("float32", Float32Array.from(pixels.flat(), (v) => v / 255), [pixels.length, 1, GLYPH_SIZE, GLYPH_SIZE]) });
    return { probabilities: out.probabilities.data as Float32Array, logits: out[exposed.outputName].data as Float32Array };
  } finally {
    await session.release();
  }
}

const argmaxRows = (values: Float32Array, width: number) =>
  Array.from({ length: values.length / width }, (_, r) => {
    const row = Array.from(values.subarray(r * width, (r + 1) * width));
    return row.indexOf(Math.max(...row));
  });

test("softmax-nets is registered and lists the files notebook 08 reads", () => {
  assert.equal(findDemoModel(SOFTMAX_NETS_DEMO_MODEL_NAME), softmaxNetsDemoModel);
  assert.ok(DEMO_MODELS.includes(softmaxNetsDemoModel));
  for (const file of Object.values(SOFTMAX_NET_FILES)) assert.ok(fs.existsSync(path.join(dir, file)), file);
});

test("the sentiment network is the demo classifier's fp32 graph with a Softmax appended, and nothing else", () => {
  const original = fs.readFileSync(path.join(demoDir, "onnx/model.onnx"));
  const shipped = fs.readFileSync(path.join(dir, SOFTMAX_NET_FILES.sentiment));
  assert.ok(Buffer.from(appendSoftmax(original, { output: "logits" }).bytes).equals(shipped));
  assert.deepEqual(graphEnding(shipped), [{ output: "probabilities", node: "/Softmax", opType: "Softmax", input: "/classifier/Gemm_output_0" }]);
  const config = JSON.parse(fs.readFileSync(path.join(dir, SOFTMAX_NET_FILES.sentimentConfig), "utf8")) as SoftmaxNetConfig;
  assert.deepEqual(config.id2label, JSON.parse(fs.readFileSync(path.join(demoDir, "config.json"), "utf8")).id2label);
});

test("the demo classifier itself has no Softmax to expose: a clear GraphStructureError", () => {
  const original = fs.readFileSync(path.join(demoDir, "onnx/model.onnx"));
  assert.throws(() => exposeSoftmaxInput(original), (e: Error) => e instanceof GraphStructureError && /found none; the walk stopped at node '\/classifier\/Gemm' \(Gemm\).*may already be logits/.test(e.message));
});

test("glyph strokes: 8 columns, 8 rows and 7 diagonals each way, all different", () => {
  const strokes = glyphStrokes();
  assert.deepEqual(GLYPH_CLASSES.map((_, label) => strokes.filter((s) => s.label === label).length), [8, 8, 7, 7]);
  assert.deepEqual([...new Set(strokes.filter((s) => s.label >= 2).map((s) => s.pixels.length))].sort(), [5, 6, 7, 8]);
  assert.equal(new Set(strokes.map((s) => s.pixels.join())).size, strokes.length);
  assert.ok(strokes.every((s) => s.pixels.every((p) => p >= 0 && p < cells)));
  const templates = glyphTemplates(strokes);
  // Each template sums to 1 − penalty: an evenly lit image excites no unit.
  for (let u = 0; u < strokes.length; u++) assert.ok(Math.abs(templates.subarray(u * cells, (u + 1) * cells).reduce((s, w) => s + w, 0)) < 1e-5);
});

test("the glyph dataset is the same on every build, balanced, 8-bit, with two of each unusual kind", () => {
  const data = glyphDataset();
  assert.deepEqual(data, glyphDataset());
  assert.deepEqual(JSON.parse(fs.readFileSync(path.join(dir, SOFTMAX_NET_FILES.glyphData), "utf8")), JSON.parse(JSON.stringify(data)));
  for (const split of [data.calibration, data.test]) {
    assert.equal(split.pixels.length, 200);
    assert.deepEqual(GLYPH_CLASSES.map((_, label) => split.labels.filter((l) => l === label).length), [50, 50, 50, 50]);
    assert.ok(split.pixels.every((image) => image.length === cells && image.every((v) => Number.isInteger(v) && v >= 0 && v <= 255)));
  }
  assert.deepEqual([...new Set(data.unusual.kinds)], ["blank", "random pixels", "filled", "checkerboard", "plus", "X"]);
  assert.equal(data.unusual.kinds.length, 12);
});

test("the glyph network: clean strokes go to their class, an evenly lit image gets uniform probabilities", async () => {
  assert.deepEqual(graphEnding(glyphBytes).map((o) => [o.output, o.opType, o.input]), [["probabilities", "Softmax", "/fc2/Gemm_output_0"]]);
  const strokes = glyphStrokes();
  const clean = strokes.map((s) => Array.from({ length: cells }, (_, p) => (s.pixels.includes(p) ? 255 : 0)));
  const { probabilities } = await classify(glyphBytes, [...clean, new Array(cells).fill(255)]);
  assert.deepEqual(argmaxRows(probabilities, 4).slice(0, strokes.length), strokes.map((s) => s.label));
  assert.deepEqual(Array.from(probabilities.subarray(strokes.length * 4)), [0.25, 0.25, 0.25, 0.25]);
});

test("on its noisy test split the glyph network is mostly right but not always, and overconfident", async () => {
  const { test: split } = glyphDataset();
  const { probabilities } = await classify(glyphBytes, split.pixels);
  const predicted = argmaxRows(probabilities, 4);
  const accuracy = predicted.filter((p, i) => p === split.labels[i]).length / predicted.length;
  const meanConfidence = argmaxRows(probabilities, 4).reduce((s, p, r) => s + probabilities[r * 4 + p], 0) / predicted.length;
  assert.ok(accuracy > 0.85 && accuracy < 1, `accuracy ${accuracy}`);
  assert.ok(meanConfidence > accuracy, `mean confidence ${meanConfidence} vs accuracy ${accuracy}`);
  assert.ok(Array.from(probabilities).some((p) => p === 0), "some probabilities saturate to exactly 0");
});
