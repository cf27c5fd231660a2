import { before, after, test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import fc from "fast-check";
import { encode as gpt2Encode } from "gpt-3-encoder";
import { AutoTokenizer, type PreTrainedTokenizer } from "@huggingface/transformers";
import { buildRobertaTokenizerFiles, GPT2_MERGES, ROBERTA_MODEL_MAX_LENGTH, robertaVocab } from "../../src/demo-models/tokenizer";

const COURSE_SENTENCES = ["I've been waiting for a HuggingFace course my whole life.", "I hate this so much!"];

const vocab = robertaVocab();
const dirs: string[] = [];
let tokenizer: PreTrainedTokenizer;

/** Writes the files and a minimal config.json into a fresh temp directory and loads it as a user would. */
async function load(files: Record<string, Uint8Array>): Promise<PreTrainedTokenizer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "roberta-tokenizer-"));
  dirs.push(dir);
  for (const [file, bytes] of Object.entries(files)) fs.writeFileSync(path.join(dir, file), bytes);
  fs.writeFileSync(path.join(dir, "config.json"), JSON.stringify({ model_type: "roberta" }));
  return AutoTokenizer.from_pretrained(dir);
}

const ids = (text: string, options: { add_special_tokens?: boolean; text_pair?: string } = {}) => tokenizer.encode(text, options);

before(async () => {
  tokenizer = await load(buildRobertaTokenizerFiles());
});

