// Which model family a classification head belongs to, and the torch names of its two Linear layers.
// The activation decides most of it (ReLU: DistilBERT; GELU: DeBERTa-v2's ContextPooler; Tanh: BERT's
// pooler or RoBERTa's classification head). BERT and RoBERTa compute the same thing, so for Tanh the
// family comes from, in order: config.model_type when given; the layers' names (bert.pooler.dense
// against classifier.dense / classifier.out_proj); the graph's inputs and ops (BERT files take
// token_type_ids; RoBERTa computes position ids from the input with CumSum); BERT otherwise.
import type { HeadActivation } from "./activation";
import type { ModelIndex } from "./model-index";

/** The sequence-classification heads the finder knows. */
export type HeadFamily = "distilbert" | "bert" | "roberta" | "deberta-v2";

/** The torch module names of a head's two Linear layers. */
export interface HeadNames {
  readonly dense: string;
  readonly classifier: string;
}

/** What the caller knows about the model beyond its graph (a config.json's fields). */
export interface ModelConfigHint {
  readonly model_type?: string;
}

/** The names each family's modeling code gives the two layers (used when the graph's names are gone). */
export const FAMILY_NAMES: Readonly<Record<HeadFamily, HeadNames>> = {
  distilbert: { dense: "pre_classifier", classifier: "classifier" },
  bert: { dense: "bert.pooler.dense", classifier: "classifier" },
  roberta: { dense: "classifier.dense", classifier: "classifier.out_proj" },
  "deberta-v2": { dense: "pooler.dense", classifier: "classifier" },
};

const ROBERTA_TYPES = /roberta|camembert|xlm-roberta|data2vec-text|xmod/;

/** The family a config.model_type names among the Tanh heads, if it names one. */
function tanhFamilyOfType(modelType: string | undefined): HeadFamily | undefined {
  if (!modelType) return undefined;
  const type = modelType.toLowerCase().replace(/_/g, "-");
  if (ROBERTA_TYPES.test(type)) return "roberta";
  if (/bert|electra/.test(type) && !/distil|deberta/.test(type)) return "bert";
  return undefined;
}

/** `prefix` of a weight called `prefix.weight` (quantized copies end in `_quantized`). */
function fromWeight(weight: string): string | undefined {
  const match = /^(.+)\.weight(_quantized)?$/.exec(weight);
  return match?.[1];
}

/** `a.b.c` from a torch.onnx node name `/a/b/c/Gemm` (quantizer suffixes kept off), if it has that shape. */
function fromNodeName(node: string): string | undefined {
  if (!node.startsWith("/") || node.endsWith("_QuantizeLinear")) return undefined;
  const parts = node.slice(1).split("/");
  return parts.length >= 2 ? parts.slice(0, -1).join(".") : undefined;
}

/** The torch module name of a Linear layer (its weight, its nodes) as the graph spells it, if the graph kept one. */
export function linearName(source: { readonly weight: string; readonly nodes: readonly string[] }): string | undefined {
  const fromW = fromWeight(source.weight);
  if (fromW) return fromW;
  for (const node of source.nodes) {
    const name = fromNodeName(node);
    if (name) return name;
  }
  return undefined;
}

/** Names a graph's layers suggest: BERT's pooler, or RoBERTa's classification head. */
function tanhFamilyOfNames(dense: string | undefined, classifier: string | undefined): HeadFamily | undefined {
  if (classifier && /(^|\.)out_proj$/.test(classifier)) return "roberta";
  if (dense && /(^|\.)classifier\.dense$/.test(dense)) return "roberta";
  if (dense && /(^|\.)pooler\.dense$/.test(dense)) return "bert";
  return undefined;
}

/** What the graph's structure says: token_type_ids (BERT) or CumSum position ids (RoBERTa). */
function tanhFamilyOfGraph(index: ModelIndex): HeadFamily | undefined {
  if (index.top.inputs.has("token_type_ids")) return "bert";
  if (index.scopes.some((s) => s.nodes.some((n) => n.proto.opType === "CumSum"))) return "roberta";
  return undefined;
}

/** The family of a head and its layer names (the graph's own where it kept them, else the family's). */
export function headFamily(
  index: ModelIndex, activation: HeadActivation,
  dense: { readonly weight: string; readonly nodes: readonly string[] },
  classifier: { readonly weight: string; readonly nodes: readonly string[] },
  config?: ModelConfigHint,
): { family: HeadFamily; names: HeadNames } {
  const found = { dense: linearName(dense), classifier: linearName(classifier) };
  const family: HeadFamily = activation === "relu" ? "distilbert"
    : activation === "gelu" ? "deberta-v2"
      : tanhFamilyOfType(config?.model_type) ?? tanhFamilyOfNames(found.dense, found.classifier) ?? tanhFamilyOfGraph(index) ?? "bert";
  const fallback = FAMILY_NAMES[family];
  return { family, names: { dense: found.dense ?? fallback.dense, classifier: found.classifier ?? fallback.classifier } };
}
