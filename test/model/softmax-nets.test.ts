import { after, test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { SENTIMENT_DEMO_MODEL_NAME } from "../../src/demo-models";
import { SOFTMAX_NET_FILES } from "../../src/demo-models/softmax-nets";
import { glyphArt, glyphImages, loadGlyphNet, loadSoftmaxNets } from "../../src";
import { type ModelChoice } from "../../src/model";
import { demoModel } from "../helpers/demo-model";
import { tempDir } from "../helpers/temp-dir";

const scratch = tempDir({ after }, "softmax-nets-");

const demoDir = demoModel(SENTIMENT_DEMO_MODEL_NAME);
const id2label = { 0: "NEGATIVE", 1: "POSITIVE" };
const demoChoice: ModelChoice = { kind: "demo", name: SENTIMENT_DEMO_MODEL_NAME, dir: demoDir, source: demoDir, reason: "test" };

test("with the demo classifier, loadSoftmaxNets uses the demo model's files and says so", () => {
  const nets = loadSoftmaxNets({ choice: demoChoice, onnxPath: () => assert.fail("the demo model's file should be used"), id2label });
  const shipped = fs.readFileSync(path.join(demoModel("softmax-nets"), SOFTMAX_NET_FILES.sentiment));
  assert.ok(Buffer.from(nets.sentiment.bytes).equals(shipped));
  assert.deepEqual(nets.sentiment.labels, ["NEGATIVE", "POSITIVE"]);
  assert.deepEqual(nets.glyphs.labels, ["vertical", "horizontal", "falling diagonal", "rising diagonal"]);
  assert.match(nets.banner, /^Softmax-ended models:\n  sentiment: build\/models\/softmax-nets\/sentiment\/model\.onnx\n    \(the demo classifier with a Softmax appended by npm run demo-models\)\n  glyphs: build\/models\/softmax-nets\/glyphs\/model\.onnx\n/);
  assert.deepEqual(nets.banner.split("\n").filter((line) => line.length > 100), []);
  assert.deepEqual(nets.glyphData.test.images.dims, [200, 1, 8, 8]);
  assert.deepEqual(nets.glyphData.unusual.images.dims, [12, 1, 8, 8]);
});

test("with any other checkpoint, its own fp32 graph gets the Softmax appended in memory (same bytes for the same graph)", () => {
  const copy = path.join(scratch, "my-model");
  fs.mkdirSync(path.join(copy, "onnx"), { recursive: true });
  fs.copyFileSync(path.join(demoDir, "onnx/model.onnx"), path.join(copy, "onnx/model.onnx"));
  const choice: ModelChoice = { kind: "directory", dir: copy, source: copy, reason: "test" };
  const nets = loadSoftmaxNets({ choice, onnxPath: () => path.join(copy, "onnx/model.onnx"), id2label: { 1: "yes", 0: "no" } });
  assert.match(nets.sentiment.source, /my-model\/onnx\/model\.onnx with a Softmax appended in memory$/);
  assert.deepEqual(nets.sentiment.labels, ["no", "yes"]);
  const shipped = fs.readFileSync(path.join(demoModel("softmax-nets"), SOFTMAX_NET_FILES.sentiment));
  assert.ok(Buffer.from(nets.sentiment.bytes).equals(shipped));
});

test("loadGlyphNet gives the stroke classifier and its data alone, with a banner naming the demo network", () => {
  const net = loadGlyphNet();
  assert.deepEqual(net.glyphs.labels, ["vertical", "horizontal", "falling diagonal", "rising diagonal"]);
  assert.deepEqual(net.glyphData.test.images.dims, [200, 1, 8, 8]);
  assert.match(net.banner, /^Model: offline demo glyph network, build\/models\/softmax-nets\/glyphs\/model\.onnx:\n8×8 stroke images → 4 classes/);
  assert.deepEqual(net.banner.split("\n").filter((line) => line.length > 100), []);
});

test("glyphImages scales 8-bit pixels to [0, 1] as [n, 1, size, size] and checks their count", () => {
  const images = glyphImages([[0, 255, 51, 102]], 2);
  assert.deepEqual(images.dims, [1, 1, 2, 2]);
  assert.deepEqual(Array.from(images.data as Float32Array), [0, 1, 0.2, 0.4].map(Math.fround));
  assert.throws(() => glyphImages([[0, 1, 2]], 2), /image 0 has 3 pixels, expected 2×2/);
});

test("glyphArt draws images side by side, darker for brighter, with captions", () => {
  // Each pixel is two characters wide; images are 2 × size wide plus a two-space gap.
  assert.equal(glyphArt([[0, 255, 255, 0], [128, 128, 128, 128]], 2, ["a", "b"]), ["  ██  ▒▒▒▒", "██    ▒▒▒▒", "a     b"].join("\n"));
});