after(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

test("transformers.js loads the files as a RobertaTokenizer with <s>=0 <pad>=1 </s>=2 <unk>=3 and <mask> last", () => {
  assert.equal(tokenizer.constructor.name, "RobertaTokenizer");
  assert.equal(vocab.length, 4 + 256 + GPT2_MERGES + 1);
  assert.equal(tokenizer.get_vocab().size, vocab.length);
  const specials = ["<s>", "<pad>", "</s>", "<unk>", "<mask>"].map((token) => tokenizer.convert_tokens_to_ids(token));
  assert.deepEqual(specials, [0, 1, 2, 3, vocab.length - 1]);
  assert.deepEqual(
    [tokenizer.bos_token_id, tokenizer.pad_token_id, tokenizer.eos_token_id, tokenizer.sep_token_id, tokenizer.unk_token_id, tokenizer.mask_token_id],
    [0, 1, 2, 2, 3, vocab.length - 1],
  );
  assert.equal(tokenizer.model_max_length, ROBERTA_MODEL_MAX_LENGTH);
});

test("words become byte-level BPE pieces, Ġ marking a leading space, between <s> and </s>", () => {
  assert.deepEqual(tokenizer.tokenize("Hello world"), ["Hello", "Ġworld"]);
  const encoded = ids("Hello world");
  assert.deepEqual(encoded, [0, vocab.indexOf("Hello"), vocab.indexOf("Ġworld"), 2]);
  assert.equal(tokenizer.decode(encoded), "<s>Hello world</s>");
  assert.deepEqual(tokenizer.tokenize(COURSE_SENTENCES[0]), [
    "I", "'ve", "Ġbeen", "Ġwaiting", "Ġfor", "Ġa", "ĠHug", "ging", "Face", "Ġcourse", "Ġmy", "Ġwhole", "Ġlife", ".",
  ]);
});

test("the ids are GPT-2's own BPE (gpt-3-encoder's encode) shifted past the four specials", () => {
  for (const sentence of [...COURSE_SENTENCES, "Ünïcödé façade — 東京 🤗🤗!!", "  spaces\tand\nnewlines  "]) {
    assert.deepEqual(ids(sentence, { add_special_tokens: false }), gpt2Encode(sentence).map((id) => id + 4), sentence);
  }
  fc.assert(
    fc.property(fc.string({ unit: "grapheme", maxLength: 40 }), (text) => {
      fc.pre(!/<\/?s>|<pad>|<unk>|<mask>/.test(text));
      assert.deepEqual(ids(text, { add_special_tokens: false }), gpt2Encode(text).map((id) => id + 4));
    }),
    { numRuns: 200 },
  );
});

test("emoji, accents and any script get byte pieces, never <unk>, and decode back to the exact text", () => {
  const text = "Café naïve Ngũgĩ 🤗 日本語\u200b";
  const encoded = ids(text);
  assert.ok(!encoded.includes(3), `no <unk> in ${encoded}`);
  assert.ok(tokenizer.tokenize("🤗").length > 1, "an emoji outside the merges is spelled in byte pieces");
  assert.equal(tokenizer.decode(encoded, { skip_special_tokens: true }), text);
  fc.assert(
    fc.property(fc.string({ unit: "grapheme", maxLength: 60 }), (sample) => {
      fc.pre(!/<\/?s>|<pad>|<unk>|<mask>/.test(sample));
      const sampleIds = ids(sample);
      assert.ok(!sampleIds.includes(3));
      assert.equal(tokenizer.decode(sampleIds, { skip_special_tokens: true }), sample);
    }),
    { numRuns: 200 },
  );
});

test("case is kept: Hello and hello are different pieces", () => {
  assert.notDeepEqual(ids("Hello"), ids("hello"));
});

test("a sentence pair is laid out as <s> A </s></s> B </s>", () => {
  const good = vocab.indexOf("good");
  const bad = vocab.indexOf("bad");
  assert.deepEqual(ids("good", { text_pair: "bad" }), [0, good, 2, 2, bad, 2]);
});

test("<mask> is one token and takes the space before it, as in roberta-base", () => {
  assert.deepEqual(tokenizer.tokenize("The <mask> was great."), ["The", "<mask>", "Ġwas", "Ġgreat", "."]);
});

test("padding uses <pad> (1) and a mask of 0; truncation keeps 512 ids starting with <s>", () => {
  const batch = tokenizer(COURSE_SENTENCES, { padding: true, truncation: true });
  const rows = batch.input_ids.tolist().map((row: bigint[]) => row.map(Number));
  const mask = batch.attention_mask.tolist().map((row: bigint[]) => row.map(Number));
  const shortLength = ids(COURSE_SENTENCES[1]).length;
  assert.deepEqual(rows[1].slice(shortLength), Array(rows[1].length - shortLength).fill(1));
  assert.deepEqual(mask[1], rows[1].map((_: number, i: number) => (i < shortLength ? 1 : 0)));
  const long = tokenizer("word ".repeat(1000), { truncation: true });
  assert.deepEqual(long.input_ids.dims, [1, ROBERTA_MODEL_MAX_LENGTH]);
  assert.equal(Number(long.input_ids.data[0]), 0);
});

test("fewer merges give a smaller BPE that still spells every text, with the kept pieces' ids unchanged", async () => {
  const merges = 1000;
  const small = robertaVocab({ merges });
  assert.equal(small.length, 4 + 256 + merges + 1);
  assert.deepEqual(small.slice(0, -1), vocab.slice(0, small.length - 1));
  const smallTokenizer = await load(buildRobertaTokenizerFiles({ merges }));
  assert.equal(smallTokenizer.mask_token_id, small.length - 1);
  for (const sentence of COURSE_SENTENCES) {
    const encoded = smallTokenizer.encode(sentence);
    assert.ok(encoded.every((id) => id >= 0 && id < small.length - 1));
    assert.ok(encoded.length >= ids(sentence).length, "fewer merges never give fewer pieces");
    assert.equal(smallTokenizer.decode(encoded, { skip_special_tokens: true }), sentence);
  }
  assert.deepEqual(smallTokenizer.tokenize("the"), ["the"]);
});

test("a merge count outside 0…50,000 is refused with a clear message", () => {
  assert.throws(() => robertaVocab({ merges: 50_001 }), /merges must be a whole number from 0 to 50000/);
  assert.throws(() => buildRobertaTokenizerFiles({ merges: 1.5 }), /merges must be a whole number/);
});

test("the same options always give the same bytes, the vocabulary written in id order", () => {
  const first = buildRobertaTokenizerFiles();
  const second = buildRobertaTokenizerFiles();
  assert.deepEqual(Object.keys(first), ["tokenizer.json", "tokenizer_config.json", "special_tokens_map.json"]);
  for (const file of Object.keys(first)) assert.ok(Buffer.from(first[file]).equals(Buffer.from(second[file])), file);
  const text = new TextDecoder().decode(first["tokenizer.json"]);
  const vocabSection = text.slice(text.indexOf('"vocab": {'), text.indexOf('"merges": ['));
  const idsInFileOrder = [...vocabSection.matchAll(/^ {6}".*": (\d+),?$/gm)].map((m) => Number(m[1]));
  assert.equal(idsInFileOrder.length, vocab.length);
  assert.ok(idsInFileOrder.every((id, i) => id === i));
  const document = JSON.parse(text);
  assert.equal(document.model.type, "BPE");
  assert.equal(document.model.merges.length, GPT2_MERGES);
  assert.deepEqual(document.post_processor, { type: "RobertaProcessing", sep: ["</s>", 2], cls: ["<s>", 0], trim_offsets: true, add_prefix_space: false });
});
