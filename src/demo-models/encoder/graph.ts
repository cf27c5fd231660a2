import { GraphBuilder, tensorProto } from "../../onnx/graph-builder";
import { DEMO_SIZES } from "../distilbert/config";
import type { LowRankLinear, Matrix } from "../distilbert/low-rank";
import type { DenseLinear, HeadWeights } from "./heads";
import type { BlockWeights, EncoderWeights, LayerNormWeights } from "./weights";

/*
 * The fp32 graph of a sequence classifier, laid out as torch.onnx exports the family's
 * `…ForSequenceClassification` (opset 14): module paths as node names
 * (`/distilbert/transformer/layer.0/attention/q_lin/MatMul`, `/bert/encoder/layer.0/attention/self/query/MatMul`),
 * `<node>_output_0` tensors, parameters under their torch names, LayerNorm and GELU decomposed into
 * primitive ops, and the head as Gather(first token) → Gemm → activation → Gemm → `logits`.
 * What differs by family:
 * - names: distilbert.transformer.layer.N.{attention.q_lin, sa_layer_norm, ffn.lin1, output_layer_norm},
 *   bert|roberta|deberta.encoder.layer.N.{attention.self.query (DeBERTa: query_proj), attention.output.dense,
 *   attention.output.LayerNorm, intermediate.dense, output.dense, output.LayerNorm};
 * - inputs and embeddings: BERT adds token_type_ids through token_type_embeddings; RoBERTa numbers positions
 *   from its input ids (cumsum of non-padding × mask + padding_idx, so the first token is position 2) and
 *   adds its single token type; DistilBERT and DeBERTa-v2 (position_biased_input) add absolute positions;
 * - the attention mask: DistilBERT and DeBERTa-v2 fill masked scores with Where, BERT and RoBERTa add
 *   (1 − mask) × lowest float, computed once before the encoder;
 * - the head: DistilBERT pre_classifier → ReLU → classifier; BERT bert.pooler.dense → Tanh → classifier;
 *   RoBERTa classifier.dense → Tanh → classifier.out_proj; DeBERTa-v2 pooler.dense → GELU (Erf) → classifier.
 * The one departure from a real export: each encoder linear layer is two MatMuls through a thin factor
 * (`…/MatMul`, `…/MatMul_1`) instead of one, and the word (and, but for DistilBERT, position) embedding
 * tables hold a few coordinates that a MatMul widens to 768: that is what keeps the files small.
 */

const { dim, nHeads, headDim, layerNormEps } = DEMO_SIZES;
const LOWEST_FLOAT32 = -3.4028234663852886e38;

/** The model families the demo graphs come in (config.model_type). */
export type EncoderFamily = "distilbert" | "bert" | "roberta" | "deberta-v2";

/** torch's top module name for each family. */
const MODULE: Record<EncoderFamily, string> = { distilbert: "distilbert", bert: "bert", roberta: "roberta", "deberta-v2": "deberta" };

/** RoBERTa's padding_idx: padding tokens sit at this position, real ones count from padding_idx + 1. */
export const ROBERTA_PADDING_IDX = 1;

/** What the graph builder needs: the encoder's weights and the head's. */
export interface ClassifierWeights {
  encoder: EncoderWeights;
  head: HeadWeights;
}

/** Where a block's pieces live, in torch module paths relative to the block. */
interface BlockNames {
  attention: string;
  q: string;
  k: string;
  v: string;
  out: string;
  attentionResidual: string;
  attentionNorm: string;
  intermediate: string;
  activation: string;
  output: string;
  outputResidual: string;
  outputNorm: string;
}

const DISTILBERT_BLOCK: BlockNames = {
  attention: "attention", q: "attention/q_lin", k: "attention/k_lin", v: "attention/v_lin", out: "attention/out_lin",
  attentionResidual: "Add", attentionNorm: "sa_layer_norm", intermediate: "ffn/lin1", activation: "ffn/activation",
  output: "ffn/lin2", outputResidual: "Add_1", outputNorm: "output_layer_norm",
};

