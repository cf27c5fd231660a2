import { test } from "node:test";
import assert from "node:assert/strict";
import * as ort from "onnxruntime-node";
import { quantizeDynamic } from "../../src/demo-models/distilbert";
import { GraphBuilder } from "../../src/onnx/graph-builder";
import { decodeModel, ONNX_TYPE } from "../../src/onnx/proto";

/** x [batch, 4] → MatMul(W [4, 3]) → Gemm(transB=1, B [2, 3], C [2]) → y [batch, 2]: one of each kind of layer the quantizer rewrites. */
function tinyModel(): Uint8Array {
  const g = new GraphBuilder();
  g.input("x", "float32", ["batch", 4]);
  const w = g.initializer("w", Float32Array.from([0.5, -1, 0.25, 2, 0, -0.5, 1, 1.5, -2, -0.75, 0.3, 0.9]), [4, 3]);
  const hidden = g.op("MatMul", ["x", w], "/lin/MatMul");
  const b = g.initializer("head.weight", Float32Array.from([1, -1, 0.5, -0.5, 2, 1]), [2, 3]);
  const c = g.initializer("head.bias", Float32Array.from([0.1, -0.2]), [2]);
  g.op("Gemm", [hidden, b, c], "/head/Gemm", { alpha: { float: 1 }, beta: { float: 1 }, transB: 1 }, "y");
  g.output("y", "float32", ["batch", 2]);
  return g.toBytes();
}

async function run(model: Uint8Array, x: number[][]): Promise<number[]> {
  const session = await ort.InferenceSession.create(model);
  const { y } = await session.run({ x: new ort.Tensor("float32", Float32Array.from(x.flat()), [x.length, 4]) });
  return Array.from(y.data as Float32Array);
}

test("quantizeDynamic gives the float model's outputs up to 8-bit rounding", async () => {
  const x = [[1, 2, -1, 0.5], [-0.3, 0.7, 2, -1.5]];
  const fp32 = await run(tinyModel(), x);
  const int8 = await run(quantizeDynamic(tinyModel()), x);
  const range = Math.max(...fp32.map(Math.abs));
  fp32.forEach((value, i) => assert.ok(Math.abs(value - int8[i]) < 0.03 * range, `output ${i}: ${value} vs ${int8[i]}`));
});

test("quantizeDynamic replaces the Gemm and the MatMul by integer MatMuls and keeps the output name", () => {
  const graph = decodeModel(quantizeDynamic(tinyModel())).graph!;
  const ops = graph.node!.map((n) => `${n.opType} ${n.name}`);
  assert.deepEqual(ops, [
    "DynamicQuantizeLinear x_QuantizeLinear",
    "MatMulInteger /lin/MatMul_quant",
    "Cast /lin/MatMul_output_0_output_quantized_cast",
    "Mul /lin/MatMul_quant_scales_mul",
    "Mul /lin/MatMul_quant_output_scale_mul",
    "DynamicQuantizeLinear /lin/MatMul_output_0_QuantizeLinear",
    "MatMulInteger /head/Gemm_MatMul_quant",
    "Cast y_MatMul_output_quantized_cast",
    "Mul /head/Gemm_MatMul_quant_scales_mul",
    "Mul /head/Gemm_MatMul_quant_output_scale_mul",
    "Add /head/Gemm_Add",
  ]);
  assert.deepEqual(graph.node!.at(-1)!.output, ["y"]);
  assert.deepEqual(graph.node![4].output, ["/lin/MatMul_output_0"]);
});

test("weights become symmetric int8 (zero point 0, scale = max |w| / 127), the transB weight transposed", () => {
  const graph = decodeModel(quantizeDynamic(tinyModel())).graph!;
  const tensor = (name: string) => graph.initializer!.find((t) => t.name === name)!;
  const scale = (name: string) => new DataView(new Uint8Array(tensor(name).rawData!).buffer).getFloat32(0, true);
  assert.equal(tensor("w_quantized").dataType, ONNX_TYPE.int8);
  assert.deepEqual(Array.from(new Int8Array(new Uint8Array(tensor("w_zero_point").rawData!).buffer)), [0]);
  assert.equal(scale("w_scale"), Math.fround(2 / 127));
  // head.weight [2, 3] is stored transposed as [3, 2]: column 0 holds the first output's weights 1, −1, 0.5.
  assert.deepEqual(tensor("head.weight_quantized").dims!.map(Number), [3, 2]);
  const head = new Int8Array(new Uint8Array(tensor("head.weight_quantized").rawData!).buffer);
  assert.deepEqual([head[0], head[2], head[4]], [64, -64, 32]);
  assert.ok(!graph.initializer!.some((t) => t.name === "w" || t.name === "head.weight"), "float weights are dropped");
});
