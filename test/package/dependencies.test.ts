import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";

const root = path.resolve(__dirname, "..", "..");
const lock = JSON.parse(fs.readFileSync(path.join(root, "package-lock.json"), "utf8")) as { packages: Record<string, { version?: string; dependencies?: Record<string, string> }> };

test("exactly one copy of onnxruntime-node is installed: the version transformers.js depends on", () => {
  const copies = Object.keys(lock.packages).filter((p) => p.endsWith("node_modules/onnxruntime-node"));
  assert.deepEqual(copies, ["node_modules/onnxruntime-node"], `copies found: ${copies.join(", ")}`);
  const wanted = lock.packages["node_modules/@huggingface/transformers"].dependencies?.["onnxruntime-node"];
  assert.equal(lock.packages["node_modules/onnxruntime-node"].version, wanted);
});

test("the onnxruntime that transformers.js loads is the one the helper loads", () => {
  const fromTransformers = require.resolve("onnxruntime-node", { paths: [path.dirname(require.resolve("@huggingface/transformers"))] });
  assert.equal(fromTransformers, require.resolve("onnxruntime-node"));
});

test(".npmrc skips onnxruntime-node's GPU download", () => {
  assert.match(fs.readFileSync(path.join(root, ".npmrc"), "utf8"), /^onnxruntime-node-install=skip$/m);
});
