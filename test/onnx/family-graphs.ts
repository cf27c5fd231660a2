// Small encoder graphs ending in each family's classification head, laid out as torch.onnx / optimum
// export them (node and weight names, Gemm(transB=1) heads, decomposed GELU), for the head finder's
// tests. One attention block is enough: the finder needs a Softmax → MatMul and a LayerNorm behind it.
import { GraphBuilder, tensorProto } from "../../src/onnx/graph-builder";
import type { HeadFamily } from "../../src/onnx/family";
import { quantizeDynamic } from "../../src/demo-models/distilbert/quantize";
import { mulberry32 } from "../../src/tensor/random";

/** How a family graph is laid out. */
export interface FamilyGraphOptions {
  readonly family: HeadFamily;
  /** DeBERTa-v2's GELU: torch.onnx's Erf decomposition (0.5 last or first), or one Gelu op (opset 20). */
  readonly gelu?: "erf" | "erf-half-first" | "op";
  /** How token 0 is taken: Gather(axis 1, index 0), or Slice 0:1 then Squeeze (older BERT exports). */
  readonly pooling?: "gather" | "slice-squeeze";
  /** RoBERTa's position ids from the input (CumSum, as the modeling code does), or a plain table slice. */
  readonly positions?: "cumsum" | "table";
  /** The pooler's output also a graph output (BERT exports that keep pooler_output). */
  readonly poolerOutput?: boolean;
  /**
   * DeBERTa's relative attention, reduced: a LayerNorm over the relative-position table (weights only,
   * cut to the sequence length) whose projection adds a content-to-position term to the scores.
   */
  readonly relativePositions?: boolean;
  /** Dynamic int8 quantization as onnxruntime's quantize_dynamic lays it out. */
  readonly quantized?: boolean;
  readonly labels?: number;
  readonly seed?: number;
}

export const HIDDEN = 8;
const VOCAB = 24;
const MAX_POSITIONS = 16;

class FamilyGraph {
  readonly g = new GraphBuilder();
  private readonly rand: () => number;
  private constants = 0;

  constructor(readonly o: FamilyGraphOptions) {
    this.rand = mulberry32(o.seed ?? 7);
  }

  private floats(n: number, scale: number): Float32Array {
    return Float32Array.from({ length: n }, () => (this.rand() * 2 - 1) * scale);
  }

  private weight(name: string, dims: number[], scale: number): string {
    return this.g.initializer(name, this.floats(dims.reduce((a, b) => a * b, 1), scale), dims);
  }

  private constFloat(value: number): string {
    return this.g.node("Constant", [], { name: `/Constant_f${this.constants++}`, attrs: { value: tensorProto("", Float32Array.of(value), []) } })[0];
  }

  private constInt(values: number[], dims: number[]): string {
    return this.g.constant(`/Constant_i${this.constants++}`, BigInt64Array.from(values.map(BigInt)), dims);
  }

  private layerNorm(x: string, module: string): string {
    const gamma = this.g.initializer(`${module}.weight`, Float32Array.from(this.floats(HIDDEN, 0.2), (v) => 1 + v), [HIDDEN]);
    const beta = this.weight(`${module}.bias`, [HIDDEN], 0.1);
    return this.g.op("LayerNormalization", [x, gamma, beta], `/${module.replace(/\./g, "/")}/LayerNormalization`, { axis: -1, epsilon: { float: 1e-5 } });
  }

  /** An encoder Linear: MatMul with an [in, out] weight, then Add(bias). */
  private linear(x: string, module: string): string {
    const path = `/${module.replace(/\./g, "/")}`;
    const mm = this.g.op("MatMul", [x, this.weight(`onnx::MatMul_${module}`, [HIDDEN, HIDDEN], 1 / Math.sqrt(HIDDEN))], `${path}/MatMul`);
    return this.g.op("Add", [this.weight(`${module}.bias`, [HIDDEN], 0.1), mm], `${path}/Add`);
  }

  /** A head Linear: Gemm(transB=1) reading `module.weight` [out, in]. */
  private gemm(x: string, module: string, outF: number, scale: number, output?: string): string {
    const w = this.weight(`${module}.weight`, [outF, HIDDEN], scale);
    const b = this.weight(`${module}.bias`, [outF], 0.2);
    return this.g.op("Gemm", [x, w, b], `/${module.replace(/\./g, "/")}/Gemm`, { alpha: { float: 1 }, beta: { float: 1 }, transB: 1 }, output);
  }

