import { test } from "node:test";
import assert from "node:assert/strict";
import { buildDistilbertFiles, DEMO_SIZES } from "../../src/demo-models/distilbert";
import { bertUncasedVocab } from "../../src/demo-models/tokenizer";
import { type onnx, ONNX_TYPE } from "../../src/onnx/proto";
import { demoGraph, demoModel } from "./distilbert-helpers";

const FILES = ["onnx/model.onnx", "onnx/model_quantized.onnx"] as const;
const LAST_HIDDEN = `/distilbert/transformer/layer.${DEMO_SIZES.nLayers - 1}/output_layer_norm/Add_1_output_0`;

function byName(graph: onnx.IGraphProto, name: string): onnx.INodeProto {
  const node = graph.node?.find((n) => n.name === name);
  assert.ok(node, `node ${name} exists`);
  return node;
}

function producer(graph: onnx.IGraphProto, tensor: string): onnx.INodeProto | undefined {
  return graph.node?.find((n) => n.output?.includes(tensor));
}

function attr(node: onnx.INodeProto, name: string): onnx.IAttributeProto | undefined {
  return node.attribute?.find((a) => a.name === name);
}

function ioSignature(values: onnx.IValueInfoProto[] | null | undefined) {
  return (values ?? []).map((v) => ({
    name: v.name,
    type: v.type?.tensorType?.elemType,
    dims: v.type?.tensorType?.shape?.dim?.map((d) => d.dimParam || Number(d.dimValue)),
  }));
}

function layerNormPrefixes(): string[] {
  const blocks = Array.from({ length: DEMO_SIZES.nLayers }, (_, l) => [`/distilbert/transformer/layer.${l}/sa_layer_norm`, `/distilbert/transformer/layer.${l}/output_layer_norm`]);
  return ["/distilbert/embeddings/LayerNorm", ...blocks.flat()];
}

test("both files take int64 input_ids and attention_mask [batch_size, sequence_length] and give float logits [batch_size, 2]", () => {
  for (const file of FILES) {
    const graph = demoGraph(file);
    assert.deepEqual(ioSignature(graph.input), [
      { name: "input_ids", type: ONNX_TYPE.int64, dims: ["batch_size", "sequence_length"] },
      { name: "attention_mask", type: ONNX_TYPE.int64, dims: ["batch_size", "sequence_length"] },
    ], file);
    assert.deepEqual(ioSignature(graph.output), [{ name: "logits", type: ONNX_TYPE.float32, dims: ["batch_size", 2] }], file);
  }
});

test("every LayerNorm is decomposed into ReduceMean/Sub/Pow/ReduceMean/Add/Sqrt/Div/Mul/Add with torch-style names", () => {
  const steps = [["ReduceMean", "ReduceMean"], ["Sub", "Sub"], ["Pow", "Pow"], ["ReduceMean", "ReduceMean_1"], ["Add", "Add"], ["Sqrt", "Sqrt"], ["Div", "Div"], ["Mul", "Mul"], ["Add", "Add_1"]];
  for (const file of FILES) {
    const graph = demoGraph(file);
    assert.ok(!graph.node?.some((n) => n.opType === "LayerNormalization"), `${file} has no fused LayerNormalization`);
    for (const prefix of layerNormPrefixes()) {
      for (const [op, suffix] of steps) assert.equal(byName(graph, `${prefix}/${suffix}`).opType, op, `${file} ${prefix}/${suffix}`);
      assert.deepEqual(byName(graph, `${prefix}/Add_1`).output, [`${prefix}/Add_1_output_0`]);
    }
  }
});

test("each block has one attention Softmax over keys, fed by a Where that gives masked keys the lowest float", () => {
  for (const file of FILES) {
    const graph = demoGraph(file);
    const softmaxes = graph.node?.filter((n) => n.opType === "Softmax") ?? [];
    assert.deepEqual(softmaxes.map((n) => n.name), Array.from({ length: DEMO_SIZES.nLayers }, (_, l) => `/distilbert/transformer/layer.${l}/attention/Softmax`), file);
    for (const softmax of softmaxes) {
      assert.equal(Number(attr(softmax, "axis")?.i), -1);
      const where = producer(graph, softmax.input![0])!;
      assert.equal(where.opType, "Where");
      const fill = producer(graph, where.input![1])!;
      assert.equal(fill.opType, "Constant");
      const raw = fill.attribute![0].t!.rawData!;
      assert.equal(new DataView(raw.buffer, raw.byteOffset, 4).getFloat32(0, true), -3.4028234663852886e38);
      // condition: Expand ← Reshape ← Equal(attention_mask, 0)
      const expand = producer(graph, where.input![0])!;
      const reshape = producer(graph, expand.input![0])!;
      const equal = producer(graph, reshape.input![0])!;
      assert.deepEqual([expand.opType, reshape.opType, equal.opType, equal.input![0]], ["Expand", "Reshape", "Equal", "attention_mask"]);
    }
  }
});

