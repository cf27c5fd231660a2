import { test } from "node:test";
import assert from "node:assert/strict";
import * as ort from "onnxruntime-node";
import { exposeSoftmaxInput, exposeTensors, GraphStructureError, AmbiguousStructureError } from "../../src/onnx";
import { exposeRefs } from "../../src/onnx/expose";
import { GraphBuilder } from "../../src/onnx/graph-builder";
import { buildLookalike } from "../helpers/lookalike";
import { FIELD, ModelIndex } from "../../src/onnx/model-index";
import { decodeModel, encodeModel, onnx } from "../../src/onnx/proto";
import { pairRefs, tensorRef } from "../../src/onnx/refs";
import { appendToMessages, type FieldStep } from "../../src/onnx/splice";
import { encodeVarint, lengthDelimitedField, readFields, stringField } from "../../src/onnx/wire";
import { softmax } from "../../src/tensor";
import { branchFlag, maxAbsDiff, numbers, runPlain, smallFeeds } from "./helpers";

const GRAPH: FieldStep = { field: FIELD.modelGraph, index: 0 };

/** A StringStringEntryProto {key, value}: the payload of every metadata_props field. */
function entry(key: string, value: string): Uint8Array {
  return Uint8Array.from([...stringField(1, key), ...stringField(2, value)]);
}

/** The same bytes, compared as bytes (Buffer and Uint8Array alike). */
function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

/**
 * The look-alike carrying fields newer than onnx-proto's ONNX 1.10: NodeProto metadata_props (9) on the
 * CLS Gather, GraphProto metadata_props (16), and a ModelProto field no ONNX version defines (99).
 */
function modelWithNewerFields(): { bytes: Uint8Array; gatherIndex: number } {
  const base = buildLookalike();
  const gatherIndex = decodeModel(base).graph!.node!.findIndex((n) => n.name === "/Gather");
  const nodeField = lengthDelimitedField(9, entry("exported_by", "a newer torch"));
  const bytes = appendToMessages(base, [
    { path: [GRAPH, { field: FIELD.graphNode, index: gatherIndex }], bytes: nodeField },
    { path: [GRAPH], bytes: lengthDelimitedField(16, entry("graph_note", "kept")) },
    { path: [], bytes: Uint8Array.from([...encodeVarint(99 * 8), 42]) }, // field 99, varint 42
  ]);
  return { bytes, gatherIndex };
}

/** Field numbers of node `index` of the main graph, read from the bytes. */
function nodeFields(bytes: Uint8Array, index: number): number[] {
  const graph = [...readFields(bytes, 0, bytes.length)].find((f) => f.field === FIELD.modelGraph)!;
  const node = [...readFields(bytes, graph.valueStart, graph.end)].filter((f) => f.field === FIELD.graphNode)[index];
  return [...readFields(bytes, node.valueStart, node.end)].map((f) => f.field);
}

test("onnx-proto 8 drops NodeProto metadata_props on re-encode (why edits are spliced)", () => {
  const { bytes, gatherIndex } = modelWithNewerFields();
  assert.ok(nodeFields(bytes, gatherIndex).includes(9));
  const reencoded = encodeModel(decodeModel(bytes));
  assert.ok(!nodeFields(reencoded, gatherIndex).includes(9));
});

test("exposeTensors keeps every field of the original, including ones onnx-proto does not know", async () => {
  const { bytes } = modelWithNewerFields();
  const { bytes: edited, outputs } = exposeTensors(bytes, ["/Gather_output_0"]);
  assert.deepEqual(outputs, { "/Gather_output_0": "/Gather_output_0" });
  // Field by field at the top level: identical, except the graph, which is the original graph plus one output.
  const before = [...readFields(bytes, 0, bytes.length)];
  const after = [...readFields(edited, 0, edited.length)];
  assert.deepEqual(after.map((f) => f.field), before.map((f) => f.field));
  before.forEach((f, i) => {
    const a = bytes.subarray(f.valueStart, f.end);
    const b = edited.subarray(after[i].valueStart, after[i].end);
    if (f.field !== FIELD.modelGraph) return assert.ok(sameBytes(a, b), `top-level field ${f.field}`);
    assert.ok(sameBytes(b.subarray(0, a.length), a), "the original graph bytes come first, unchanged");
    const added = [...readFields(b, a.length, b.length)];
    assert.deepEqual(added.map((x) => x.field), [FIELD.graphOutput]);
  });
  // ORT accepts it and the new output is the [CLS] vector.
  const out = await runPlain(edited, smallFeeds());
  assert.deepEqual(out["/Gather_output_0"].dims, [2, 16]);
});

