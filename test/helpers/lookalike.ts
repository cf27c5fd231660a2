// DistilBERT-shaped ONNX graphs with random weights, laid out the way the real exports are
// (../shared/reference/onnx-export-anatomy.md): torch.onnx node names, decomposed or single-op
// LayerNorm, the CLS Gather + Gemm head, optionally quantized as quantize_dynamic does, converted to
// fp16 as transformers.js's float16.py does, or wrapped in an If as optimum's merged models are.
// Used by tests (small sizes) and by the benchmarks (DistilBERT size, ~270 MB). Not a notebook API.
import { GraphBuilder, tensorProto } from "../../src/onnx/graph-builder";
import { mulberry32 } from "../../src/tensor/random";

/** Sizes and variants of a look-alike model. */
export interface LookalikeConfig {
  readonly vocab: number;
  readonly hidden: number;
  readonly heads: number;
  readonly ffn: number;
  readonly layers: number;
  readonly labels: number;
  readonly maxPositions: number;
  /** Decomposed (torch.onnx below opset 17) or one LayerNormalization node (opset 17). */
  readonly layerNorm: "decomposed" | "op";
  /** Every MatMul with a constant weight rewritten as ORT's quantize_dynamic does (Gemm → MatMul + Add first). */
  readonly quantized: boolean;
  /** Per-output-column weight scales when quantized (Xenova's later quantize.py). */
  readonly perChannel: boolean;
  /** Float16 weights and activations, int64 inputs, float32 `logits` through a final Cast. */
  readonly fp16: boolean;
  /** The whole network inside both branches of an If on a bool input `use_cache_branch`. */
  readonly wrapInIf: boolean;
  /** A no-op Slice on axis 0 before the CLS Gather (what some torch versions emit for `x[:, 0]`). */
  readonly sliceBeforeGather: boolean;
  readonly seed: number;
}

/** A small model that runs in milliseconds. */
export const SMALL_LOOKALIKE: LookalikeConfig = {
  vocab: 40, hidden: 16, heads: 2, ffn: 32, layers: 2, labels: 2, maxPositions: 32,
  layerNorm: "decomposed", quantized: false, perChannel: false, fp16: false, wrapInIf: false, sliceBeforeGather: false, seed: 1,
};

/** DistilBERT-base sizes: 66 M parameters, about 270 MB as a single fp32 file. */
export const DISTILBERT_SIZE_LOOKALIKE: LookalikeConfig = {
  ...SMALL_LOOKALIKE, vocab: 30522, hidden: 768, heads: 12, ffn: 3072, layers: 6, maxPositions: 512,
};

/** Rounds a number to the nearest IEEE half and returns its 16 bits. */
export function numberToHalf(value: number): number {
  const f32 = new Float32Array(1);
  const u32 = new Uint32Array(f32.buffer);
  f32[0] = value;
  const x = u32[0];
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  let e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    let half = mant >>> shift;
    if ((mant >>> (shift - 1)) & 1 && ((mant & ((1 << (shift - 1)) - 1)) || half & 1)) half++;
    return sign | half;
  }
  let half = sign | (e << 10) | (mant >>> 13);
  if (mant & 0x1000 && (mant & 0xfff || half & 1)) half++;
  return half;
}

/** Builds the network's nodes into `g` and its weights into `w` (the same builder unless wrapped in an If). */
class Network {
  private readonly rand: () => number;
  private readonly quantizedInputs = new Map<string, string[]>();
  private matmulCount = 0;
  private readonly ftype: "float16" | "float32";

  constructor(readonly c: LookalikeConfig, readonly g: GraphBuilder, readonly w: GraphBuilder, private readonly weightsMade: Set<string>) {
    this.rand = mulberry32(c.seed);
    this.ftype = c.fp16 ? "float16" : "float32";
  }

  private floats(values: Float32Array): Float32Array | Uint16Array {
    return this.c.fp16 ? Uint16Array.from(values, numberToHalf) : values;
  }