test("the fp32 head is Gather(axis=1, index 0) → pre_classifier Gemm(transB=1) → Relu → classifier Gemm → logits", () => {
  const graph = demoGraph("onnx/model.onnx");
  const gather = byName(graph, "/Gather");
  assert.equal(Number(attr(gather, "axis")?.i), 1);
  assert.equal(gather.input![0], LAST_HIDDEN);
  const index = producer(graph, gather.input![1])!;
  assert.equal(index.opType, "Constant");
  const indexTensor = index.attribute![0].t!;
  assert.deepEqual([indexTensor.dataType, indexTensor.dims?.length, Number(new DataView(indexTensor.rawData!.buffer, indexTensor.rawData!.byteOffset, 8).getBigInt64(0, true))], [ONNX_TYPE.int64, 0, 0]);
  const pre = byName(graph, "/pre_classifier/Gemm");
  assert.deepEqual(pre.input, ["/Gather_output_0", "pre_classifier.weight", "pre_classifier.bias"]);
  assert.equal(Number(attr(pre, "transB")?.i), 1);
  const weight = graph.initializer!.find((t) => t.name === "pre_classifier.weight")!;
  assert.deepEqual(weight.dims!.map(Number), [DEMO_SIZES.dim, DEMO_SIZES.dim]);
  assert.deepEqual(byName(graph, "/Relu").input, ["/pre_classifier/Gemm_output_0"]);
  const classifier = byName(graph, "/classifier/Gemm");
  assert.deepEqual([classifier.input![0], classifier.output], ["/Relu_output_0", ["logits"]]);
});

test("attention runs at width 768 with 12 heads of 64, and the feed-forward uses exact GELU (Erf)", () => {
  const graph = demoGraph("onnx/model.onnx");
  const reshapeShape = producer(graph, byName(graph, "/distilbert/transformer/layer.0/attention/Reshape").input![1])!;
  const raw = reshapeShape.attribute![0].t!.rawData!;
  const dims = Array.from(new BigInt64Array(new Uint8Array(raw).buffer), Number);
  assert.deepEqual(dims, [0, -1, 12, 64]);
  assert.equal(graph.node?.filter((n) => n.opType === "Erf").length, DEMO_SIZES.nLayers);
  const positions = graph.initializer!.find((t) => t.name === "distilbert.embeddings.position_embeddings.weight")!;
  assert.deepEqual(positions.dims!.map(Number), [DEMO_SIZES.maxPositions, 768]);
});

test("the quantized file splits each Gemm into <gemm>_MatMul and <gemm>_Add, keeping the output names", () => {
  const graph = demoGraph("onnx/model_quantized.onnx");
  assert.ok(!graph.node?.some((n) => n.opType === "Gemm"));
  for (const [gemm, output] of [["/pre_classifier/Gemm", "/pre_classifier/Gemm_output_0"], ["/classifier/Gemm", "logits"]]) {
    const add = byName(graph, `${gemm}_Add`);
    assert.deepEqual([add.opType, add.input![0], add.output], ["Add", `${output}_MatMul`, [output]]);
    assert.equal(producer(graph, `${output}_MatMul`)?.name, `${gemm}_MatMul_quant_output_scale_mul`);
  }
  assert.deepEqual(byName(graph, "/Gather").input, [LAST_HIDDEN, "/Constant_output_0"]);
});