test("a tensor computed in both branches of an If is routed out through the If node", async () => {
  const name = "/distilbert/transformer/layer.1/attention/Softmax_output_0";
  const reference = exposeTensors(buildLookalike(), [name]);
  const { bytes, outputs } = exposeTensors(buildLookalike({ wrapInIf: true }), [name]);
  assert.notEqual(outputs[name], name, "the If output gets its own name (no shadowing of the branch tensor)");
  for (const flag of [true, false]) {
    const out = await runPlain(bytes, smallFeeds(branchFlag(flag)));
    const expected = await runPlain(reference.bytes, smallFeeds());
    assert.deepEqual(numbers(out[outputs[name]]), numbers(expected[name]));
  }
});

test("a tensor both branches read from the main graph is copied through Identity nodes", async () => {
  const bytes = buildLookalike({ wrapInIf: true });
  const index = new ModelIndex(decodeModel(bytes));
  const ifNode = index.top.nodes.find((n) => n.proto.opType === "If")!;
  const elseScope = index.top.children.find((s) => s.owner?.attribute === "else_branch")!;
  // Then-branch: a weight of the main graph (outer scope, float); else-branch: a float tensor it computes.
  const weight = "distilbert.embeddings.LayerNorm.weight";
  const ref = pairRefs(ifNode, tensorRef(weight, index.top), tensorRef("/distilbert/embeddings/Add_output_0", elseScope));
  const exposed = exposeRefs(bytes, index, [ref]);
  const out = await runPlain(exposed.bytes, smallFeeds(branchFlag(true)));
  assert.deepEqual(numbers(out[exposed.outputNames[0]]), Array.from(index.constantValues(weight, index.top)!.values));
});

test("a tensor computed in only one branch cannot be an If output: the error says which branch", () => {
  const g = new GraphBuilder();
  g.input("x", "float32", [2]);
  g.input("flag", "bool", []);
  const branch = (name: string, op: string) => {
    const b = new GraphBuilder(name);
    b.outputs.push({ name: b.op(op, ["x"], `/${name}/${op}`) });
    return b.toGraph();
  };
  g.node("If", ["flag"], { name: "/If", outputs: ["y"], attrs: { then_branch: branch("then", "Relu"), else_branch: branch("else", "Neg") } });
  g.output("y", "float32", [2]);
  assert.throws(() => exposeTensors(g.toBytes(), ["/then/Relu_output_0"]), (e: Error) =>
    e instanceof GraphStructureError && /computed only in the then_branch of '\/If' \(If\)/.test(e.message));
  assert.throws(() => exposeTensors(g.toBytes(), ["nowhere"]), /No node, initializer or input in the main graph or its 2 subgraph\(s\) has that name/);
});

test("exposing a tensor that already is a graph output adds nothing", () => {
  const bytes = buildLookalike();
  const { bytes: edited, outputs } = exposeTensors(bytes, ["logits"]);
  assert.deepEqual(outputs, { logits: "logits" });
  assert.ok(sameBytes(edited, bytes));
});

/** A small classifier network that ends in a Softmax, as Keras or sklearn exports do. */
function softmaxNetwork(after: "none" | "reshape", extraHead = false): Uint8Array {
  const g = new GraphBuilder();
  const x = g.input("features", "float32", ["N", 3]);
  const w = (name: string, dims: number[]) => g.initializer(name, Float32Array.from({ length: dims[0] * dims[1] }, (_, i) => Math.sin(i + dims[0])), dims);
  const hidden = g.op("Relu", [g.op("MatMul", [x, w("w1", [3, 5])], "dense/MatMul")], "dense/Relu");
  const logits = g.op("MatMul", [hidden, w("w2", [5, 4])], "dense_1/MatMul");
  const probs = g.op("Softmax", [logits], "dense_1/Softmax", { axis: -1 });
  g.op("Identity", [after === "reshape" ? g.op("Reshape", [probs, g.constant("shape", BigInt64Array.of(-1n, 4n), [2])], "reshape") : probs], "out", undefined, "probabilities");
  g.output("probabilities", "float32", ["N", 4]);
  if (extraHead) {
    g.op("Softmax", [g.op("MatMul", [hidden, w("w3", [5, 2])], "aux/MatMul")], "aux/Softmax", { axis: -1 }, "aux_probabilities");
    g.output("aux_probabilities", "float32", ["N", 2]);
  }
  return g.toBytes({ opset: 13 });
}