  private randomFloats(n: number, scale: number): Float32Array {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = (this.rand() * 2 - 1) * scale;
    return out;
  }

  /** Adds a float weight once (the If branches share the main graph's initializers). */
  weight(name: string, values: () => Float32Array, dims: number[]): string {
    if (!this.weightsMade.has(name)) {
      this.weightsMade.add(name);
      this.w.initializer(name, this.floats(values()), dims, this.ftype);
    } else {
      values(); // keep the random stream identical in both branches
    }
    return name;
  }

  constFloat(name: string, value: number): string {
    return this.g.node("Constant", [], { name, attrs: { value: tensorProto("", this.floats(Float32Array.of(value)), [], this.ftype) } })[0];
  }

  constInt(name: string, values: number[], dims: number[]): string {
    return this.g.constant(name, BigInt64Array.from(values.map(BigInt)), dims);
  }

  /** x @ W for a weight stored [in, out]: MatMul, or quantize_dynamic's MatMulInteger chain. */
  private matmul(x: string, weightName: string, inF: number, outF: number, name: string, scale: number): string {
    const values = this.randomFloats(inF * outF, scale);
    if (!this.c.quantized) return this.g.op("MatMul", [x, this.weight(weightName, () => values, [inF, outF])], name);
    // Symmetric int8 weights, one scale per tensor or per output column, zero point 0.
    const scales = new Float32Array(this.c.perChannel ? outF : 1);
    for (let i = 0; i < inF; i++) for (let o = 0; o < outF; o++) {
      const s = this.c.perChannel ? o : 0;
      scales[s] = Math.max(scales[s], Math.abs(values[i * outF + o]) / 127);
    }
    const q = Int8Array.from(values, (v, k) => Math.round(v / scales[this.c.perChannel ? k % outF : 0]));
    const qName = `${weightName}_quantized`;
    if (!this.weightsMade.has(qName)) {
      this.weightsMade.add(qName);
      this.w.initializer(qName, q, [inF, outF], "int8");
      this.w.initializer(`${weightName}_scale`, scales, [scales.length], "float32");
      this.w.initializer(`${weightName}_zero_point`, new Int8Array(scales.length), [scales.length], "int8");
    }
    let xq = this.quantizedInputs.get(x);
    if (!xq) {
      xq = this.g.node("DynamicQuantizeLinear", [x], { name: `${x}_QuantizeLinear`, outputs: [`${x}_quantized`, `${x}_scale`, `${x}_zero_point`] });
      this.quantizedInputs.set(x, xq);
    }
    const mmi = this.g.op("MatMulInteger", [xq[0], qName, xq[2], `${weightName}_zero_point`], `${name}_quant`, undefined, `${name}_output_0_output_quantized`);
    const cast = this.g.op("Cast", [mmi], `${name}_quant_output_quantized_cast`, { to: 1 });
    const scalesMul = this.g.op("Mul", [xq[1], `${weightName}_scale`], `${name}_quant_scales_mul`);
    return this.g.op("Mul", [cast, scalesMul], `${name}_quant_output_scale_mul`, undefined, `${name}_output_0`);
  }

  /** torch's nn.Linear as exported in the encoder: MatMul with a pre-transposed weight, then Add(bias, mm). */
  linear(x: string, prefix: string, inF: number, outF: number): string {
    const mm = this.matmul(x, `onnx::MatMul_${1000 + this.matmulCount++}`, inF, outF, `${prefix}/MatMul`, 1 / Math.sqrt(inF));
    const bias = this.weight(`${prefix.replace(/^\//, "").replace(/\//g, ".")}.bias`, () => this.randomFloats(outF, 0.1), [outF]);
    return this.g.op("Add", [bias, mm], `${prefix}/Add`);
  }

