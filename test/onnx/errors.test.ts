import { test, type TestContext } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  AmbiguousStructureError, exposeTensors, GraphStructureError, inspectModel, inspectModelBytes, OnnxReadError,
} from "../../src/onnx";
import { GraphBuilder, tensorProto } from "../../src/onnx/graph-builder";
import { buildLookalike } from "../helpers/lookalike";
import { decodeModel, encodeModel, onnx } from "../../src/onnx/proto";
import { tempDir } from "../helpers/temp-dir";

const H = 4;

/** A float weight of the given dims, small made-up values. */
function weight(g: GraphBuilder, name: string, dims: number[]): string {
  const n = dims.reduce((a, b) => a * b, 1);
  return g.initializer(name, Float32Array.from({ length: n }, (_, i) => ((i % 7) - 3) / 10), dims);
}

/** `hidden` (a stand-in encoder output) → CLS Gather, returning the Gather output. */
function clsGather(g: GraphBuilder, hidden: string, name = "/Gather", index = 0n): string {
  return g.op("Gather", [hidden, g.constant(`${name}/Constant`, BigInt64Array.of(index), [])], name, { axis: 1 });
}

function gemm(g: GraphBuilder, x: string, module: string, out: number, output?: string): string {
  return g.op("Gemm", [x, weight(g, `${module}.weight`, [out, H]), weight(g, `${module}.bias`, [out])], `/${module}/Gemm`, { transB: 1 }, output);
}

function encoderInput(g: GraphBuilder, name = "hidden"): string {
  return g.input(name, "float32", ["batch_size", "sequence_length", H]);
}

async function expectStructureError(bytes: Uint8Array, pattern: RegExp, type: new (...args: never[]) => Error = GraphStructureError): Promise<Error> {
  let caught: Error | undefined;
  await assert.rejects(inspectModelBytes(bytes), (e: Error) => {
    caught = e;
    return e instanceof type && pattern.test(e.message);
  });
  return caught!;
}

test("a model without a logits output: the error lists the outputs it has", async () => {
  const model = decodeModel(buildLookalike());
  model.graph!.output![0].name = "scores";
  for (const node of model.graph!.node!) node.output = node.output!.map((o) => (o === "logits" ? "scores" : o));
  await expectStructureError(encodeModel(model), /graph output named 'logits'.*\['scores'\].*exposeSoftmaxInput/);
});