test("exposeSoftmaxInput: the exposed tensor is the logits, and softmax of it gives the model's probabilities", async () => {
  for (const after of ["none", "reshape"] as const) {
    const found = exposeSoftmaxInput(softmaxNetwork(after));
    assert.deepEqual(found.softmax, { node: "dense_1/Softmax", opType: "Softmax", axis: -1, input: "dense_1/MatMul_output_0" });
    assert.equal(found.graphOutput, "probabilities");
    const features = new ort.Tensor("float32", Float32Array.of(1, -2, 0.5, 3, 0, -1), [2, 3]);
    const out = await runPlain(found.bytes, { features });
    const logits = out[found.outputName];
    assert.ok(maxAbsDiff(numbers(softmax(logits)), numbers(out.probabilities)) < 1e-6);
    assert.ok(numbers(logits).some((v) => v < 0 || v > 1), "raw scores, not probabilities");
  }
});

test("exposeSoftmaxInput: no Softmax says where the walk stopped; two Softmax outputs need { output }", () => {
  const g = new GraphBuilder();
  g.op("Sigmoid", [g.input("x", "float32", [2])], "/Sigmoid", undefined, "p");
  g.output("p", "float32", [2]);
  assert.throws(() => exposeSoftmaxInput(g.toBytes()), (e: Error) => e instanceof GraphStructureError && /found none; the walk stopped at node '\/Sigmoid' \(Sigmoid\)/.test(e.message));

  const two = softmaxNetwork("none", true);
  assert.throws(() => exposeSoftmaxInput(two), (e: Error) => e instanceof AmbiguousStructureError && /'probabilities', 'aux_probabilities' each end in a Softmax/.test(e.message));
  assert.equal(exposeSoftmaxInput(two, { output: "aux_probabilities" }).softmax.node, "aux/Softmax");
  assert.throws(() => exposeSoftmaxInput(two, { output: "nope" }), /no graph output 'nope'/);
});

test("routing through an If keeps unknown fields on the If node and inside its branches", async () => {
  const base = buildLookalike({ wrapInIf: true });
  const model = decodeModel(base);
  const ifIndex = model.graph!.node!.findIndex((n) => n.opType === "If");
  const ifNode = model.graph!.node![ifIndex];
  const thenAttribute = ifNode.attribute!.findIndex((a) => a.name === "then_branch");
  const thenGraph: FieldStep[] = [GRAPH, { field: FIELD.graphNode, index: ifIndex }, { field: FIELD.nodeAttribute, index: thenAttribute }, { field: FIELD.attributeGraph, index: 0 }];
  const softmaxIndex = ifNode.attribute![thenAttribute].g!.node!.findIndex((n) => n.opType === "Softmax");
  const note = lengthDelimitedField(9, entry("note", "survives"));
  const bytes = appendToMessages(base, [
    { path: [GRAPH, { field: FIELD.graphNode, index: ifIndex }], bytes: note },
    { path: [...thenGraph, { field: FIELD.graphNode, index: softmaxIndex }], bytes: note },
  ]);
  const name = "/distilbert/transformer/layer.0/attention/Softmax_output_0";
  const { bytes: edited, outputs } = exposeTensors(bytes, [name]);

  /** The raw payload of the message at `path` in `buf`. */
  const at = (buf: Uint8Array, path: readonly FieldStep[]) => path.reduce(([s, e], step) => {
    const f = [...readFields(buf, s, e)].filter((x) => x.field === step.field)[step.index];
    return [f.valueStart, f.end];
  }, [0, buf.length]);
  const hasNote = (buf: Uint8Array, path: FieldStep[]) => {
    const [s, e] = at(buf, path);
    return [...readFields(buf, s, e)].some((f) => f.field === 9 && sameBytes(buf.subarray(f.start, f.end), note));
  };
  assert.ok(hasNote(edited, [GRAPH, { field: FIELD.graphNode, index: ifIndex }]), "If node keeps its metadata_props");
  assert.ok(hasNote(edited, [...thenGraph, { field: FIELD.graphNode, index: softmaxIndex }]), "branch node keeps its metadata_props");

  // Everything onnx-proto can see is unchanged apart from the added outputs.
  const after = decodeModel(edited);
  const afterIf = after.graph!.node![ifIndex];
  assert.deepEqual(afterIf.output, [...ifNode.output!, outputs[name]]);
  for (const a of afterIf.attribute!) a.g!.output!.pop();
  afterIf.output!.pop();
  after.graph!.output!.pop();
  assert.deepEqual(onnx.ModelProto.toObject(after, { bytes: String }), onnx.ModelProto.toObject(decodeModel(bytes), { bytes: String }));

  const out = await runPlain(edited, smallFeeds(branchFlag(false)));
  assert.deepEqual(out[outputs[name]].dims, [2, 2, 8, 8]);
});