  /** The head's nn.Linear: Gemm(transB=1) with the [out, in] weight, or quantize_dynamic's MatMul + Add split of it. */
  gemm(x: string, module: string, inF: number, outF: number, output?: string): string {
    const scale = 1 / Math.sqrt(inF);
    if (!this.c.quantized) {
      const weight = this.weight(`${module}.weight`, () => this.randomFloats(outF * inF, scale), [outF, inF]);
      const bias = this.weight(`${module}.bias`, () => this.randomFloats(outF, 0.1), [outF]);
      return this.g.op("Gemm", [x, weight, bias], `/${module}/Gemm`, { alpha: { float: 1 }, beta: { float: 1 }, transB: 1 }, output);
    }
    const mm = this.matmul(x, `${module}.weight`, inF, outF, `/${module}/Gemm_MatMul`, scale);
    const bias = this.weight(`${module}.bias`, () => this.randomFloats(outF, 0.1), [outF]);
    return this.g.op("Add", [mm, bias], `/${module}/Gemm_Add`, undefined, output);
  }

  layerNorm(x: string, prefix: string, module: string): string {
    const h = this.c.hidden;
    const gamma = this.weight(`${module}.weight`, () => Float32Array.from(this.randomFloats(h, 0.2), (v) => 1 + v), [h]);
    const beta = this.weight(`${module}.bias`, () => this.randomFloats(h, 0.1), [h]);
    if (this.c.layerNorm === "op") {
      return this.g.op("LayerNormalization", [x, gamma, beta], `${prefix}/LayerNormalization`, { axis: -1, epsilon: { float: 1e-12 } });
    }
    const mean = this.g.op("ReduceMean", [x], `${prefix}/ReduceMean`, { axes: [-1], keepdims: 1 });
    const centred = this.g.op("Sub", [x, mean], `${prefix}/Sub`);
    const pow = this.g.op("Pow", [centred, this.constFloat(`${prefix}/Constant`, 2)], `${prefix}/Pow`);
    const variance = this.g.op("ReduceMean", [pow], `${prefix}/ReduceMean_1`, { axes: [-1], keepdims: 1 });
    const plusEps = this.g.op("Add", [variance, this.constFloat(`${prefix}/Constant_1`, 1e-12)], `${prefix}/Add`);
    const std = this.g.op("Sqrt", [plusEps], `${prefix}/Sqrt`);
    const normed = this.g.op("Div", [centred, std], `${prefix}/Div`);
    const scaled = this.g.op("Mul", [normed, gamma], `${prefix}/Mul`);
    return this.g.op("Add", [scaled, beta], `${prefix}/Add_1`);
  }

  /** Dimension `axis` of `x` as a 1-element int64 tensor (Shape → Gather → Unsqueeze, as torch exports `x.size(i)`). */
  private dim(x: string, shape: string, axis: number, prefix: string, suffix: string): string {
    const d = this.g.op("Gather", [shape, this.constInt(`${prefix}/Constant${suffix}`, [axis], [])], `${prefix}/Gather${suffix}`, { axis: 0 });
    return this.g.op("Unsqueeze", [d, this.constInt(`${prefix}/Constant${suffix}_axes`, [0], [1])], `${prefix}/Unsqueeze${suffix}`);
  }

  embeddings(): string {
    const { c } = this;
    const p = "/distilbert/embeddings";
    const word = this.g.op("Gather", [this.weight("distilbert.embeddings.word_embeddings.weight", () => this.randomFloats(c.vocab * c.hidden, 0.5), [c.vocab, c.hidden]), "input_ids"], `${p}/word_embeddings/Gather`);
    const shape = this.g.op("Shape", ["input_ids"], `${p}/Shape`);
    const seqLen = this.dim("input_ids", shape, 1, p, "");
    if (!this.weightsMade.has("distilbert.embeddings.position_ids")) {
      this.weightsMade.add("distilbert.embeddings.position_ids");
      this.w.initializer("distilbert.embeddings.position_ids", BigInt64Array.from({ length: c.maxPositions }, (_, i) => BigInt(i)), [1, c.maxPositions]);
    }
    const positionIds = this.g.op("Slice", ["distilbert.embeddings.position_ids", this.constInt(`${p}/Constant_1`, [0], [1]), seqLen, this.constInt(`${p}/Constant_2`, [1], [1]), this.constInt(`${p}/Constant_3`, [1], [1])], `${p}/Slice`);
    const position = this.g.op("Gather", [this.weight("distilbert.embeddings.position_embeddings.weight", () => this.randomFloats(c.maxPositions * c.hidden, 0.5), [c.maxPositions, c.hidden]), positionIds], `${p}/position_embeddings/Gather`);
    const sum = this.g.op("Add", [word, position], `${p}/Add`);
    return this.layerNorm(sum, `${p}/LayerNorm`, "distilbert.embeddings.LayerNorm");
  }

