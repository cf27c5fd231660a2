// Runs in a process of its own (an integration file): it clears inspectModel's module-level cache, whose sessions
// unit files sharing a process may be using.
import { test, type TestContext } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { clearInspectCache, inspectCacheSize, inspectModel } from "../../src/onnx";
import { buildLookalike } from "../helpers/lookalike";
import { tempDir } from "../helpers/temp-dir";

function modelFolder(t: TestContext): { dir: string; fp32: string; q8: string } {
  const dir = tempDir(t, "inspect-cache-");
  mkdirSync(join(dir, "onnx"));
  const fp32 = join(dir, "onnx", "model.onnx");
  const q8 = join(dir, "onnx", "model_quantized.onnx");
  writeFileSync(fp32, buildLookalike());
  writeFileSync(q8, buildLookalike({ quantized: true }));
  return { dir, fp32, q8 };
}

test("asking twice for the same file and options returns the same edited session", async (t) => {
  await clearInspectCache();
  const { dir, fp32 } = modelFolder(t);
  const [a, b] = await Promise.all([inspectModel(fp32), inspectModel(fp32)]);
  assert.equal(a, b, "concurrent requests share one edit and compile");
  assert.equal(await inspectModel(fp32), a);
  assert.equal(await inspectModel(dir), a, "the model folder resolves to the same onnx/model.onnx");
  assert.equal(inspectCacheSize(), 1);
  await clearInspectCache();
  assert.equal(inspectCacheSize(), 0);
});

test("another dtype, other session options or a rewritten file give a new session", async (t) => {
  await clearInspectCache();
  const { dir, fp32 } = modelFolder(t);
  const plain = await inspectModel(dir);
  const quantized = await inspectModel(dir, { dtype: "q8" });
  assert.notEqual(quantized, plain);
  assert.equal(quantized.facts.quantizedHead, true);
  const singleThread = await inspectModel(fp32, { sessionOptions: { intraOpNumThreads: 1 } });
  assert.notEqual(singleThread, plain);
  writeFileSync(fp32, buildLookalike({ layerNorm: "op" }));
  const rewritten = await inspectModel(fp32);
  assert.notEqual(rewritten, plain);
  assert.deepEqual(rewritten.facts.layerNorm, ["LayerNormalization"]);
  assert.equal(inspectCacheSize(), 4);
  await clearInspectCache();
});

test("a failed inspection is not cached", async (t) => {
  await clearInspectCache();
  const dir = tempDir(t, "inspect-fail-");
  const file = join(dir, "model.onnx");
  writeFileSync(file, Buffer.from("not a model"));
  await assert.rejects(inspectModel(file));
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(inspectCacheSize(), 0);
});