function bertBlock(q: string, k: string, v: string): BlockNames {
  return {
    attention: "attention/self", q: `attention/self/${q}`, k: `attention/self/${k}`, v: `attention/self/${v}`, out: "attention/output/dense",
    attentionResidual: "attention/output/Add", attentionNorm: "attention/output/LayerNorm", intermediate: "intermediate/dense",
    activation: "intermediate/intermediate_act_fn", output: "output/dense", outputResidual: "output/Add", outputNorm: "output/LayerNorm",
  };
}

const BLOCK_NAMES: Record<EncoderFamily, BlockNames> = {
  distilbert: DISTILBERT_BLOCK,
  bert: bertBlock("query", "key", "value"),
  roberta: bertBlock("query", "key", "value"),
  "deberta-v2": bertBlock("query_proj", "key_proj", "value_proj"),
};

/** torch's parameter name for a module path (`/bert/encoder/layer.0/attention/self/query` → `bert.encoder.layer.0.attention.self.query`). */
function param(path: string): string {
  return path.slice(1).split("/").join(".");
}

/** Adds the graph's nodes, numbering anonymous MatMul weights `onnx::MatMul_<n>` as torch does. */
class ClassifierGraph {
  readonly g = new GraphBuilder("main_graph");
  private matMulWeights = 0;
  private readonly top: string;
  /** BERT/RoBERTa: the additive mask [batch, 1, 1, seq], computed once. */
  private additiveMask: string | null = null;

  constructor(readonly family: EncoderFamily) {
    this.top = `/${MODULE[family]}`;
  }

  private matrix(name: string, m: Matrix): string {
    return this.g.initializer(name, m.data, [m.rows, m.cols]);
  }

  private anonymousMatMulWeight(m: Matrix): string {
    this.matMulWeights += 1;
    return this.matrix(`onnx::MatMul_${1000 + this.matMulWeights}`, m);
  }

  private int64(name: string, values: number[], dims: number[]): string {
    return this.g.constant(name, BigInt64Array.from(values.map(BigInt)), dims);
  }

  private float(name: string, value: number): string {
    return this.g.constant(name, Float32Array.of(value), []);
  }

  /** torch's LayerNorm at opset < 17: mean, centre, variance, normalise, scale, shift. */
  layerNorm(x: string, prefix: string, w: LayerNormWeights): string {
    const { g } = this;
    const mean = g.op("ReduceMean", [x], `${prefix}/ReduceMean`, { axes: [-1] });
    const centred = g.op("Sub", [x, mean], `${prefix}/Sub`);
    const squared = g.op("Pow", [centred, this.float(`${prefix}/Constant`, 2)], `${prefix}/Pow`);
    const variance = g.op("ReduceMean", [squared], `${prefix}/ReduceMean_1`, { axes: [-1] });
    const shifted = g.op("Add", [variance, this.float(`${prefix}/Constant_1`, layerNormEps)], `${prefix}/Add`);
    const std = g.op("Sqrt", [shifted], `${prefix}/Sqrt`);
    const normalised = g.op("Div", [centred, std], `${prefix}/Div`);
    const scaled = g.op("Mul", [normalised, g.initializer(`${param(prefix)}.weight`, w.weight, [dim])], `${prefix}/Mul`);
    return g.op("Add", [scaled, g.initializer(`${param(prefix)}.bias`, w.bias, [dim])], `${prefix}/Add_1`);
  }

  /** A linear layer as two thin MatMuls and the bias Add. */
  linear(x: string, prefix: string, w: LowRankLinear): string {
    const { g } = this;
    const thin = g.op("MatMul", [x, this.anonymousMatMulWeight(w.down)], `${prefix}/MatMul`);
    const wide = g.op("MatMul", [thin, this.anonymousMatMulWeight(w.up)], `${prefix}/MatMul_1`);
    return g.op("Add", [g.initializer(`${param(prefix)}.bias`, w.bias, [w.bias.length]), wide], `${prefix}/Add`);
  }

