/** Sizes of the demo model. Width and heads match the real checkpoint; depth is smaller to keep the files small. */
export const DEMO_SIZES = {
  dim: 768,
  nHeads: 12,
  headDim: 64,
  nLayers: 2,
  hiddenDim: 3072,
  maxPositions: 512,
  layerNormEps: 1e-12,
} as const;

/** Label names of the real checkpoint, index = logit column. */
export const LABELS = ["NEGATIVE", "POSITIVE"] as const;

/** Name under which the demo model introduces itself, so nobody mistakes its numbers for the real model's. */
export const DEMO_MODEL_NAME = "behind-the-pipeline/offline-demo-distilbert-sst2";

/**
 * The demo model's `config.json`: the fields of `distilbert-base-uncased-finetuned-sst-2-english`, with the
 * sizes this model really has and its name and a note saying it is a hand-built demo.
 */
export function demoDistilbertConfig(vocabSize: number): Record<string, unknown> {
  return {
    _name_or_path: DEMO_MODEL_NAME,
    _demo_note: "Offline demo model built by `npm run demo-models` (hand-constructed weights, not trained). Its numbers differ from the course's real checkpoint.",
    activation: "gelu",
    architectures: ["DistilBertForSequenceClassification"],
    attention_dropout: 0.1,
    dim: DEMO_SIZES.dim,
    dropout: 0.1,
    finetuning_task: "sst-2",
    hidden_dim: DEMO_SIZES.hiddenDim,
    id2label: Object.fromEntries(LABELS.map((label, id) => [String(id), label])),
    initializer_range: 0.02,
    label2id: Object.fromEntries(LABELS.map((label, id) => [label, id])),
    max_position_embeddings: DEMO_SIZES.maxPositions,
    model_type: "distilbert",
    n_heads: DEMO_SIZES.nHeads,
    n_layers: DEMO_SIZES.nLayers,
    output_past: true,
    pad_token_id: 0,
    qa_dropout: 0.1,
    seq_classif_dropout: 0.2,
    sinusoidal_pos_embds: false,
    tie_weights_: true,
    vocab_size: vocabSize,
  };
}
