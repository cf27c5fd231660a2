import { before, after, test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import fc from "fast-check";
import { AutoTokenizer, type PreTrainedTokenizer } from "@huggingface/transformers";
import { bertUncasedVocab, buildBertTokenizerFiles, MODEL_MAX_LENGTH } from "../../src/demo-models/tokenizer";

const COURSE_SENTENCES = ["I've been waiting for a HuggingFace course my whole life.", "I hate this so much!"];

const vocab = bertUncasedVocab();
let dir: string;
let tokenizer: PreTrainedTokenizer;

const ids = (text: string, options: { add_special_tokens?: boolean } = {}) => tokenizer.encode(text, options);
const idOf = (piece: string) => vocab.indexOf(piece);

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "bert-tokenizer-"));
  for (const [file, bytes] of Object.entries(buildBertTokenizerFiles(vocab))) fs.writeFileSync(path.join(dir, file), bytes);
  tokenizer = await AutoTokenizer.from_pretrained(dir);
});

after(() => fs.rmSync(dir, { recursive: true, force: true }));

test("transformers.js loads the files as a DistilBertTokenizer with the BERT special-token ids", () => {
  assert.equal(tokenizer.constructor.name, "DistilBertTokenizer");
  const vocabulary: Map<string, number> = tokenizer.get_vocab();
  assert.equal(vocabulary.size, vocab.length);
  assert.deepEqual(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"].map((token) => vocabulary.get(token)), [0, 100, 101, 102, 103]);
  assert.deepEqual([tokenizer.pad_token_id, tokenizer.unk_token_id, tokenizer.sep_token_id, tokenizer.mask_token_id], [0, 100, 102, 103]);
  assert.equal(tokenizer.model_max_length, MODEL_MAX_LENGTH);
});

test("the course sentences give exactly the course's input_ids and attention_mask", () => {
  const batch = tokenizer(COURSE_SENTENCES, { padding: true, truncation: true });
  assert.equal(batch.input_ids.type, "int64");
  assert.deepEqual(batch.input_ids.dims, [2, 16]);
  assert.deepEqual(batch.input_ids.tolist().map((row: bigint[]) => row.map(Number)), [
    [101, 1045, 1005, 2310, 2042, 3403, 2005, 1037, 17662, 12172, 2607, 2026, 2878, 2166, 1012, 102],
    [101, 1045, 5223, 2023, 2061, 2172, 999, 102, 0, 0, 0, 0, 0, 0, 0, 0],
  ]);
  assert.deepEqual(batch.attention_mask.tolist().map((row: bigint[]) => row.map(Number)), [
    Array(16).fill(1),
    [...Array(8).fill(1), ...Array(8).fill(0)],
  ]);
});

test("HuggingFace splits into the word pieces hugging and ##face", () => {
  assert.deepEqual(tokenizer.tokenize("HuggingFace"), ["hugging", "##face"]);
});

test("decoding the course sentences gives back their lowercased text", () => {
  for (const sentence of COURSE_SENTENCES) {
    assert.equal(tokenizer.decode(ids(sentence), { skip_special_tokens: true }), sentence.toLowerCase());
  }
  assert.equal(tokenizer.decode(ids(COURSE_SENTENCES[1])), "[CLS] i hate this so much! [SEP]");
});

test("any sequence of whole-word vocabulary entries encodes to their own ids and decodes back unchanged", () => {
  const words = vocab.filter((piece, id) => id >= 999 && /^[a-z]{2,}$/.test(piece));
  fc.assert(
    fc.property(fc.array(fc.constantFrom(...words), { minLength: 1, maxLength: 20 }), (sample) => {
      const text = sample.join(" ");
      const encoded = ids(text, { add_special_tokens: false });
      assert.deepEqual(encoded, sample.map(idOf));
      assert.equal(tokenizer.decode(encoded), text);
    }),
    { numRuns: 300 },
  );
});

test("accents are stripped and case is folded, as in bert-base-uncased", () => {
  assert.deepEqual(ids("Héllo Wörld, CAFÉ naïve"), ids("hello world, cafe naive"));
});

test("each Chinese character becomes a token of its own, even without spaces", () => {
  const tokens = tokenizer.tokenize("日本語中文");
  assert.deepEqual(tokens, ["日", "本", "語", "中", "文"]);
  assert.ok(tokens.every((token) => idOf(token) > 0), "every character is in the vocabulary");
});

test("emoji that are not in the vocabulary become [UNK]", () => {
  assert.deepEqual(tokenizer.tokenize("I 🤗 it"), ["i", "[UNK]", "it"]);
  assert.equal(ids("🤗", { add_special_tokens: false })[0], tokenizer.unk_token_id);
});

test("punctuation is split off into tokens of its own", () => {
  assert.deepEqual(tokenizer.tokenize("Wait...what?!(yes)"), ["wait", ".", ".", ".", "what", "?", "!", "(", "yes", ")"]);
});

test("control and zero-width characters are removed and whitespace runs collapse", () => {
  assert.deepEqual(ids("\u0000good\u200b \t\r\n  day"), ids("good day"));
});

test("a word longer than 100 characters becomes one [UNK]; at 100 it is still split into pieces", () => {
  assert.deepEqual(ids("a".repeat(101)), [101, 100, 102]);
  const pieces = tokenizer.tokenize("a".repeat(100));
  assert.ok(pieces.length > 1 && !pieces.includes("[UNK]"));
  assert.equal(tokenizer.decode(ids("a".repeat(100)), { skip_special_tokens: true }), "a".repeat(100));
});

test("truncation cuts long text to model_max_length (512) tokens, starting with [CLS]", () => {
  const batch = tokenizer("word ".repeat(1000), { truncation: true });
  assert.deepEqual(batch.input_ids.dims, [1, MODEL_MAX_LENGTH]);
  // transformers.js cuts after adding the special tokens, so (unlike Python) the last one is a word, not [SEP].
  assert.equal(Number(batch.input_ids.tolist()[0][0]), 101);
});

test("a sentence pair is laid out as [CLS] A [SEP] B [SEP]", () => {
  const encoded = tokenizer.encode("good movie", { text_pair: "bad film" });
  assert.deepEqual(encoded, [101, idOf("good"), idOf("movie"), 102, idOf("bad"), idOf("film"), 102]);
});

test("the same vocabulary always gives the same bytes", () => {
  const first = buildBertTokenizerFiles(vocab);
  const second = buildBertTokenizerFiles(bertUncasedVocab());
  assert.deepEqual(Object.keys(first), Object.keys(second));
  for (const file of Object.keys(first)) assert.ok(Buffer.from(first[file]).equals(Buffer.from(second[file])), file);
});

test("tokenizer.json lists the vocabulary in id order, as the Rust tokenizers library writes it", () => {
  const text = new TextDecoder().decode(buildBertTokenizerFiles(vocab)["tokenizer.json"]);
  const vocabSection = text.slice(text.indexOf('"vocab": {'));
  const idsInFileOrder = [...vocabSection.matchAll(/^ {6}".*": (\d+),?$/gm)].map((m) => Number(m[1]));
  assert.equal(idsInFileOrder.length, vocab.length);
  assert.ok(idsInFileOrder.every((id, i) => id === i));
});

test("a vocabulary without the special tokens or with a duplicate piece is refused with a clear message", () => {
  assert.throws(() => buildBertTokenizerFiles(vocab.filter((piece) => piece !== "[CLS]")), /no \[CLS\] entry/);
  assert.throws(() => buildBertTokenizerFiles([...vocab, "the"]), /"the" appears at ids \d+ and 30522/);
});
