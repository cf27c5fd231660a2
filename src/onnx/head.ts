// The classification heads of DistilBERT, BERT, RoBERTa/XLM-R and DeBERTa-v2 (README.md, A3–A4): the
// first token's vector → a dense Linear → an activation (ReLU, Tanh or GELU) → the classifier Linear →
// logits. A Linear appears as Gemm, as MatMul + Add, or — in dynamically quantized files — as
// DynamicQuantizeLinear → MatMulInteger → Cast → Mul (+ Add bias).
import { Tensor } from "@huggingface/transformers";
import { makeTensor, type TensorLike } from "../tensor/types";
import {
  activationFunction, activationLipschitz, parseActivation,
  type GeluApproximation, type HeadActivation, type ParsedActivation,
} from "./activation";
import { GraphStructureError, HEAD_STEP_UNSHOWN } from "./errors";
import { headFamily, type HeadFamily, type HeadNames, type ModelConfigHint } from "./family";
import { floatAttr, intAttr, ModelIndex, nodeLabel, type NodeRef, type Scope } from "./model-index";
import { producerOf, skipBack } from "./refs";
import { tensorToFloat32 } from "./tensor-data";

const PASS_THROUGH = new Set(["Cast", "Identity", "Dropout"]);


/** Where a Linear layer's numbers come from in the graph. */
export interface LinearSource {
  /** How the layer is written: one Gemm, MatMul (+ Add), or the dynamic-quantization chain around MatMulInteger. */
  readonly form: "Gemm" | "MatMul" | "MatMulInteger";
  /** The nodes making up the layer, in graph order. */
  readonly nodes: readonly string[];
  readonly input: string;
  readonly output: string;
  readonly weight: string;
  readonly bias?: string;
  /** For MatMulInteger: the weight's scale and zero-point initializers. */
  readonly scale?: string;
  readonly zeroPoint?: string;
}

/** A Linear layer found in the graph, with what is needed to read its weights. */
export interface ParsedLinear {
  readonly source: LinearSource;
  readonly scope: Scope;
  /** How the stored weight is laid out: [out, in] (Gemm transB=1) or [in, out] (MatMul, Gemm transB=0). */
  readonly layout: "out,in" | "in,out";
  readonly alpha: number;
  readonly beta: number;
}

/** The head as found: two Linear layers with an activation between them, and the family that makes. */
export interface ParsedHead {
  readonly dense: ParsedLinear;
  readonly activation: ParsedActivation;
  readonly classifier: ParsedLinear;
  readonly family: HeadFamily;
  readonly names: HeadNames;
}

/** A quantized weight as stored: integer values (normalised to [out, in]), and per-tensor or per-output scale and zero point. */
export interface QuantizedWeight {
  readonly values: Tensor;
  readonly scale: Tensor;
  readonly zeroPoint: Tensor;
}

/** A Linear layer's parameters, weight normalised to [out, in] and widened to float32 (dequantized if stored as int8). */
export interface LinearWeights {
  readonly weight: Tensor;
  readonly bias: Tensor;
  readonly source: LinearSource;
  /** For a MatMulInteger layer: the stored integers, so the file's own arithmetic can be reproduced. */
  readonly quantized?: QuantizedWeight;
}

/** A head's parameters as read from the model's initializers, with what recomputing it needs. */
export interface HeadWeights {
  /** Which model family's head this is, from the structure (activation), refined by config.model_type and names. */
  readonly family: HeadFamily;
  /** Which token's vector the head reads (0: [CLS] or <s>). */
  readonly pooledPosition: 0;
  readonly activation: HeadActivation;
  /** For GELU: exact (erf) or the tanh approximation. */
  readonly geluApproximation?: GeluApproximation;
  /** The Linear before the activation: pre_classifier, bert.pooler.dense, classifier.dense or pooler.dense. */
  readonly dense: LinearWeights;
  /** The Linear that writes the logits: classifier or classifier.out_proj. */
  readonly classifier: LinearWeights;
  /** The torch module names of the two layers. */
  readonly names: HeadNames;
  /** True when the file quantizes the head (weights int8, activations quantized to uint8 at run time). */
  readonly quantized: boolean;
}

function unrecognised(what: string, name: string, node: NodeRef | undefined): GraphStructureError {
  const where = node ? `found ${nodeLabel(node)}` : `'${name}' is not produced by a node`;
  const stop = node ? [{ node: node.proto.name ?? "", opType: node.proto.opType ?? "" }] : [{ tensor: name }];
  return new GraphStructureError(
    `Unrecognised head: looked for ${what} producing '${name}' and ${where}; ` +
      "the heads known are DistilBERT (dense → ReLU), BERT and RoBERTa (dense → Tanh) and DeBERTa-v2 (dense → GELU), " +
      `each followed by the classifier, ${HEAD_STEP_UNSHOWN}.`,
    what, stop);
}

