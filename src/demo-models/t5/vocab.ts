import { type UnigramPiece, unigramDemoPieces, UNIGRAM_WORD_LIST_SOURCE } from "../tokenizer/unigram";

export type { UnigramPiece } from "../tokenizer/unigram";

/** Where the demo T5 vocabulary comes from (the shared demo Unigram word list, see `UNIGRAM_WORD_LIST_SOURCE`). */
export const T5_VOCAB_SOURCE = UNIGRAM_WORD_LIST_SOURCE;

/** T5's three special pieces, at the ids T5 gives them: pad (also the decoder start), end of sequence, unknown. */
export const T5_SPECIAL_PIECES = ["<pad>", "</s>", "<unk>"] as const;

/** How many of each kind of piece the demo vocabulary takes from the word list. */
export const T5_VOCAB_COUNTS = { words: 3000, capitalized: 600, continuations: 500 } as const;

/**
 * Words of the workbook's T5 examples that the frequency cut misses; without them `mat` or `summarize`
 * would split into smaller pieces, which is fine for a tokenizer but makes the notebook's tables noisier.
 */
export const T5_EXTRA_WORDS = ["mat", "sofa", "sunny", "summarize", "translate", "sleeping", "purring", "Summarize", "Translate"] as const;

/**
 * The demo T5 model's SentencePiece Unigram vocabulary, index = token id: `<pad>` 0, `</s>` 1, `<unk>` 2,
 * then the shared demo Unigram pieces (see `unigramDemoPieces`) sorted by score, plus `T5_EXTRA_WORDS`.
 */
export function t5DemoVocabulary(): UnigramPiece[] {
  const ordinary = unigramDemoPieces({ counts: T5_VOCAB_COUNTS, extraWords: T5_EXTRA_WORDS });
  return [...T5_SPECIAL_PIECES.map((piece): UnigramPiece => [piece, 0]), ...ordinary];
}
