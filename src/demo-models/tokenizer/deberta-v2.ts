import { jsonFileBytes } from "../demo-model";
import { checkUnigramVocabulary, METASPACE, type UnigramPiece, unigramDemoPieces, unigramModel } from "./unigram";

/** DeBERTa-v3's special pieces before the SentencePiece pieces, at their ids. `[MASK]` comes last. */
export const DEBERTA_V2_SPECIAL_TOKENS = ["[PAD]", "[CLS]", "[SEP]", "[UNK]"] as const;

/** The mask token, which DeBERTa-v3 appends after every SentencePiece piece. */
export const DEBERTA_V2_MASK_TOKEN = "[MASK]";

/** Longest sequence (in tokens, `[CLS]` and `[SEP]` included) the demo accepts, as deberta-v3-base's 512 positions. */
export const DEBERTA_V2_MODEL_MAX_LENGTH = 512;

/** How many of each kind of piece the demo DeBERTa vocabulary takes from the shared word list (as the T5 demo). */
export const DEBERTA_V2_VOCAB_COUNTS = { words: 3000, capitalized: 600, continuations: 500 } as const;

/** Words of the workbook's examples that the frequency cut misses, so they stay one piece each. */
export const DEBERTA_V2_EXTRA_WORDS = ["Hello", "Hugging", "wonderful", "boring", "terrible", "awesome"] as const;

/** Word endings the cut misses: `Face`, so that HuggingFace is `▁Hugging` `Face`, as deberta-v3-base cuts it. */
export const DEBERTA_V2_EXTRA_CONTINUATIONS = ["Face"] as const;

/**
 * The demo DeBERTa-v2 (v3-style) SentencePiece Unigram vocabulary, index = token id: `[PAD]` 0, `[CLS]` 1,
 * `[SEP]` 2, `[UNK]` 3, the shared demo Unigram pieces by descending score (cased: DeBERTa-v3 keeps case),
 * then `[MASK]`. Scores are log-probabilities; the specials get 0, as SentencePiece writes control pieces.
 */
export function debertaV2Vocab(): UnigramPiece[] {
  const ordinary = unigramDemoPieces({
    counts: DEBERTA_V2_VOCAB_COUNTS, extraWords: DEBERTA_V2_EXTRA_WORDS, extraContinuations: DEBERTA_V2_EXTRA_CONTINUATIONS,
  });
  const special = (piece: string): UnigramPiece => [piece, 0];
  return [...DEBERTA_V2_SPECIAL_TOKENS.map(special), ...ordinary, special(DEBERTA_V2_MASK_TOKEN)];
}

function checkVocabulary(vocab: readonly UnigramPiece[]): void {
  const specials = new Map<string, number>(DEBERTA_V2_SPECIAL_TOKENS.map((piece, id) => [piece, id]));
  specials.set(DEBERTA_V2_MASK_TOKEN, vocab.length - 1);
  checkUnigramVocabulary(vocab, specials, "buildDebertaV2TokenizerFiles", "DeBERTa-v3's layout; build the vocabulary with debertaV2Vocab()");
}

/**
 * The `tokenizer.json` of a DeBERTa-v3 checkpoint over a Unigram vocabulary, as transformers' converter writes it:
 * strip the ends, collapse runs of spaces, mark each word start with `▁`, segment by the best-scoring pieces,
 * wrap in `[CLS]` … `[SEP]`. Real files normalize with a precompiled SentencePiece character map; NFKC is its
 * readable stand-in.
 */
function tokenizerDocument(vocab: readonly UnigramPiece[]): Record<string, unknown> {
  const id = (token: string) => vocab.findIndex(([piece]) => piece === token);
  const metaspace = { type: "Metaspace", replacement: METASPACE, prepend_scheme: "always", split: true };
  const special = (token: string, typeId: number) => ({ SpecialToken: { id: token, type_id: typeId } });
  const sequence = (name: "A" | "B", typeId: number) => ({ Sequence: { id: name, type_id: typeId } });
  return {
    version: "1.0",
    truncation: null,
    padding: null,
    added_tokens: [...DEBERTA_V2_SPECIAL_TOKENS, DEBERTA_V2_MASK_TOKEN].map((content) => ({
      id: id(content), content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true,
    })),
    normalizer: {
      type: "Sequence",
      normalizers: [
        { type: "Strip", strip_left: true, strip_right: true },
        { type: "NFKC" },
        { type: "Replace", pattern: { Regex: " {2,}" }, content: " " },
      ],
    },
    pre_tokenizer: metaspace,
    post_processor: {
      type: "TemplateProcessing",
      single: [special("[CLS]", 0), sequence("A", 0), special("[SEP]", 0)],
      pair: [special("[CLS]", 0), sequence("A", 0), special("[SEP]", 0), sequence("B", 1), special("[SEP]", 1)],
      special_tokens: {
        "[CLS]": { id: "[CLS]", ids: [id("[CLS]")], tokens: ["[CLS]"] },
        "[SEP]": { id: "[SEP]", ids: [id("[SEP]")], tokens: ["[SEP]"] },
      },
    },
    decoder: metaspace,
    model: unigramModel(vocab, id("[UNK]")),
  };
}

/** The `tokenizer_config.json` of a DeBERTa-v3 checkpoint: the class transformers.js builds and the special tokens. */
function tokenizerConfig(): Record<string, unknown> {
  return {
    bos_token: "[CLS]",
    clean_up_tokenization_spaces: true,
    cls_token: "[CLS]",
    do_lower_case: false,
    eos_token: "[SEP]",
    mask_token: DEBERTA_V2_MASK_TOKEN,
    model_max_length: DEBERTA_V2_MODEL_MAX_LENGTH,
    pad_token: "[PAD]",
    sep_token: "[SEP]",
    split_by_punct: false,
    tokenizer_class: "DebertaV2Tokenizer",
    unk_token: "[UNK]",
    vocab_type: "spm",
  };
}

/**
 * Builds the tokenizer files of a DeBERTa-v3 checkpoint (model_type "deberta-v2") from `debertaV2Vocab()`:
 * `tokenizer.json`, `tokenizer_config.json`, `special_tokens_map.json`. Same vocabulary, same bytes.
 */
export function buildDebertaV2TokenizerFiles(vocab: readonly UnigramPiece[] = debertaV2Vocab()): Record<string, Uint8Array> {
  checkVocabulary(vocab);
  return {
    "tokenizer.json": jsonFileBytes(tokenizerDocument(vocab)),
    "tokenizer_config.json": jsonFileBytes(tokenizerConfig()),
    "special_tokens_map.json": jsonFileBytes({
      bos_token: "[CLS]", cls_token: "[CLS]", eos_token: "[SEP]", mask_token: DEBERTA_V2_MASK_TOKEN, pad_token: "[PAD]", sep_token: "[SEP]", unk_token: "[UNK]",
    }),
  };
}