  /** `position_ids[:, :seq]` from the registered buffer 0…rows−1, as absolute-position models slice it. */
  private slicedPositionIds(p: string, rows: number): string {
    const { g } = this;
    const shape = g.op("Shape", ["input_ids"], `${p}/Shape`);
    const length = g.op("Gather", [shape, this.int64(`${p}/Constant`, [1], [])], `${p}/Gather`, { axis: 0 });
    const end = g.op("Unsqueeze", [length, this.int64(`${p}/Constant_1`, [0], [1])], `${p}/Unsqueeze`);
    const positionIds = g.initializer(`${param(p)}.position_ids`, BigInt64Array.from({ length: rows }, (_, i) => BigInt(i)), [1, rows]);
    return g.op("Slice", [positionIds, this.int64(`${p}/Constant_2`, [0], [1]), end, this.int64(`${p}/Constant_3`, [1], [1]), this.int64(`${p}/Constant_4`, [1], [1])], `${p}/Slice`);
  }

  /** RoBERTa's create_position_ids_from_input_ids: cumsum(ids ≠ padding_idx) × mask + padding_idx. */
  private robertaPositionIds(p: string): string {
    const { g } = this;
    const padding = g.op("Equal", ["input_ids", this.int64(`${p}/Constant`, [ROBERTA_PADDING_IDX], [])], `${p}/Equal`);
    const real = g.op("Not", [padding], `${p}/Not`);
    const mask = g.op("Cast", [real], `${p}/Cast`, { to: 6 });
    const counted = g.op("CumSum", [mask, this.int64(`${p}/Constant_1`, [1], [])], `${p}/CumSum`);
    const incremental = g.op("Mul", [g.op("Cast", [counted], `${p}/Cast_1`, { to: 6 }), mask], `${p}/Mul`);
    return g.op("Add", [g.op("Cast", [incremental], `${p}/Cast_2`, { to: 7 }), this.int64(`${p}/Constant_2`, [ROBERTA_PADDING_IDX], [])], `${p}/Add`);
  }

  embeddings(w: EncoderWeights): string {
    const { g } = this;
    const p = `${this.top}/embeddings`;
    // RobertaEmbeddings.forward numbers the positions first, so its nodes take the first names.
    const robertaPositions = this.family === "roberta" ? this.robertaPositionIds(p) : null;
    const wordCoords = g.op("Gather", [this.matrix(`${param(p)}.word_embeddings.weight`, w.wordEmbeddings), "input_ids"], `${p}/word_embeddings/Gather`);
    let sum = g.op("MatMul", [wordCoords, this.anonymousMatMulWeight(w.wordProjection)], `${p}/word_embeddings/MatMul`);
    let adds = robertaPositions ? 1 : 0;
    const add = (x: string) => {
      sum = g.op("Add", [sum, x], `${p}/Add${adds === 0 ? "" : `_${adds}`}`);
      adds += 1;
    };
    if (w.tokenTypeEmbeddings) {
      const types = this.family === "bert" ? "token_type_ids" : g.op("ConstantOfShape", [g.op("Shape", ["input_ids"], `${p}/Shape`)], `${p}/ConstantOfShape`, { value: tensorProto("", BigInt64Array.of(0n), [1]) });
      add(g.op("Gather", [this.matrix(`${param(p)}.token_type_embeddings.weight`, w.tokenTypeEmbeddings), types], `${p}/token_type_embeddings/Gather`));
    }
    const positionIds = robertaPositions ?? this.slicedPositionIds(p, w.positionEmbeddings.rows);
    const positions = g.op("Gather", [this.matrix(`${param(p)}.position_embeddings.weight`, w.positionEmbeddings), positionIds], `${p}/position_embeddings/Gather`);
    add(w.positionProjection ? g.op("MatMul", [positions, this.anonymousMatMulWeight(w.positionProjection)], `${p}/position_embeddings/MatMul`) : positions);
    return this.layerNorm(sum, `${p}/LayerNorm`, w.embeddingLayerNorm);
  }