  private embeddings(prefix: string): string {
    const { g } = this;
    const p = `/${prefix}/embeddings`;
    let sum = g.op("Gather", [this.weight(`${prefix}.embeddings.word_embeddings.weight`, [VOCAB, HIDDEN], 1), "input_ids"], `${p}/word_embeddings/Gather`);
    const positionTable = this.weight(`${prefix}.embeddings.position_embeddings.weight`, [MAX_POSITIONS + 2, HIDDEN], 0.5);
    if (this.o.family === "roberta" && (this.o.positions ?? "cumsum") === "cumsum") {
      // create_position_ids_from_input_ids: cumsum over non-padding tokens, offset by padding_idx = 1.
      const notPad = g.op("Cast", [g.op("Not", [g.op("Equal", ["input_ids", this.constInt([1], [])], `${p}/Equal`)], `${p}/Not`)], `${p}/Cast`, { to: 7 });
      const cumsum = g.op("CumSum", [notPad, this.constInt([1], [])], `${p}/CumSum`);
      const ids = g.op("Add", [g.op("Mul", [cumsum, notPad], `${p}/Mul`), this.constInt([1], [])], `${p}/Add_ids`);
      sum = g.op("Add", [sum, g.op("Gather", [positionTable, ids], `${p}/position_embeddings/Gather`)], `${p}/Add`);
    } else {
      const seqLen = g.op("Unsqueeze", [g.op("Gather", [g.op("Shape", ["input_ids"], `${p}/Shape`), this.constInt([1], [])], `${p}/Gather`, { axis: 0 }), this.constInt([0], [1])], `${p}/Unsqueeze`);
      const positions = g.op("Slice", [positionTable, this.constInt([0], [1]), seqLen, this.constInt([0], [1])], `${p}/Slice`);
      sum = g.op("Add", [sum, positions], `${p}/Add`);
    }
    if (this.o.family === "bert") {
      const types = g.op("Gather", [this.weight(`${prefix}.embeddings.token_type_embeddings.weight`, [2, HIDDEN], 0.5), "token_type_ids"], `${p}/token_type_embeddings/Gather`);
      sum = g.op("Add", [sum, types], `${p}/Add_1`);
    }
    return this.layerNorm(sum, `${prefix}.embeddings.LayerNorm`);
  }

  /** One single-head attention block with a residual and LayerNorm (enough for the block finder). */
  private block(x: string, prefix: string): string {
    const { g } = this;
    const p = `${prefix}.encoder.layer.0.attention`;
    const q = this.linear(x, `${p}.query`);
    const k = this.linear(x, `${p}.key`);
    const v = this.linear(x, `${p}.value`);
    const a = `/${p.replace(/\./g, "/")}`;
    let scores = g.op("Div", [g.op("MatMul", [q, g.op("Transpose", [k], `${a}/Transpose`, { perm: [0, 2, 1] })], `${a}/MatMul`), this.constFloat(Math.sqrt(HIDDEN))], `${a}/Div`);
    if (this.o.relativePositions) {
      const e = `/${prefix}/encoder`;
      const seqLen = g.op("Unsqueeze", [g.op("Gather", [g.op("Shape", ["input_ids"], `${e}/Shape`), this.constInt([1], [])], `${e}/Gather`, { axis: 0 }), this.constInt([0], [1])], `${e}/Unsqueeze`);
      const table = g.op("Slice", [this.weight(`${prefix}.encoder.rel_embeddings.weight`, [MAX_POSITIONS, HIDDEN], 0.5), this.constInt([0], [1]), seqLen, this.constInt([0], [1])], `${e}/Slice`);
      const rel = this.layerNorm(table, `${prefix}.encoder.LayerNorm`);
      const posKey = this.linear(rel, `${p}.pos_key_proj`);
      const c2p = g.op("MatMul", [q, g.op("Transpose", [posKey], `${a}/Transpose_1`, { perm: [1, 0] })], `${a}/MatMul_2`);
      scores = g.op("Add", [scores, c2p], `${a}/Add_c2p`);
    }
    const maskF = g.op("Cast", [g.op("Unsqueeze", ["attention_mask", this.constInt([1], [1])], `${a}/Unsqueeze`)], `${a}/Cast`, { to: 1 });
    const bias = g.op("Mul", [g.op("Sub", [this.constFloat(1), maskF], `${a}/Sub`), this.constFloat(-1e4)], `${a}/Mul`);
    const probs = g.op("Softmax", [g.op("Add", [scores, bias], `${a}/Add`)], `${a}/Softmax`, { axis: -1 });
    const context = g.op("MatMul", [probs, v], `${a}/MatMul_1`);
    const out = this.linear(context, `${p}.output.dense`);
    return this.layerNorm(g.op("Add", [out, x], `${a}/output/Add_1`), `${p}.output.LayerNorm`);
  }

