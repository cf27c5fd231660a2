import { test } from "node:test";
import assert from "node:assert/strict";
import * as ort from "onnxruntime-node";
import { appendSoftmax, graphEnding } from "../../src";
import { exposeSoftmaxInput, GraphStructureError } from "../../src/onnx";
import { GraphBuilder } from "../../src/onnx/graph-builder";
import { decodeModel } from "../../src/onnx/proto";
import { concatBytes, encodeVarint } from "../../src/onnx/wire";

/** A two-layer classifier ending in its last Gemm, output `logits` [batch, 3], as a sequence classifier's export does. */
function logitsModel(extraOutput = false): Uint8Array {
  const g = new GraphBuilder();
  g.input("features", "float32", ["batch", 4]);
  const w1 = g.initializer("fc1.weight", Float32Array.from({ length: 20 }, (_, i) => Math.sin(i + 1)), [5, 4]);
  const w2 = g.initializer("fc2.weight", Float32Array.from({ length: 15 }, (_, i) => 2 * Math.cos(i)), [3, 5]);
  const hidden = g.op("Relu", [g.op("Gemm", [`features`, w1], "/fc1/Gemm", { transB: 1 })], "/Relu");
  g.op("Gemm", [hidden, w2], "/fc2/Gemm", { transB: 1 }, "logits");
  g.output("logits", "float32", ["batch", 3]);
  if (extraOutput) {
    g.op("Identity", [hidden], "/hidden/Identity", undefined, "hidden");
    g.output("hidden", "float32", ["batch", 5]);
  }
  return g.toBytes();
}

const features = new ort.Tensor("float32", Float32Array.from([0.5, -1, 2, 0.25, 3, 1, -2, 0.5]), [2, 4]);

async function run(bytes: Uint8Array): Promise<Record<string, Float32Array>> {
  const session = await ort.InferenceSession.create(bytes);
  try {
    const out = await session.run({ features });
    return Object.fromEntries(Object.entries(out).map(([name, t]) => [name, t.data as Float32Array]));
  } finally {
    await session.release();
  }
}

function softmaxRows(values: Float32Array, width: number): number[] {
  const out: number[] = [];
  for (let r = 0; r < values.length; r += width) {
    const row = Array.from(values.subarray(r, r + width));
    const max = Math.max(...row);
    const sum = row.reduce((s, v) => s + Math.exp(v - max), 0);
    out.push(...row.map((v) => Math.exp(v - max) / sum));
  }
  return out;
}

test("appendSoftmax: the only output becomes probabilities, the softmax of the original logits", async () => {
  const original = logitsModel();
  const edited = appendSoftmax(original);
  assert.deepEqual({ logits: edited.logits, probabilities: edited.probabilities, softmaxNode: edited.softmaxNode }, { logits: "/fc2/Gemm_output_0", probabilities: "probabilities", softmaxNode: "/Softmax" });
  assert.deepEqual(graphEnding(edited.bytes), [{ output: "probabilities", node: "/Softmax", opType: "Softmax", input: "/fc2/Gemm_output_0" }]);
  const before = await run(original);
  const after = await run(edited.bytes);
  assert.deepEqual(Object.keys(after), ["probabilities"]);
  softmaxRows(before.logits, 3).forEach((p, i) => assert.ok(Math.abs(p - after.probabilities[i]) < 1e-6, `element ${i}`));
});

test("appendSoftmax then exposeSoftmaxInput gives back exactly the original logits", async () => {
  const original = logitsModel();
  const exposed = exposeSoftmaxInput(appendSoftmax(original).bytes);
  assert.equal(exposed.outputName, "/fc2/Gemm_output_0");
  const out = await run(exposed.bytes);
  assert.deepEqual(Array.from(out[exposed.outputName]), Array.from((await run(original)).logits));
});

test("appendSoftmax keeps the output's declared type and copies every other byte, unknown fields included", () => {
  // Field 99 is not in ModelProto: onnx-proto would drop it on re-encode; a wire-level edit must keep it.
  const unknownField = concatBytes([encodeVarint(99 * 8), encodeVarint(12345)]);
  const original = concatBytes([logitsModel(), unknownField]);
  const edited = appendSoftmax(original).bytes;
  const tail = edited.subarray(edited.length - unknownField.length);
  assert.deepEqual(Array.from(tail), Array.from(unknownField));
  const graph = decodeModel(edited).graph!;
  const output = graph.output!.find((o) => o.name === "probabilities")!;
  assert.deepEqual(output.type?.tensorType?.shape?.dim?.map((d) => d.dimParam || Number(d.dimValue)), ["batch", 3]);
  assert.ok(graph.valueInfo!.some((v) => v.name === "/fc2/Gemm_output_0" && v.type?.tensorType?.elemType === 1), "the renamed logits keep their type in value_info");
  assert.equal(graph.node!.filter((n) => n.output!.includes("logits") || n.input!.includes("logits")).length, 0, "no node refers to the old name");
});

test("appendSoftmax picks an output by name and keeps the others in place", async () => {
  const edited = appendSoftmax(logitsModel(true), { output: "logits", probabilities: "scores", logitsName: "raw" });
  assert.deepEqual(graphEnding(edited.bytes).map((o) => [o.output, o.opType, o.input]), [["scores", "Softmax", "raw"], ["hidden", "Identity", "/Relu_output_0"]]);
  assert.deepEqual(Object.keys(await run(edited.bytes)).sort(), ["hidden", "scores"]);
});

test("appendSoftmax refuses what it cannot do, naming the input and the fix", () => {
  const refused = (bytes: Uint8Array, options: Parameters<typeof appendSoftmax>[1], pattern: RegExp) =>
    assert.throws(() => appendSoftmax(bytes, options), (e: Error) => e instanceof GraphStructureError && pattern.test(e.message), String(pattern));
  refused(logitsModel(true), {}, /2 graph outputs \[logits, hidden\]; pass \{ output \}/);
  refused(logitsModel(), { output: "scores" }, /no graph output 'scores'; its outputs are \[logits\]/);
  refused(logitsModel(), { logitsName: "fc1.weight" }, /already uses the name 'fc1.weight'; pass another \{ logitsName \}/);
  refused(logitsModel(), { probabilities: "logits" }, /names must differ/);
  const passThrough = new GraphBuilder();
  passThrough.input("x", "float32", [1, 2]);
  passThrough.op("Relu", ["x"], "/Relu", undefined, "y");
  passThrough.output("x", "float32", [1, 2]);
  refused(passThrough.toBytes(), {}, /not computed by a node of the main graph/);
});