/** Parses the matrix product (no bias) that produces `name`. */
function parseProduct(index: ModelIndex, name: string, scope: Scope): Omit<ParsedLinear, "beta"> & { nodes: NodeRef[] } {
  const node = producerOf(index, name, scope);
  const what = "a matrix product with a constant weight (MatMul, or MatMulInteger → Cast → Mul)";
  if (node?.proto.opType === "MatMul") {
    const [a, b] = node.proto.input ?? [];
    if (!a || !b || !index.isConstant(b, node.scope)) throw unrecognised(what, name, node);
    return {
      source: { form: "MatMul", nodes: [node.proto.name ?? ""], input: a, output: name, weight: b },
      scope: node.scope, layout: "in,out", alpha: 1, nodes: [node],
    };
  }
  if (node?.proto.opType !== "Mul") throw unrecognised(what, name, node);
  // Mul(Cast(MatMulInteger(q(x), Wq, x_zp, W_zp)), Mul(x_scale, W_scale)), operands in either order.
  for (const [castSide, scaleSide] of [[0, 1], [1, 0]]) {
    const cast = producerOf(index, node.proto.input?.[castSide] ?? "", node.scope);
    const scales = producerOf(index, node.proto.input?.[scaleSide] ?? "", node.scope);
    if (cast?.proto.opType !== "Cast" || scales?.proto.opType !== "Mul") continue;
    const mmi = producerOf(index, cast.proto.input?.[0] ?? "", cast.scope);
    if (mmi?.proto.opType !== "MatMulInteger") continue;
    const [aq, bq, , bzp] = mmi.proto.input ?? [];
    const dql = producerOf(index, aq ?? "", mmi.scope);
    if (dql?.proto.opType !== "DynamicQuantizeLinear" || !bq || !index.isConstant(bq, mmi.scope)) continue;
    const [s0, s1] = scales.proto.input ?? [];
    const weightScale = s0 === dql.proto.output?.[1] ? s1 : s1 === dql.proto.output?.[1] ? s0 : undefined;
    if (!weightScale || !index.isConstant(weightScale, scales.scope)) continue;
    return {
      source: {
        form: "MatMulInteger",
        nodes: [dql, mmi, cast, scales, node].map((n) => n.proto.name ?? ""),
        input: dql.proto.input?.[0] ?? "", output: name, weight: bq, scale: weightScale,
        ...(bzp ? { zeroPoint: bzp } : {}),
      },
      scope: node.scope, layout: "in,out", alpha: 1, nodes: [dql, mmi, cast, scales, node],
    };
  }
  throw unrecognised(what, name, node);
}

/** Parses the Linear layer (Gemm, MatMul + Add, or the quantized chain + Add) that produces `name`. */
export function parseLinear(index: ModelIndex, name: string, scope: Scope): ParsedLinear {
  const node = producerOf(index, name, scope);
  if (node?.proto.opType === "Gemm") {
    const [a, b, c] = node.proto.input ?? [];
    if (!a || !b || !index.isConstant(b, node.scope) || (c && !index.isConstant(c, node.scope)) || intAttr(node, "transA", 0) !== 0) {
      throw unrecognised("a Gemm with a constant weight and bias and transA=0", name, node);
    }
    return {
      source: { form: "Gemm", nodes: [node.proto.name ?? ""], input: a, output: name, weight: b, ...(c ? { bias: c } : {}) },
      scope: node.scope,
      layout: intAttr(node, "transB", 0) === 1 ? "out,in" : "in,out",
      alpha: floatAttr(node, "alpha", 1),
      beta: floatAttr(node, "beta", 1),
    };
  }
  if (node?.proto.opType === "Add") {
    const [x, y] = node.proto.input ?? [];
    const xConst = !!x && index.isConstant(x, node.scope);
    const yConst = !!y && index.isConstant(y, node.scope);
    if (!x || !y || xConst === yConst) throw unrecognised("a bias Add with one constant operand", name, node);
    const product = parseProduct(index, xConst ? y : x, node.scope);
    const bias = xConst ? x : y;
    return {
      ...product,
      source: { ...product.source, nodes: [...product.source.nodes, node.proto.name ?? ""], output: name, bias },
      beta: 1,
    };
  }
  if (node?.proto.opType === "MatMul" || node?.proto.opType === "Mul") return { ...parseProduct(index, name, scope), beta: 1 };
  throw unrecognised("a Linear layer (Gemm, MatMul + Add, or MatMulInteger → Cast → Mul + Add)", name, node);
}

