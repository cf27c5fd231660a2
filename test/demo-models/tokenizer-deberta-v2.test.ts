import { before, after, test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import fc from "fast-check";
import { AutoTokenizer, type PreTrainedTokenizer } from "@huggingface/transformers";
import {
  buildDebertaV2TokenizerFiles, DEBERTA_V2_MODEL_MAX_LENGTH, DEBERTA_V2_VOCAB_COUNTS, debertaV2Vocab,
} from "../../src/demo-models/tokenizer";
import { t5DemoVocabulary, T5_SPECIAL_PIECES } from "../../src/demo-models/t5";

const COURSE_SENTENCES = ["I've been waiting for a HuggingFace course my whole life.", "I hate this so much!"];

const vocab = debertaV2Vocab();
const pieces = vocab.map(([piece]) => piece);
let dir: string;
let tokenizer: PreTrainedTokenizer;

const ids = (text: string, options: { add_special_tokens?: boolean; text_pair?: string } = {}) => tokenizer.encode(text, options);
const idOf = (piece: string) => pieces.indexOf(piece);

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "deberta-v2-tokenizer-"));
  for (const [file, bytes] of Object.entries(buildDebertaV2TokenizerFiles())) fs.writeFileSync(path.join(dir, file), bytes);
  fs.writeFileSync(path.join(dir, "config.json"), JSON.stringify({ model_type: "deberta-v2" }));
  tokenizer = await AutoTokenizer.from_pretrained(dir);
});

after(() => fs.rmSync(dir, { recursive: true, force: true }));

test("transformers.js loads the files as a DebertaV2Tokenizer with [PAD]=0 [CLS]=1 [SEP]=2 [UNK]=3 and [MASK] last", () => {
  assert.equal(tokenizer.constructor.name, "DebertaV2Tokenizer");
  assert.equal(tokenizer.get_vocab().size, vocab.length);
  const specials = ["[PAD]", "[CLS]", "[SEP]", "[UNK]", "[MASK]"].map((token) => tokenizer.convert_tokens_to_ids(token));
  assert.deepEqual(specials, [0, 1, 2, 3, vocab.length - 1]);
  assert.deepEqual([tokenizer.pad_token_id, tokenizer.sep_token_id, tokenizer.unk_token_id, tokenizer.mask_token_id], [0, 2, 3, vocab.length - 1]);
  assert.equal(tokenizer.model_max_length, DEBERTA_V2_MODEL_MAX_LENGTH);
});

test("words become ▁-prefixed SentencePiece pieces between [CLS] and [SEP]", () => {
  assert.deepEqual(tokenizer.tokenize("Hello world"), ["▁Hello", "▁world"]);
  assert.deepEqual(ids("Hello world"), [1, idOf("▁Hello"), idOf("▁world"), 2]);
  assert.equal(tokenizer.decode(ids("Hello world")), "[CLS] Hello world[SEP]");
  const rare = tokenizer.tokenize("Zanzibar");
  assert.ok(rare.length > 1 && rare[0].startsWith("▁") && rare.join("") === "▁Zanzibar", `a word outside the vocabulary: ${rare}`);
  const tokens = tokenizer.tokenize(COURSE_SENTENCES[0]);
  assert.equal(tokens[0], "▁I");
  assert.deepEqual(tokens.slice(tokens.indexOf("▁Hugging"), tokens.indexOf("▁course")), ["▁Hugging", "Face"], tokens.join(" "));
});

test("case is kept, and the course sentences decode back to their exact text", () => {
  assert.notDeepEqual(ids("Hello"), ids("hello"));
  for (const sentence of COURSE_SENTENCES) {
    const encoded = ids(sentence);
    assert.ok(!encoded.includes(3), `no [UNK] in ${sentence}`);
    assert.equal(tokenizer.decode(encoded, { skip_special_tokens: true }), sentence);
  }
});

