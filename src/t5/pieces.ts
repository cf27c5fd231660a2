import type { PreTrainedTokenizer } from "@huggingface/transformers";

/** SentencePiece's word-start mark, U+2581 ("▁"), which looks like an underscore but is not one. */
export const WORD_START = "\u2581";

/** What looking a spelling up in the vocabulary found, and why, in one sentence. */
export interface PieceLookup {
  spelling: string;
  id: number | null;
  explanation: string;
}

function vocabularyOf(tokenizer: PreTrainedTokenizer): Map<string, number> {
  return tokenizer.get_vocab() as Map<string, number>;
}

const piecesByTokenizer = new WeakMap<PreTrainedTokenizer, string[]>();

/** Every piece of the vocabulary, index = token id (transformers.js 4 only maps pieces to ids; this is the reverse). */
function piecesOf(tokenizer: PreTrainedTokenizer): string[] {
  let pieces = piecesByTokenizer.get(tokenizer);
  if (!pieces) {
    pieces = [];
    for (const [piece, id] of vocabularyOf(tokenizer)) pieces[id] = piece;
    piecesByTokenizer.set(tokenizer, pieces);
  }
  return pieces;
}

/** The tokenizer's piece for `id`, or a marker for ids no piece uses (T5's LM head has a few more rows than pieces). */
export function pieceOf(tokenizer: PreTrainedTokenizer, id: number): string {
  return piecesOf(tokenizer)[id] ?? `<no piece: id ${id}>`;
}

/**
 * Looks `spelling` up as a vocabulary piece and explains the result. Searching a SentencePiece
 * vocabulary for `" cat"` (with a space) finds nothing: the space before a word is written `▁`, so
 * the piece is `▁cat`; a bare `cat` is the piece for "cat" inside a longer word.
 */
export function lookupPiece(tokenizer: PreTrainedTokenizer, spelling: string): PieceLookup {
  const vocabulary = vocabularyOf(tokenizer);
  const id = vocabulary.get(spelling);
  const shown = JSON.stringify(spelling);
  if (id !== undefined) {
    const where = spelling.startsWith(WORD_START) ? "starts a word" : "continues a word (no ▁ in front)";
    return { spelling, id, explanation: `${shown} is piece ${id}; it ${where}.` };
  }
  if (/^\s/.test(spelling)) {
    const marked = WORD_START + spelling.trimStart();
    const markedId = vocabulary.get(marked);
    const fix = markedId !== undefined ? `the piece is ${JSON.stringify(marked)} (id ${markedId})` : `and ${JSON.stringify(marked)} is not a piece either; tokenize the word to see its pieces`;
    return { spelling, id: null, explanation: `${shown} is not in the vocabulary: SentencePiece writes the space before a word as ▁ (U+2581), so ${fix}.` };
  }
  return { spelling, id: null, explanation: `${shown} is not in the vocabulary; tokenize the text to see which pieces it is split into.` };
}

/** Where a word's pieces occur in a row of token ids. */
export interface WordPosition {
  word: string;
  /** The pieces the tokenizer makes of the word after a space (e.g. ["▁cat"]). */
  pieces: string[];
  pieceIds: number[];
  /** Index in `ids` of the word's first piece. */
  position: number;
}

/** Raised when a word's pieces do not occur in the ids; the message lists the pieces that are there. */
export class WordNotFoundError extends Error {
  override name = "WordNotFoundError";
}

/**
 * Finds `word` in a row of token ids through the tokenizer's own pieces: the word is tokenized the way it
 * appears after a space (`cat` → `▁cat`) and that piece sequence is searched for. Throws
 * WordNotFoundError naming the pieces present when it is not there (e.g. "cats" is `▁cat` + `s`).
 */
export function findWord(tokenizer: PreTrainedTokenizer, ids: readonly (number | bigint)[], word: string): WordPosition {
  const trimmed = word.trim();
  if (trimmed === "" || /\s/.test(trimmed)) throw new RangeError(`findWord: give one word without spaces; got ${JSON.stringify(word)}`);
  const pieceIds = tokenizer.encode(trimmed, { add_special_tokens: false });
  const pieces = pieceIds.map((id) => pieceOf(tokenizer, id));
  const row = ids.map(Number);
  for (let start = 0; start + pieceIds.length <= row.length; start++) {
    if (pieceIds.every((id, k) => row[start + k] === id)) return { word: trimmed, pieces, pieceIds, position: start };
  }
  const present = row.map((id) => JSON.stringify(pieceOf(tokenizer, id))).join(" ");
  throw new WordNotFoundError(
    `The pieces of ${JSON.stringify(trimmed)} (${pieces.map((p) => JSON.stringify(p)).join(" + ")}) do not occur in these ids; ` +
      `they hold ${present}. Search for one of those pieces, or for a word the text contains as a whole word.`,
  );
}
