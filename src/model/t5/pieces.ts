import type { PreTrainedTokenizer } from "@huggingface/transformers";

/** SentencePiece's word-start mark, U+2581 ("▁"), which looks like an underscore but is not one. */
export const WORD_START = "\u2581";

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
