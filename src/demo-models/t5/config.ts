/**
 * Sizes of the demo T5. Real t5-small: d_model 512, 8 heads of 64, d_ff 2048, 6+6 layers, vocab 32128.
 * The demo keeps the structure and shrinks the sizes so its files stay a few megabytes. The residual
 * stream of width `dModel` is split in two: the first `tokenDims` coordinates carry "which token", the
 * rest (exactly one head wide) carry "which position"; see weights.ts for why.
 */
export const T5_DEMO_SIZES = {
  dModel: 96,
  tokenDims: 64,
  numHeads: 3,
  dKv: 32,
  dFf: 256,
  numLayers: 2,
  numDecoderLayers: 2,
  /** Longest input the demo model takes (real T5 has no hard limit; its tokenizer says 512). */
  nPositions: 128,
  layerNormEpsilon: 1e-6,
  /** config.vocab_size is the tokenizer's size rounded up to a multiple of this, as T5's 32100 → 32128. */
  vocabMultiple: 128,
} as const;

/**
 * The piece that ends a T5 task prefix ("summarize:", "translate English to German:"). The demo copies
 * only what follows the first one, so its output to a T5 prompt is the prompt's text without the prefix.
 */
export const TASK_PREFIX_END = ":";

/** T5's special ids: pad doubles as the decoder start token; `</s>` ends every sequence. */
export const T5_SPECIAL_IDS = { pad: 0, eos: 1, unk: 2, decoderStart: 0 } as const;

/** Name under which the demo model introduces itself, so nobody mistakes its numbers for t5-small's. */
export const T5_DEMO_NAME_OR_PATH = "behind-the-pipeline/offline-demo-t5";

/** The `config.json` vocab_size for a tokenizer of `pieces` pieces (rounded up, as T5 pads its embedding matrix). */
export function paddedVocabSize(pieces: number): number {
  return Math.ceil(pieces / T5_DEMO_SIZES.vocabMultiple) * T5_DEMO_SIZES.vocabMultiple;
}

/** The demo model's `config.json`: t5-small's fields with the demo's sizes, its name, and a note that it is hand-built. */
export function demoT5Config(vocabSize: number): Record<string, unknown> {
  const s = T5_DEMO_SIZES;
  return {
    _name_or_path: T5_DEMO_NAME_OR_PATH,
    _demo_note:
      "Offline demo model built by `npm run demo-models` (hand-constructed weights, not trained): it copies its input after the task prefix (up to the first ':'). " +
      "Same files, inputs and outputs as Xenova/t5-small; its numbers differ.",
    architectures: ["T5ForConditionalGeneration"],
    d_ff: s.dFf,
    d_kv: s.dKv,
    d_model: s.dModel,
    decoder_start_token_id: T5_SPECIAL_IDS.decoderStart,
    dropout_rate: 0.1,
    eos_token_id: T5_SPECIAL_IDS.eos,
    feed_forward_proj: "relu",
    is_encoder_decoder: true,
    layer_norm_epsilon: s.layerNormEpsilon,
    model_type: "t5",
    n_positions: s.nPositions,
    num_decoder_layers: s.numDecoderLayers,
    num_heads: s.numHeads,
    num_layers: s.numLayers,
    pad_token_id: T5_SPECIAL_IDS.pad,
    tie_word_embeddings: true,
    use_cache: true,
    vocab_size: vocabSize,
  };
}

/** `generation_config.json`: the ids `generate()` starts from and stops at. */
export function demoT5GenerationConfig(): Record<string, unknown> {
  return { decoder_start_token_id: T5_SPECIAL_IDS.decoderStart, eos_token_id: T5_SPECIAL_IDS.eos, pad_token_id: T5_SPECIAL_IDS.pad };
}