test("a head with an activation no known family uses (Sigmoid): the walk says it stopped at the Sigmoid node", async () => {
  const g = new GraphBuilder();
  const pooled = g.op("Sigmoid", [gemm(g, clsGather(g, encoderInput(g)), "pooler/dense", H)], "/pooler/activation/Sigmoid");
  gemm(g, pooled, "classifier", 2, "logits");
  g.output("logits", "float32", ["batch_size", 2]);
  const error = await expectStructureError(g.toBytes(), /Gather\(axis=1, index=0\).*stopped at node '\/pooler\/activation\/Sigmoid' \(Sigmoid\).*can't be shown/);
  assert.deepEqual((error as GraphStructureError).stoppedAt, [{ node: "/pooler/activation/Sigmoid", opType: "Sigmoid" }]);
});

test("a Gather of token 1 is not the CLS Gather", async () => {
  const g = new GraphBuilder();
  gemm(g, g.op("Relu", [gemm(g, clsGather(g, encoderInput(g), "/Gather", 1n), "pre_classifier", H)], "/Relu"), "classifier", 2, "logits");
  g.output("logits", "float32", ["batch_size", 2]);
  await expectStructureError(g.toBytes(), /stopped at node '\/Gather' \(Gather\)/);
});

test("a single Linear on the CLS vector is an unrecognised head, named at the node where parsing stopped", async () => {
  const g = new GraphBuilder();
  gemm(g, clsGather(g, encoderInput(g)), "classifier", 2, "logits");
  g.output("logits", "float32", ["batch_size", 2]);
  await expectStructureError(g.toBytes(), /Unrecognised head: looked for the activation before the classifier.*'\/Gather' \(Gather\).*can't be shown/);
});

test("two CLS Gathers at the same distance from the logits: an ambiguity error, not a pick", async () => {
  const g = new GraphBuilder();
  const a = gemm(g, clsGather(g, encoderInput(g, "hidden_a"), "/Gather_a"), "head_a", 2);
  const b = gemm(g, clsGather(g, encoderInput(g, "hidden_b"), "/Gather_b"), "head_b", 2);
  g.op("Add", [a, b], "/Add", undefined, "logits");
  g.output("logits", "float32", ["batch_size", 2]);
  const error = await expectStructureError(g.toBytes(), /found 2 at the same distance.*'\/Gather_a'.*'\/Gather_b'.*nothing was picked/, AmbiguousStructureError);
  assert.deepEqual([...(error as AmbiguousStructureError).candidates].sort(), ["hidden_a", "hidden_b"]);
});

test("an attention reading two LayerNorm outputs (cross-attention): an ambiguity error naming both", async () => {
  const g = new GraphBuilder();
  const norm = (x: string, name: string) => g.op("LayerNormalization", [x, weight(g, `${name}.weight`, [H]), weight(g, `${name}.bias`, [H])], `/${name}/LayerNormalization`, { axis: -1 });
  const q = norm(encoderInput(g, "queries"), "ln_q");
  const kv = norm(encoderInput(g, "memory"), "ln_kv");
  const probs = g.op("Softmax", [g.op("MatMul", [q, g.op("Transpose", [kv], "/Transpose", { perm: [0, 2, 1] })], "/MatMul")], "/Softmax", { axis: -1 });
  const out = norm(g.op("Add", [g.op("MatMul", [probs, kv], "/MatMul_1"), q], "/Add"), "ln_out");
  gemm(g, g.op("Relu", [gemm(g, clsGather(g, out), "pre_classifier", H)], "/Relu"), "classifier", 2, "logits");
  g.output("logits", "float32", ["batch_size", 2]);
  await expectStructureError(g.toBytes({ opset: 17 }), /reads 2 LayerNorm outputs.*ln_q.*ln_kv|reads 2 LayerNorm outputs.*ln_kv.*ln_q/, AmbiguousStructureError);
});

test("a head with no encoder behind it: no attention Softmax found", async () => {
  const g = new GraphBuilder();
  gemm(g, g.op("Relu", [gemm(g, clsGather(g, encoderInput(g)), "pre_classifier", H)], "/Relu"), "classifier", 2, "logits");
  g.output("logits", "float32", ["batch_size", 2]);
  await expectStructureError(g.toBytes(), /attention Softmax nodes.*found none/);
});

/** The look-alike with its CLS index stored another way (the forms real exports use). */
function withClsIndex(index: onnx.ITensorProto, asInitializer: boolean): Uint8Array {
  const model = decodeModel(buildLookalike());
  const graph = model.graph!;
  const constant = graph.node!.find((n) => n.name === "/Constant")!;
  if (asInitializer) {
    graph.node = graph.node!.filter((n) => n !== constant);
    graph.initializer!.push({ ...index, name: constant.output![0] });
  } else {
    constant.attribute = [{ name: "value", type: onnx.AttributeProto.AttributeType.TENSOR, t: index }];
  }
  return encodeModel(model);
}

test("the CLS index is read from a Constant or an initializer, int32 or int64, raw or typed", async () => {
  const forms: [string, onnx.ITensorProto, boolean][] = [
    ["int64 in int64_data, Constant", { dims: [], dataType: 7, int64Data: [0] }, false],
    ["int32 raw_data, initializer", tensorProto("", Int32Array.of(0), []), true],
    ["int64 raw_data, initializer", tensorProto("", BigInt64Array.of(0n), []), true],
    ["int32 in int32_data, Constant", { dims: [], dataType: 6, int32Data: [0] }, false],
  ];
  for (const [label, index, asInitializer] of forms) {
    const model = await inspectModelBytes(withClsIndex(index, asInitializer));
    assert.equal(model.facts.clsGather.node, "/Gather", label);
    await model.session.release();
  }
});

test("unreadable files: missing, not ONNX, truncated — each error names the file and what went wrong", async (t) => {
  const dir = tempDir(t, "onnx-errors-");
  await assert.rejects(inspectModel(join(dir, "absent.onnx")), (e: Error) => e instanceof OnnxReadError && /absent\.onnx' does not exist/.test(e.message));

  const text = join(dir, "notes.onnx");
  writeFileSync(text, "this is not a protobuf message at all\n");
  await assert.rejects(inspectModel(text), (e: Error) => e instanceof OnnxReadError && /notes\.onnx/.test(e.message));

  const bytes = buildLookalike();
  const truncated = join(dir, "truncated.onnx");
  writeFileSync(truncated, bytes.subarray(0, Math.floor(bytes.length / 2)));
  await assert.rejects(inspectModel(truncated), (e: Error) =>
    e instanceof OnnxReadError && /truncated\.onnx' is not a complete ONNX model: field 7 at byte \d+ needs \d+ bytes.*cut after \d+ complete node\(s\).*last complete node is '\/distilbert\/[^']+' \(\w+\).*truncated/.test(e.message));
  assert.throws(() => exposeTensors(bytes.subarray(0, bytes.length - 3), ["logits"]), OnnxReadError);
});

test("a model folder without the requested file says which file it looked for", async (t) => {
  const dir = tempDir(t, "onnx-folder-");
  await assert.rejects(inspectModel(dir, { dtype: "fp16" }), /Looked for onnx\/model_fp16\.onnx \(dtype fp16\)/);
});