  block(x: string, i: number): string {
    const { c } = this;
    const p = `/distilbert/transformer/layer.${i}`;
    const a = `${p}/attention`;
    const m = `distilbert.transformer.layer.${i}`;
    const dph = c.hidden / c.heads;
    const shape = this.g.op("Shape", [x], `${a}/Shape`);
    const bs = this.dim(x, shape, 0, a, "");
    const kLen = this.dim(x, shape, 1, a, "_1");
    const headsShape = this.g.op("Concat", [bs, this.constInt(`${a}/Constant_2`, [-1], [1]), this.constInt(`${a}/Constant_3`, [c.heads], [1]), this.constInt(`${a}/Constant_4`, [dph], [1])], `${a}/Concat`, { axis: 0 });
    const split = (t: string, name: string, perm: number[]) =>
      this.g.op("Transpose", [this.g.op("Reshape", [t, headsShape], `${a}/Reshape${name}`)], `${a}/Transpose${name}`, { perm });
    const q = split(this.linear(x, `${a}/q_lin`, c.hidden, c.hidden), "", [0, 2, 1, 3]);
    const k = split(this.linear(x, `${a}/k_lin`, c.hidden, c.hidden), "_1", [0, 2, 3, 1]);
    const v = split(this.linear(x, `${a}/v_lin`, c.hidden, c.hidden), "_2", [0, 2, 1, 3]);
    const qScaled = this.g.op("Div", [q, this.constFloat(`${a}/Constant_5`, Math.sqrt(dph))], `${a}/Div`);
    const scores = this.g.op("MatMul", [qScaled, k], `${a}/MatMul`);
    const isPad = this.g.op("Equal", ["attention_mask", this.constInt(`${a}/Constant_6`, [0], [])], `${a}/Equal`);
    const maskShape = this.g.op("Concat", [bs, this.constInt(`${a}/Constant_7`, [1], [1]), this.constInt(`${a}/Constant_8`, [1], [1]), kLen], `${a}/Concat_1`, { axis: 0 });
    const mask = this.g.op("Expand", [this.g.op("Reshape", [isPad, maskShape], `${a}/Reshape_3`), this.g.op("Shape", [scores], `${a}/Shape_1`)], `${a}/Expand`);
    const masked = this.g.op("Where", [mask, this.constFloat(`${a}/Constant_9`, c.fp16 ? -65504 : -3.4028234663852886e38), scores], `${a}/Where`);
    const probs = this.g.op("Softmax", [masked], `${a}/Softmax`, { axis: -1 });
    const context = this.g.op("MatMul", [probs, v], `${a}/MatMul_1`);
    const merged = this.g.op("Reshape", [
      this.g.op("Transpose", [context], `${a}/Transpose_3`, { perm: [0, 2, 1, 3] }),
      this.g.op("Concat", [bs, this.constInt(`${a}/Constant_10`, [-1], [1]), this.constInt(`${a}/Constant_11`, [c.hidden], [1])], `${a}/Concat_2`, { axis: 0 }),
    ], `${a}/Reshape_4`);
    const attnOut = this.linear(merged, `${a}/out_lin`, c.hidden, c.hidden);
    const sa = this.layerNorm(this.g.op("Add", [attnOut, x], `${p}/Add`), `${p}/sa_layer_norm`, `${m}.sa_layer_norm`);
    const f = `${p}/ffn`;
    const up = this.linear(sa, `${f}/lin1`, c.hidden, c.ffn);
    const erf = this.g.op("Erf", [this.g.op("Div", [up, this.constFloat(`${f}/activation/Constant`, Math.SQRT2)], `${f}/activation/Div`)], `${f}/activation/Erf`);
    const gelu = this.g.op("Mul", [
      this.g.op("Mul", [up, this.g.op("Add", [erf, this.constFloat(`${f}/activation/Constant_1`, 1)], `${f}/activation/Add`)], `${f}/activation/Mul`),
      this.constFloat(`${f}/activation/Constant_2`, 0.5),
    ], `${f}/activation/Mul_1`);
    const down = this.linear(gelu, `${f}/lin2`, c.ffn, c.hidden);
    return this.layerNorm(this.g.op("Add", [down, sa], `${p}/Add_1`), `${p}/output_layer_norm`, `${m}.output_layer_norm`);
  }