  /** BERT's get_extended_attention_mask: (1 − mask[:, None, None, :]) × lowest float, added to every block's scores. */
  extendedMask(): string {
    if (this.additiveMask) return this.additiveMask;
    const { g } = this;
    const p = this.top;
    const unsqueezed = g.op("Unsqueeze", [g.op("Unsqueeze", ["attention_mask", this.int64(`${p}/Constant`, [1], [1])], `${p}/Unsqueeze`), this.int64(`${p}/Constant_1`, [2], [1])], `${p}/Unsqueeze_1`);
    const mask = g.op("Cast", [unsqueezed], `${p}/Cast`, { to: 1 });
    const inverted = g.op("Sub", [this.float(`${p}/Constant_2`, 1), mask], `${p}/Sub`);
    this.additiveMask = g.op("Mul", [inverted, this.float(`${p}/Constant_3`, LOWEST_FLOAT32)], `${p}/Mul`);
    return this.additiveMask;
  }

  /** [batch, seq, 768] → [batch, 12, seq, 64] (`perm` [0, 2, 1, 3]). */
  private splitHeads(x: string, prefix: string, suffix: string): string {
    const { g } = this;
    const shape = this.int64(`${prefix}/Constant${suffix}`, [0, -1, nHeads, headDim], [4]);
    const reshaped = g.op("Reshape", [x, shape], `${prefix}/Reshape${suffix}`);
    return g.op("Transpose", [reshaped], `${prefix}/Transpose${suffix}`, { perm: [0, 2, 1, 3] });
  }

  attention(x: string, layer: string, names: BlockNames, w: BlockWeights): string {
    const { g } = this;
    const p = `${layer}/${names.attention}`;
    const q = this.splitHeads(this.linear(x, `${layer}/${names.q}`, w.q), p, "");
    const k = this.splitHeads(this.linear(x, `${layer}/${names.k}`, w.k), p, "_1");
    const v = this.splitHeads(this.linear(x, `${layer}/${names.v}`, w.v), p, "_2");
    let weights: string;
    if (this.family === "bert" || this.family === "roberta") {
      const keysT = g.op("Transpose", [k], `${p}/Transpose_3`, { perm: [0, 1, 3, 2] });
      const scores = g.op("MatMul", [q, keysT], `${p}/MatMul`);
      const scaled = g.op("Div", [scores, this.float(`${p}/Constant_3`, Math.sqrt(headDim))], `${p}/Div`);
      weights = g.op("Softmax", [g.op("Add", [scaled, this.extendedMask()], `${p}/Add`)], `${p}/Softmax`, { axis: -1 });
    } else {
      const scaledQ = g.op("Div", [q, this.float(`${p}/Constant_3`, Math.sqrt(headDim))], `${p}/Div`);
      const keysT = g.op("Transpose", [k], `${p}/Transpose_3`, { perm: [0, 1, 3, 2] });
      const scores = g.op("MatMul", [scaledQ, keysT], `${p}/MatMul`);
      // mask = (attention_mask == 0).view(bs, 1, 1, k_length).expand_as(scores); masked keys get the lowest float.
      const padding = g.op("Equal", ["attention_mask", this.int64(`${p}/Constant_4`, [0], [])], `${p}/Equal`);
      const padding4d = g.op("Reshape", [padding, this.int64(`${p}/Constant_5`, [0, 1, 1, -1], [4])], `${p}/Reshape_3`);
      const expanded = g.op("Expand", [padding4d, g.op("Shape", [scores], `${p}/Shape`)], `${p}/Expand`);
      const masked = g.op("Where", [expanded, this.float(`${p}/Constant_6`, LOWEST_FLOAT32), scores], `${p}/Where`);
      weights = g.op("Softmax", [masked], `${p}/Softmax`, { axis: -1 });
    }
    const context = g.op("MatMul", [weights, v], `${p}/MatMul_1`);
    const merged = g.op("Transpose", [context], `${p}/Transpose_4`, { perm: [0, 2, 1, 3] });
    const flat = g.op("Reshape", [merged, this.int64(`${p}/Constant_7`, [0, -1, dim], [3])], `${p}/Reshape_4`);
    return this.linear(flat, `${layer}/${names.out}`, w.out);
  }