/**
 * Parses the head between `cls` (the pooled first-token vector) and `logits`: Linear → ReLU, Tanh or
 * GELU → Linear, with Casts, Identities and Dropouts allowed between the pieces (fp16 files end in a
 * Cast back to float32). `config` (a config.json's model_type) tells BERT from RoBERTa.
 */
export function parseHead(index: ModelIndex, logits: string, cls: string, scope: Scope, config?: ModelConfigHint): ParsedHead {
  const end = skipBack(index, logits, scope, PASS_THROUGH);
  const classifier = parseLinear(index, end.name, end.scope);
  const beforeClassifier = skipBack(index, classifier.source.input, classifier.scope, PASS_THROUGH);
  const activation = parseActivation(index, beforeClassifier.name, beforeClassifier.scope);
  if (!activation) {
    throw unrecognised("the activation before the classifier (Relu, Tanh, Gelu, or x · 0.5 · (1 + Erf(x / √2)))",
      beforeClassifier.name, producerOf(index, beforeClassifier.name, beforeClassifier.scope));
  }
  const last = activation.nodes[activation.nodes.length - 1];
  const beforeActivation = skipBack(index, activation.input, last.scope, PASS_THROUGH);
  let dense = parseLinear(index, beforeActivation.name, beforeActivation.scope);
  if (activation.bias) {
    // BiasGelu / FastGelu(x, bias): the dense layer's bias moved into the activation node.
    if (dense.source.bias) throw unrecognised("a matrix product without bias before a bias-adding GELU", beforeActivation.name, producerOf(index, beforeActivation.name, beforeActivation.scope));
    dense = { ...dense, beta: 1, source: { ...dense.source, bias: activation.bias, nodes: [...dense.source.nodes, last.proto.name ?? ""], output: activation.output } };
  }
  const start = skipBack(index, dense.source.input, dense.scope, PASS_THROUGH);
  if (start.name !== cls) {
    throw unrecognised(`the pooled first-token vector '${cls}' as the dense layer's input`, start.name, producerOf(index, start.name, start.scope));
  }
  const { family, names } = headFamily(index, activation.kind, dense.source, classifier.source, config);
  return { dense, activation, classifier, family, names };
}

/** Reads a Linear layer's weight ([out, in], float32) and bias ([out]) from the model's constants. */
export function readLinearWeights(index: ModelIndex, layer: ParsedLinear): LinearWeights {
  const { source, scope } = layer;
  const stored = index.constantValues(source.weight, scope);
  if (!stored || stored.dims.length !== 2) throw new Error(`weight '${source.weight}' of ${source.nodes.join(" → ")} is not a 2-D constant`);
  const [rows, cols] = stored.dims;
  const [outF, inF] = layer.layout === "out,in" ? [rows, cols] : [cols, rows];
  const weight = new Float32Array(outF * inF);
  let scale: Float64Array = Float64Array.of(1);
  let zeroPoint: Float64Array = Float64Array.of(0);
  if (source.scale) scale = index.constantValues(source.scale, scope)?.values ?? scale;
  if (source.zeroPoint) zeroPoint = index.constantValues(source.zeroPoint, scope)?.values ?? zeroPoint;
  for (const [label, v] of [["scale", scale], ["zero point", zeroPoint]] as const) {
    if (v.length !== 1 && v.length !== outF) throw new Error(`${label} of '${source.weight}' has ${v.length} values; expected 1 or ${outF} (one per output)`);
  }
  const integers = new Int32Array(outF * inF);
  for (let o = 0; o < outF; o++) {
    const s = scale.length === 1 ? scale[0] : scale[o];
    const z = zeroPoint.length === 1 ? zeroPoint[0] : zeroPoint[o];
    for (let i = 0; i < inF; i++) {
      const q = layer.layout === "out,in" ? stored.values[o * inF + i] : stored.values[i * outF + o];
      integers[o * inF + i] = q;
      weight[o * inF + i] = (q - z) * s * layer.alpha;
    }
  }
  const bias = new Float32Array(outF);
  if (source.bias) {
    const b = index.constantValues(source.bias, scope);
    if (!b || b.values.length !== outF) throw new Error(`bias '${source.bias}' has ${b?.values.length ?? 0} values; expected ${outF}`);
    for (let o = 0; o < outF; o++) bias[o] = b.values[o] * layer.beta;
  }
  const result = { weight: makeTensor("float32", weight, [outF, inF]), bias: makeTensor("float32", bias, [outF]), source };
  if (source.form !== "MatMulInteger") return result;
  const quantized: QuantizedWeight = {
    values: new Tensor(stored.type === "uint8" ? "uint8" : "int8", stored.type === "uint8" ? Uint8Array.from(integers) : Int8Array.from(integers), [outF, inF]),
    scale: makeTensor("float32", Float32Array.from(scale), [scale.length]),
    zeroPoint: makeTensor("int32", Int32Array.from(zeroPoint), [zeroPoint.length]),
  };
  return { ...result, quantized };
}

