import { NEGATIVE_WORDS, NEGATORS, POSITIVE_WORDS } from "../distilbert/lexicon";

/**
 * How a family's tokenizer spells a word start: WordPiece pieces are bare words (continuations carry `##`),
 * byte-level BPE marks a preceding space with `Ġ` (RoBERTa), SentencePiece with `▁` (DeBERTa-v2).
 */
export type Spelling = "wordpiece" | "byte-level-bpe" | "sentencepiece";

/** The lexicon (lexicon.ts) as token ids of one vocabulary, plus the ids of its first and last special tokens. */
export interface LexiconIds {
  positive: Map<number, number>;
  negative: Map<number, number>;
  negators: Set<number>;
  cls: number;
  sep: number;
  /** Lexicon words no piece of the vocabulary spells (they get no sentiment). */
  missing: string[];
}

const WORD_START: Record<Exclude<Spelling, "wordpiece">, string> = { "byte-level-bpe": "Ġ", sentencepiece: "▁" };

/**
 * The lexicon word a cased BPE/SentencePiece piece stands for: the piece without its word-start mark,
 * lower-cased, so "Ġgood", "Good" (sentence start, no space before it) and "▁Good" all read "good".
 * The "'t"/"n't" of "don't" reads "t", as WordPiece's `don ' t` does.
 */
function wordOf(piece: string, spelling: Exclude<Spelling, "wordpiece">): string {
  const mark = WORD_START[spelling];
  const word = (piece.startsWith(mark) ? piece.slice(mark.length) : piece).toLowerCase();
  return /^(n['’]|['’])t$/.test(word) ? "t" : word;
}

function idOf(vocab: readonly string[], piece: string, what: string): number {
  const id = vocab.indexOf(piece);
  if (id < 0) throw new Error(`The vocabulary has no ${what} ${JSON.stringify(piece)}; pass the family's own vocabulary`);
  return id;
}

/**
 * Maps the lexicon onto `vocab` (index = token id). WordPiece needs every lexicon word as an exact piece
 * (bert-base-uncased has them all); BPE and SentencePiece vocabularies are cased, so every piece spelling
 * a lexicon word in any case, with or without the word-start mark, gets its strength. A bare "t" piece is
 * a negator only for WordPiece: elsewhere it is the tail of many words.
 */
export function lexiconIds(vocab: readonly string[], spelling: Spelling, specials: { cls: string; sep: string }): LexiconIds {
  const cls = idOf(vocab, specials.cls, "first special token");
  const sep = idOf(vocab, specials.sep, "last special token");
  const positive = new Map<number, number>();
  const negative = new Map<number, number>();
  const negators = new Set<number>();
  if (spelling === "wordpiece") {
    const ids = new Map(vocab.map((piece, id) => [piece, id]));
    const exact = (word: string) => {
      const id = ids.get(word);
      if (id === undefined) throw new Error(`Demo sentiment lexicon word "${word}" is not a piece of the vocabulary; pass the bert-base-uncased vocabulary (bertUncasedVocab())`);
      return id;
    };
    for (const [word, strength] of Object.entries(POSITIVE_WORDS)) positive.set(exact(word), strength);
    for (const [word, strength] of Object.entries(NEGATIVE_WORDS)) negative.set(exact(word), strength);
    for (const word of NEGATORS) negators.add(exact(word));
    return { positive, negative, negators, cls, sep, missing: [] };
  }
  const found = new Set<string>();
  const negatorWords = new Set(NEGATORS);
  vocab.forEach((piece, id) => {
    const contraction = /^(n['’]|['’])t$/.test(piece);
    // A lower-case piece without the word-start mark is mostly a word's tail ("t" of "cat", "good" of
    // "goodness"); only capitalised bare pieces ("Good" opening a sentence) and "'t" count.
    if (!contraction && !piece.startsWith(WORD_START[spelling]) && piece === piece.toLowerCase()) return;
    const word = wordOf(piece, spelling);
    // Own keys only: "constructor" or "toString" must not read Object.prototype.
    const strengthP = Object.hasOwn(POSITIVE_WORDS, word) ? POSITIVE_WORDS[word] : undefined;
    const strengthN = Object.hasOwn(NEGATIVE_WORDS, word) ? NEGATIVE_WORDS[word] : undefined;
    const negator = negatorWords.has(word) && (word !== "t" || contraction);
    if (strengthP !== undefined) positive.set(id, strengthP);
    if (strengthN !== undefined) negative.set(id, strengthN);
    if (negator) negators.add(id);
    if (strengthP !== undefined || strengthN !== undefined || negator) found.add(word);
  });
  const missing = [...Object.keys(POSITIVE_WORDS), ...Object.keys(NEGATIVE_WORDS), ...NEGATORS].filter((word) => !found.has(word));
  return { positive, negative, negators, cls, sep, missing };
}