  /** x · ½ · (1 + erf(x / √2)), as torch exports exact GELU; constants numbered from `firstConstant`. */
  gelu(x: string, p: string, firstConstant = 0): string {
    const { g } = this;
    const constant = (i: number) => `${p}/Constant${i + firstConstant === 0 ? "" : `_${i + firstConstant}`}`;
    const scaled = g.op("Div", [x, this.float(constant(0), Math.SQRT2)], `${p}/Div`);
    const erf = g.op("Erf", [scaled], `${p}/Erf`);
    const onePlus = g.op("Add", [erf, this.float(constant(1), 1)], `${p}/Add`);
    const product = g.op("Mul", [x, onePlus], `${p}/Mul`);
    return g.op("Mul", [product, this.float(constant(2), 0.5)], `${p}/Mul_1`);
  }

  block(x: string, index: number, w: BlockWeights): string {
    const { g } = this;
    const names = BLOCK_NAMES[this.family];
    const layer = `${this.top}/${this.family === "distilbert" ? "transformer" : "encoder"}/layer.${index}`;
    const attended = g.op("Add", [this.attention(x, layer, names, w), x], `${layer}/${names.attentionResidual}`);
    const sa = this.layerNorm(attended, `${layer}/${names.attentionNorm}`, w.saLayerNorm);
    const inner = this.gelu(this.linear(sa, `${layer}/${names.intermediate}`, w.lin1), `${layer}/${names.activation}`);
    const ffn = this.linear(inner, `${layer}/${names.output}`, w.lin2);
    const residual = g.op("Add", [ffn, sa], `${layer}/${names.outputResidual}`);
    return this.layerNorm(residual, `${layer}/${names.outputNorm}`, w.outputLayerNorm);
  }

  private gemm(x: string, module: string, layer: DenseLinear, output?: string): string {
    const name = param(module);
    return this.g.op("Gemm", [x, this.matrix(`${name}.weight`, layer.weight), this.g.initializer(`${name}.bias`, layer.bias, [layer.bias.length])], `${module}/Gemm`, { alpha: { float: 1 }, beta: { float: 1 }, transB: 1 }, output);
  }

  /** hidden_state[:, 0] → dense → activation → classifier, named as the family's head module names them. */
  head(hidden: string, w: HeadWeights): void {
    const { g } = this;
    const first = (p: string) => g.op("Gather", [hidden, this.int64(`${p}/Constant`, [0], [])], `${p}/Gather`, { axis: 1 });
    if (this.family === "distilbert") {
      const relu = g.op("Relu", [this.gemm(first(""), "/pre_classifier", w.dense)], "/Relu");
      this.gemm(relu, "/classifier", w.classifier, "logits");
    } else if (this.family === "bert") {
      const tanh = g.op("Tanh", [this.gemm(first("/bert/pooler"), "/bert/pooler/dense", w.dense)], "/bert/pooler/activation/Tanh");
      this.gemm(tanh, "/classifier", w.classifier, "logits");
    } else if (this.family === "roberta") {
      const tanh = g.op("Tanh", [this.gemm(first("/classifier"), "/classifier/dense", w.dense)], "/classifier/Tanh");
      this.gemm(tanh, "/classifier/out_proj", w.classifier, "logits");
    } else {
      const gelu = this.gelu(this.gemm(first("/pooler"), "/pooler/dense", w.dense), "/pooler", 1);
      this.gemm(gelu, "/classifier", w.classifier, "logits");
    }
  }
}

/**
 * The fp32 classifier as an ONNX graph: `input_ids`, `attention_mask` (and BERT's `token_type_ids`), int64
 * [batch_size, sequence_length] → `logits` [batch_size, labels].
 */
export function buildClassifierGraph(family: EncoderFamily, w: ClassifierWeights): GraphBuilder {
  const graph = new ClassifierGraph(family);
  const { g } = graph;
  g.input("input_ids", "int64", ["batch_size", "sequence_length"]);
  g.input("attention_mask", "int64", ["batch_size", "sequence_length"]);
  if (w.encoder.tokenTypeEmbeddings && family === "bert") g.input("token_type_ids", "int64", ["batch_size", "sequence_length"]);
  let hidden = graph.embeddings(w.encoder);
  if (family === "bert" || family === "roberta") graph.extendedMask();
  w.encoder.blocks.forEach((block, layer) => {
    hidden = graph.block(hidden, layer, block);
  });
  graph.head(hidden, w.head);
  g.output("logits", "float32", ["batch_size", w.head.classifier.weight.rows]);
  return g;
}