/** True when either Linear of the head is the dynamic-quantization chain. */
export function isQuantizedHead(head: ParsedHead): boolean {
  return head.dense.source.form === "MatMulInteger" || head.classifier.source.form === "MatMulInteger";
}

/** Reads both Linear layers of a parsed head, with its family, activation and names. */
export function readHeadWeights(index: ModelIndex, head: ParsedHead): HeadWeights {
  const dense = readLinearWeights(index, head.dense);
  return {
    family: head.family,
    pooledPosition: 0 as const,
    activation: head.activation.kind,
    ...(head.activation.kind === "gelu" ? { geluApproximation: head.activation.approximate } : {}),
    dense,
    classifier: readLinearWeights(index, head.classifier),
    names: head.names,
    quantized: isQuantizedHead(head),
  };
}

/** The pooled rows (token `position`, 0 = [CLS] / <s>) of a [batch, seq, hidden] tensor, widened to float64. */
function pooledRows(lastHiddenState: TensorLike, position = 0): Float64Array[] {
  if (lastHiddenState.dims.length !== 3) {
    throw new RangeError(`lastHiddenState must be [batch, sequence, hidden]; got dims [${lastHiddenState.dims.join(", ")}]`);
  }
  const [batch, seq, hidden] = lastHiddenState.dims;
  if (position >= seq) throw new RangeError(`the head pools token ${position}, but the sequences have ${seq} tokens`);
  const values = tensorToFloat32(lastHiddenState);
  const at = (b: number) => (b * seq + position) * hidden;
  return Array.from({ length: batch }, (_, b) => Float64Array.from(values.subarray(at(b), at(b) + hidden)));
}

/** The head's activation as a function of one number (older HeadWeights without `activation` are DistilBERT's ReLU). */
function headActivation(weights: HeadWeights): (x: number) => number {
  return activationFunction(weights.activation ?? "relu", weights.geluApproximation);
}

/** y = W x + b for one row, W [out, in] row-major; float64 accumulation. */
function linear(x: Float64Array, w: TensorLike, b: TensorLike): Float64Array {
  const [outF, inF] = w.dims;
  if (x.length !== inF) throw new RangeError(`a Linear layer with weight [${w.dims.join(", ")}] needs ${inF} inputs; got ${x.length}`);
  const y = new Float64Array(outF);
  // Read `data` once: on a transformers.js Tensor it is a getter, and calling it per element made a 768 × 768
  // layer take a hundred times longer.
  const weight = w.data;
  const bias = b.data;
  for (let o = 0; o < outF; o++) {
    let sum = Number(bias[o]);
    for (let i = 0; i < inF; i++) sum += Number(weight[o * inF + i]) * x[i];
    y[o] = sum;
  }
  return y;
}

function minMax(rows: readonly Float64Array[]): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const row of rows) for (const v of row) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return [lo, hi];
}

/**
 * ORT's DynamicQuantizeLinear on the whole [batch, in] input: uint8 with scale = range/255 (range
 * widened to include 0), zero point rounded half away from zero, values rounded half to even.
 */