  private firstToken(x: string, name: string): string {
    if ((this.o.pooling ?? "gather") === "gather") return this.g.op("Gather", [x, this.constInt([0], [])], `${name}/Gather`, { axis: 1 });
    const slice = this.g.op("Slice", [x, this.constInt([0], [1]), this.constInt([1], [1]), this.constInt([1], [1]), this.constInt([1], [1])], `${name}/Slice`);
    return this.g.op("Squeeze", [slice, this.constInt([1], [1])], `${name}/Squeeze`);
  }

  private gelu(x: string): string {
    const { g } = this;
    if (this.o.gelu === "op") return g.op("Gelu", [x], "/pooler/Gelu");
    const erf = g.op("Erf", [g.op("Div", [x, this.constFloat(1.4142135381698608)], "/pooler/Div")], "/pooler/Erf");
    const onePlus = g.op("Add", [erf, this.constFloat(1)], "/pooler/Add");
    if (this.o.gelu === "erf-half-first") return g.op("Mul", [g.op("Mul", [x, this.constFloat(0.5)], "/pooler/Mul"), onePlus], "/pooler/Mul_1");
    return g.op("Mul", [g.op("Mul", [x, onePlus], "/pooler/Mul"), this.constFloat(0.5)], "/pooler/Mul_1");
  }

  build(): Uint8Array {
    const { g, o } = this;
    const labels = o.labels ?? 3;
    const prefix = o.family === "deberta-v2" ? "deberta" : o.family;
    g.input("input_ids", "int64", ["batch_size", "sequence_length"]);
    g.input("attention_mask", "int64", ["batch_size", "sequence_length"]);
    if (o.family === "bert") g.input("token_type_ids", "int64", ["batch_size", "sequence_length"]);
    const hidden = this.block(this.embeddings(prefix), prefix);
    const wide = 2 / Math.sqrt(HIDDEN); // a dense layer that reaches the activation's curved part
    switch (o.family) {
      case "distilbert": {
        const pre = this.gemm(this.firstToken(hidden, ""), "pre_classifier", HIDDEN, wide);
        this.gemm(g.op("Relu", [pre], "/Relu"), "classifier", labels, 1, "logits");
        break;
      }
      case "bert": {
        const pooled = g.op("Tanh", [this.gemm(this.firstToken(hidden, "/bert/pooler"), "bert.pooler.dense", HIDDEN, wide)], "/bert/pooler/activation/Tanh",
          undefined, o.poolerOutput ? "pooler_output" : undefined);
        if (o.poolerOutput) g.output("pooler_output", "float32", ["batch_size", HIDDEN]);
        this.gemm(pooled, "classifier", labels, 1, "logits");
        break;
      }
      case "roberta": {
        const dense = this.gemm(this.firstToken(hidden, "/classifier"), "classifier.dense", HIDDEN, wide);
        this.gemm(g.op("Tanh", [dense], "/classifier/Tanh"), "classifier.out_proj", labels, 1, "logits");
        break;
      }
      case "deberta-v2": {
        const dense = this.gemm(this.firstToken(hidden, "/pooler"), "pooler.dense", HIDDEN, wide);
        this.gemm(this.gelu(dense), "classifier", labels, 1, "logits");
        break;
      }
    }
    g.output("logits", "float32", ["batch_size", labels]);
    const bytes = g.toBytes({ opset: o.gelu === "op" ? 20 : 17, producer: "pytorch" });
    return o.quantized ? quantizeDynamic(bytes) : bytes;
  }
}

/** A small encoder with the head of `options.family`, as ONNX bytes. */
export function buildFamilyGraph(options: FamilyGraphOptions): Uint8Array {
  return new FamilyGraph(options).build();
}