test("every constant-weight MatMul becomes DynamicQuantizeLinear → MatMulInteger → Cast → Mul → Mul writing the original name", () => {
  const fp32 = demoGraph("onnx/model.onnx");
  const quantized = demoGraph("onnx/model_quantized.onnx");
  const weights = new Set(fp32.initializer!.map((t) => t.name));
  const constantB = fp32.node!.filter((n) => n.opType === "MatMul" && weights.has(n.input![1]));
  const gemms = fp32.node!.filter((n) => n.opType === "Gemm").map((n) => ({ name: `${n.name}_MatMul`, output: `${n.output![0]}_MatMul` }));
  const expected = [...constantB.map((n) => ({ name: n.name!, output: n.output![0] })), ...gemms];
  assert.ok(constantB.length >= 6 * DEMO_SIZES.nLayers);
  for (const { name, output } of expected) {
    const last = producer(quantized, output)!;
    assert.equal(last.name, `${name}_quant_output_scale_mul`);
    const cast = producer(quantized, last.input![0])!;
    const integer = producer(quantized, cast.input![0])!;
    assert.deepEqual([last.opType, cast.opType, integer.opType, integer.name], ["Mul", "Cast", "MatMulInteger", `${name}_quant`]);
    assert.equal(producer(quantized, last.input![1])!.name, `${name}_quant_scales_mul`);
    const weight = quantized.initializer!.find((t) => t.name === integer.input![1])!;
    assert.equal(weight.dataType, ONNX_TYPE.int8, `${name} weight is int8`);
    const activation = producer(quantized, integer.input![0]);
    // The word-embedding MatMul reads the uint8 rows the quantized Gather produced; the rest quantize at run time.
    assert.ok(activation?.opType === "DynamicQuantizeLinear" || activation?.name === "/distilbert/embeddings/word_embeddings/Gather", `${name} input comes from ${activation?.name}`);
  }
  assert.equal(quantized.node!.filter((n) => n.opType === "MatMulInteger").length, expected.length);
  // Activation × activation MatMuls (scores and context) stay float.
  for (let l = 0; l < DEMO_SIZES.nLayers; l++) {
    for (const mm of ["MatMul", "MatMul_1"]) assert.equal(byName(quantized, `/distilbert/transformer/layer.${l}/attention/${mm}`).opType, "MatMul");
  }
  assert.ok(!quantized.initializer!.some((t) => t.dataType === ONNX_TYPE.float32 && t.dims!.length === 2), "no float matrix is left");
});

test("config.json tells the demo model's true sizes, keeps the real labels and says it is a demo", () => {
  const { config } = demoModel();
  assert.equal(config.model_type, "distilbert");
  assert.deepEqual(config.architectures, ["DistilBertForSequenceClassification"]);
  assert.deepEqual([config.dim, config.n_heads, config.n_layers, config.hidden_dim], [768, 12, DEMO_SIZES.nLayers, 3072]);
  assert.deepEqual([config.vocab_size, config.max_position_embeddings, config.activation, config.pad_token_id], [30522, 512, "gelu", 0]);
  assert.deepEqual(config.id2label, { 0: "NEGATIVE", 1: "POSITIVE" });
  assert.deepEqual(config.label2id, { NEGATIVE: 0, POSITIVE: 1 });
  assert.match(String(config._name_or_path), /demo/);
  const graph = demoGraph("onnx/model.onnx");
  const blocks = new Set(graph.node!.map((n) => /^\/distilbert\/transformer\/layer\.(\d+)\//.exec(n.name ?? "")?.[1]).filter(Boolean));
  assert.equal(blocks.size, config.n_layers);
  assert.equal(graph.initializer!.find((t) => t.name === "distilbert.embeddings.word_embeddings.weight")!.dims!.map(Number)[0], config.vocab_size);
});

test("both ONNX files together stay within 24 MB", () => {
  const { files } = demoModel();
  const total = FILES.reduce((sum, file) => sum + files[file].byteLength, 0);
  assert.ok(total <= 24 * 1024 * 1024, `${(total / 1e6).toFixed(1)} MB`);
});

test("building twice gives byte-identical files", () => {
  const again = buildDistilbertFiles(bertUncasedVocab());
  for (const file of FILES) assert.ok(Buffer.from(again.files[file]).equals(Buffer.from(demoModel().files[file])), file);
  assert.deepEqual(again.config, demoModel().config);
});

test("a vocabulary missing a lexicon word is refused with a message naming the word", () => {
  const vocab = bertUncasedVocab().map((piece) => (piece === "terrible" ? "[unused999]" : piece));
  assert.throws(() => buildDistilbertFiles(vocab), /"terrible" is not a piece of the vocabulary.*bertUncasedVocab/);
});