test("any text of words and digits splits into known pieces (no [UNK]) that decode back to it", () => {
  const word = fc.stringMatching(/^[A-Za-z0-9]{1,12}$/);
  fc.assert(
    fc.property(fc.array(word, { minLength: 1, maxLength: 12 }), (words) => {
      const text = words.join(" ");
      const encoded = ids(text, { add_special_tokens: false });
      assert.ok(!encoded.includes(3), `no [UNK] in ${text}`);
      assert.equal(tokenizer.tokenize(text).filter((piece) => piece.startsWith("▁")).length, words.length, "one ▁ per word");
      assert.equal(tokenizer.decode(encoded), text);
    }),
    { numRuns: 200 },
  );
});

test("spaces at the ends are stripped and runs of spaces collapse to one", () => {
  assert.deepEqual(ids("  good   day  "), ids("good day"));
});

test("characters outside the vocabulary become [UNK] (3); letters outside a word fall back to single characters", () => {
  assert.ok(ids("猫 🤗", { add_special_tokens: false }).every((id) => id === 3 || id === idOf("▁")));
  assert.ok(tokenizer.tokenize("Zyxq").every((piece) => piece.replace("▁", "").length <= 2), tokenizer.tokenize("Zyxq").join(" "));
});

test("a sentence pair is [CLS] A [SEP] B [SEP], token_type_ids 0 for A and 1 for B", () => {
  const pair = tokenizer("good", { text_pair: "bad" });
  assert.deepEqual(Array.from(pair.input_ids.data, Number), [1, idOf("▁good"), 2, idOf("▁bad"), 2]);
  assert.deepEqual(Array.from(pair.token_type_ids!.data, Number), [0, 0, 0, 1, 1]);
});

test("padding uses [PAD] (0) with a mask of 0", () => {
  const batch = tokenizer(COURSE_SENTENCES, { padding: true, truncation: true });
  const rows = batch.input_ids.tolist().map((row: bigint[]) => row.map(Number));
  const mask = batch.attention_mask.tolist().map((row: bigint[]) => row.map(Number));
  const shortLength = ids(COURSE_SENTENCES[1]).length;
  assert.deepEqual(rows[1].slice(shortLength), Array(rows[1].length - shortLength).fill(0));
  assert.deepEqual(mask[1], rows[1].map((_: number, i: number) => (i < shortLength ? 1 : 0)));
});

test("the vocabulary: specials first, pieces by descending score, [MASK] last; the T5 demo shares its pieces", () => {
  assert.deepEqual(pieces.slice(0, 4), ["[PAD]", "[CLS]", "[SEP]", "[UNK]"]);
  assert.equal(pieces.at(-1), "[MASK]");
  const scores = vocab.slice(4, -1).map(([, score]) => score);
  assert.ok(scores.every((s, i) => i === 0 || s <= scores[i - 1]), "scores must not increase");
  assert.ok(vocab.length > DEBERTA_V2_VOCAB_COUNTS.words && vocab.length < 5000);
  const t5Pieces = new Set(t5DemoVocabulary().slice(T5_SPECIAL_PIECES.length).map(([piece]) => piece));
  for (const piece of ["▁the", "▁The", "ing", "."]) assert.ok(t5Pieces.has(piece) && pieces.includes(piece), piece);
});

test("the same vocabulary always gives the same bytes; a bad vocabulary is refused clearly", () => {
  const first = buildDebertaV2TokenizerFiles();
  const second = buildDebertaV2TokenizerFiles(debertaV2Vocab());
  assert.deepEqual(Object.keys(first), ["tokenizer.json", "tokenizer_config.json", "special_tokens_map.json"]);
  for (const file of Object.keys(first)) assert.ok(Buffer.from(first[file]).equals(Buffer.from(second[file])), file);
  assert.throws(() => buildDebertaV2TokenizerFiles([vocab[1], vocab[0], ...vocab.slice(2)]), /id 0 must be \[PAD\]/);
  assert.throws(() => buildDebertaV2TokenizerFiles(vocab.slice(0, -1)), /must be \[MASK\]/);
  assert.throws(() => buildDebertaV2TokenizerFiles([...vocab.slice(0, -1), vocab[10], vocab.at(-1)!]), /appears at ids 10 and/);
});
