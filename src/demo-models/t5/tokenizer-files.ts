import { jsonFileBytes } from "../demo-model";
import { checkUnigramVocabulary, METASPACE, unigramModel } from "../tokenizer/unigram";
import { T5_SPECIAL_PIECES, type UnigramPiece } from "./vocab";

export { METASPACE } from "../tokenizer/unigram";

/** Options of `buildT5TokenizerFiles`. */
export interface T5TokenizerOptions {
  /** Longest input (in tokens, `</s>` included) the model accepts; the tokenizer truncates to it when asked. */
  modelMaxLength: number;
}

function checkVocabulary(vocab: readonly UnigramPiece[]): void {
  const specials = new Map(T5_SPECIAL_PIECES.map((piece, id) => [piece, id]));
  checkUnigramVocabulary(vocab, specials, "buildT5TokenizerFiles", "T5's layout; build the vocabulary with t5DemoVocabulary()");
}

/**
 * The `tokenizer.json` of a T5 checkpoint (Hugging Face `tokenizers` format) over a Unigram vocabulary:
 * split on whitespace, mark each word start with `▁`, segment by the best-scoring pieces, append `</s>`.
 * Real T5 files normalize with a precompiled SentencePiece character map; NFKC is its readable stand-in.
 */
function tokenizerDocument(vocab: readonly UnigramPiece[]): Record<string, unknown> {
  const metaspace = { type: "Metaspace", replacement: METASPACE, prepend_scheme: "always", split: true };
  const eos = { SpecialToken: { id: "</s>", type_id: 0 } };
  return {
    version: "1.0",
    truncation: null,
    padding: null,
    added_tokens: T5_SPECIAL_PIECES.map((content, id) => ({
      id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true,
    })),
    normalizer: { type: "NFKC" },
    pre_tokenizer: { type: "Sequence", pretokenizers: [{ type: "WhitespaceSplit" }, metaspace] },
    post_processor: {
      type: "TemplateProcessing",
      single: [{ Sequence: { id: "A", type_id: 0 } }, eos],
      pair: [{ Sequence: { id: "A", type_id: 0 } }, eos, { Sequence: { id: "B", type_id: 0 } }, eos],
      special_tokens: { "</s>": { id: "</s>", ids: [1], tokens: ["</s>"] } },
    },
    decoder: metaspace,
    model: unigramModel(vocab, 2),
  };
}

/** The `tokenizer_config.json` of a T5 checkpoint: which class transformers.js builds, and the special tokens. */
function tokenizerConfig(options: T5TokenizerOptions): Record<string, unknown> {
  return {
    clean_up_tokenization_spaces: true,
    eos_token: "</s>",
    // Real T5 adds 100 sentinel pieces <extra_id_0…99> for its span-corruption pre-training; the demo has none.
    extra_ids: 0,
    model_max_length: options.modelMaxLength,
    pad_token: "<pad>",
    tokenizer_class: "T5Tokenizer",
    unk_token: "<unk>",
  };
}

/**
 * Builds the tokenizer files of a T5 checkpoint from a Unigram vocabulary (index = token id, `<pad>`,
 * `</s>`, `<unk>` first): `tokenizer.json`, `tokenizer_config.json`, `special_tokens_map.json`. Same input, same bytes.
 */
export function buildT5TokenizerFiles(vocab: readonly UnigramPiece[], options: T5TokenizerOptions): Record<string, Uint8Array> {
  checkVocabulary(vocab);
  return {
    "tokenizer.json": jsonFileBytes(tokenizerDocument(vocab)),
    "tokenizer_config.json": jsonFileBytes(tokenizerConfig(options)),
    "special_tokens_map.json": jsonFileBytes({ eos_token: "</s>", pad_token: "<pad>", unk_token: "<unk>" }),
  };
}