function dynamicQuantize(rows: readonly Float64Array[]): { q: Int32Array[]; scale: number; zeroPoint: number } {
  const f = Math.fround;
  const [lo, hi] = minMax(rows).map(f);
  const min = Math.min(lo, 0);
  const max = Math.max(hi, 0);
  const scale = f(f(max - min) / 255);
  const zeroPoint = scale === 0 ? 0 : Math.round(Math.min(255, Math.max(0, f(0 - f(min / scale)))));
  const roundEven = (v: number) => {
    const r = Math.round(v);
    return Math.abs(v % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
  };
  const q = rows.map((row) => Int32Array.from(row, (v) => (scale === 0 ? zeroPoint : Math.min(255, Math.max(0, roundEven(f(f(v) / scale)) + zeroPoint)))));
  return { q, scale, zeroPoint };
}

/** A MatMulInteger layer as the file computes it: quantized input, integer products, float32 rescale, bias. */
function quantizedLinear(rows: readonly Float64Array[], w: LinearWeights): Float64Array[] {
  const f = Math.fround;
  const qw = w.quantized!;
  const [outF, inF] = qw.values.dims;
  const x = dynamicQuantize(rows);
  const perOut = (t: Tensor, o: number) => Number(t.data[t.data.length === 1 ? 0 : o]);
  return x.q.map((xq) => Float64Array.from({ length: outF }, (_, o) => {
    const wz = perOut(qw.zeroPoint, o);
    let acc = 0; // exact: int32 products summed in a double stay integers far below 2^53
    for (let i = 0; i < inF; i++) acc += (xq[i] - x.zeroPoint) * (Number(qw.values.data[o * inF + i]) - wz);
    const product = f(f(acc) * f(x.scale * perOut(qw.scale, o)));
    return f(product + Number(w.bias.data[o]));
  }));
}

/** Options for `recomputeHead`. */
export interface RecomputeOptions {
  /**
   * Reproduce a quantized file's own arithmetic (uint8 activations, integer matmul, float32 rescale)
   * instead of float maths with the dequantized weights. Has no effect on a float head.
   */
  readonly quantizedArithmetic?: boolean;
}

/**
 * The head by hand, for any family: the pooled row of each sequence → dense → ReLU, Tanh or GELU →
 * classifier; returns logits [batch, labels] (float32).
 */
export function recomputeHead(lastHiddenState: TensorLike, weights: HeadWeights, options: RecomputeOptions = {}): Tensor {
  const rows = pooledRows(lastHiddenState, weights.pooledPosition ?? 0);
  const apply = (x: Float64Array[], w: LinearWeights) =>
    options.quantizedArithmetic && w.quantized ? quantizedLinear(x, w) : x.map((row) => linear(row, w.weight, w.bias));
  const act = headActivation(weights);
  const hidden = apply(rows, weights.dense).map((h) => h.map(act));
  const logits = apply(hidden, weights.classifier);
  const labels = weights.classifier.weight.dims[0];
  const out = new Float32Array(rows.length * labels);
  logits.forEach((row, b) => out.set(row, b * labels));
  return makeTensor("float32", out, [rows.length, labels]);
}

/** Scale DynamicQuantizeLinear picks for values spanning [lo, hi]: the range (always covering 0) over 255. */
function dynamicScale(lo: number, hi: number): number {
  return (Math.max(0, hi) - Math.min(0, lo)) / 255;
}

/**
 * Largest difference the quantized file's own arithmetic can put between its logits and float
 * `recomputeHead` with the dequantized weights: DynamicQuantizeLinear rounds each activation to a
 * uint8 step s = range/255 (off by at most s once saturation is counted), a Linear turns an input
 * error e into at most Σ|W|·e, and the activation into at most its slope times e. A worst case, so
 * loose; returns 0 for a float head.
 */
export function quantizedHeadErrorBound(lastHiddenState: TensorLike, weights: HeadWeights): number {
  const pre = weights.dense;
  const cls = weights.classifier;
  const rows = pooledRows(lastHiddenState, weights.pooledPosition ?? 0);
  const act = headActivation(weights);
  const slope = activationLipschitz(weights.activation ?? "relu");
  if (!pre.quantized && !cls.quantized) return 0;
  const spread = (w: TensorLike, inputError: ArrayLike<number>) => {
    const [outF, inF] = w.dims;
    return Float64Array.from({ length: outF }, (_, o) => {
      let sum = 0;
      for (let i = 0; i < inF; i++) sum += Math.abs(Number(w.data[o * inF + i])) * inputError[i];
      return sum;
    });
  };
  const sx = pre.quantized ? dynamicScale(...minMax(rows)) : 0;
  const e1 = spread(pre.weight, new Float64Array(pre.weight.dims[1]).fill(sx));
  // The activation stretches the dense layer's error by at most its slope.
  e1.forEach((e, i) => (e1[i] = e * slope));
  const hidden = rows.map((x) => linear(x, pre.weight, pre.bias).map(act));
  const e1max = Math.max(...e1);
  const [hLo, hHi] = minMax(hidden);
  const sh = cls.quantized ? dynamicScale(hLo - e1max, hHi + e1max) : 0;
  return Math.max(...spread(cls.weight, Array.from(e1, (e) => e + sh)));
}