  /** The whole network; returns the name of its logits tensor. */
  build(logitsName: string): string {
    let x = this.embeddings();
    for (let i = 0; i < this.c.layers; i++) x = this.block(x, i);
    let encoderOutput = x;
    if (this.c.sliceBeforeGather) {
      encoderOutput = this.g.op("Slice", [x, this.constInt("/Constant_1", [0], [1]), this.constInt("/Constant_2", [2 ** 53 - 1], [1]), this.constInt("/Constant_3", [0], [1]), this.constInt("/Constant_4", [1], [1])], "/Slice");
    }
    const cls = this.g.op("Gather", [encoderOutput, this.constInt("/Constant", [0], [])], "/Gather", { axis: 1 });
    const pre = this.gemm(cls, "pre_classifier", this.c.hidden, this.c.hidden);
    const relu = this.g.op("Relu", [pre], "/Relu");
    if (!this.c.fp16) return this.gemm(relu, "classifier", this.c.hidden, this.c.labels, logitsName);
    const half = this.gemm(relu, "classifier", this.c.hidden, this.c.labels, `${logitsName}_fp16`);
    return this.g.op("Cast", [half], `${logitsName}_fp16_input_cast0`, { to: 1 }, logitsName);
  }
}

/** Builds a look-alike model and returns its ONNX bytes. */
export function buildLookalike(overrides: Partial<LookalikeConfig> = {}): Uint8Array {
  const c: LookalikeConfig = { ...SMALL_LOOKALIKE, ...overrides };
  if (c.hidden % c.heads !== 0) throw new RangeError(`hidden (${c.hidden}) must be a multiple of heads (${c.heads})`);
  const top = new GraphBuilder("main_graph");
  top.input("input_ids", "int64", ["batch_size", "sequence_length"]);
  top.input("attention_mask", "int64", ["batch_size", "sequence_length"]);
  const made = new Set<string>();
  if (!c.wrapInIf) {
    new Network(c, top, top, made).build("logits");
  } else {
    top.input("use_cache_branch", "bool", [1]);
    const branches = ["then_branch", "else_branch"].map((name) => {
      const branch = new GraphBuilder(`${name}_graph`);
      const logits = new Network(c, branch, top, made).build("logits");
      branch.output(logits, "float32", ["batch_size", c.labels]);
      return branch.toGraph();
    });
    const flag = top.op("Squeeze", ["use_cache_branch"], "/Squeeze");
    top.node("If", [flag], { name: "optimum::if", outputs: ["logits"], attrs: { then_branch: branches[0], else_branch: branches[1] } });
  }
  top.output("logits", "float32", ["batch_size", c.labels]);
  return top.toBytes({ opset: c.layerNorm === "op" ? 17 : 14, producer: "pytorch" });
}
