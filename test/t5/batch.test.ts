import { test } from "node:test";
import assert from "node:assert/strict";
import { compareBatchToLoop, idsTensor, logitsForTexts, seq2seqForward, shiftRight } from "../../src/t5";
import { useDemoT5 } from "./helpers";

const t5 = useDemoT5();
const TEXTS = [
  { input: "summarize: The cat sat on the mat.", target: "The cat sat on the mat." },
  { input: "translate English to German: The weather is sunny today and the children play in the park.", target: "The weather is sunny." },
  { input: "I love this movie" },
  { input: "summarize: A short one.", target: "A short one." },
];
const quiet = { warn: () => undefined };

test("one batched call gives each text the same logits as running it alone (within 1e-5)", async () => {
  const result = await compareBatchToLoop(t5.current, TEXTS, { repeats: 1 });
  assert.ok(result.maxAbsDifference <= 1e-5, `largest difference ${result.maxAbsDifference}`);
  assert.equal(result.batched.forwardPasses, 1);
  assert.equal(result.looped.forwardPasses, TEXTS.length);
  assert.ok(result.batchMs > 0 && result.loopMs > 0 && Math.abs(result.speedup - result.loopMs / result.batchMs) < 1e-9);
});

test("each text's logits match a direct forward pass on that text, cut to its own target length", async () => {
  const { items } = await logitsForTexts(t5.current, TEXTS, quiet);
  for (const [k, item] of items.entries()) {
    const labels = TEXTS[k].target === undefined ? [] : t5.current.tokenizer.encode(TEXTS[k].target!);
    assert.deepEqual(item.labels, labels);
    const rows = Math.max(labels.length, 1);
    assert.deepEqual(item.logits.dims, [rows, t5.current.spec.vocabSize]);
    const { input_ids, attention_mask } = t5.current.tokenizer(TEXTS[k].input);
    const decoder = labels.length ? shiftRight(labels, 0) : [0];
    assert.deepEqual(item.decoderInputIds, decoder);
    const { logits } = await seq2seqForward(t5.current, { input_ids, attention_mask, decoder_input_ids: idsTensor([decoder]) });
    const direct = logits.data as Float32Array;
    const worst = Math.max(...Array.from(item.logits.data as Float32Array, (v, i) => Math.abs(v - direct[i])));
    assert.ok(worst <= 1e-5, `text ${k}: ${worst}`);
  }
});

test("the batch is padded like the tokenizer's own padding: pad id 0 and a 0/1 attention mask", async () => {
  const inputs = TEXTS.map((t) => t.input);
  const reference = t5.current.tokenizer(inputs, { padding: true, truncation: true });
  const seen: { input_ids: number[][]; attention_mask: number[][] }[] = [];
  const spy = { ...t5.current, model: Object.assign(async (feeds: Record<string, { tolist(): bigint[][] }>) => {
    seen.push({ input_ids: feeds.input_ids.tolist().map((r) => r.map(Number)), attention_mask: feeds.attention_mask.tolist().map((r) => r.map(Number)) });
    return t5.current.model(feeds);
  }, { generate: t5.current.model.generate }) } as unknown as typeof t5.current;
  await logitsForTexts(spy, inputs, quiet);
  assert.deepEqual(seen[0].input_ids, reference.input_ids.tolist().map((r: bigint[]) => r.map(Number)));
  assert.deepEqual(seen[0].attention_mask, reference.attention_mask.tolist().map((r: bigint[]) => r.map(Number)));
});

test("batchSize splits the texts into several forward passes with the same results", async () => {
  const whole = await logitsForTexts(t5.current, TEXTS, quiet);
  const pairs = await logitsForTexts(t5.current, TEXTS, { ...quiet, batchSize: 2 });
  assert.equal(pairs.forwardPasses, 2);
  pairs.items.forEach((item, k) => assert.equal(item.index, k));
  const worst = Math.max(...pairs.items.flatMap((item, k) => Array.from(item.logits.data as Float32Array, (v, i) => Math.abs(v - (whole.items[k].logits.data as Float32Array)[i]))));
  assert.ok(worst <= 1e-5);
  await assert.rejects(logitsForTexts(t5.current, TEXTS, { batchSize: 0 }), /batchSize must be a positive integer/);
});

test("a text longer than the model's limit is truncated, reported and warned about", async () => {
  const long = Array.from({ length: 200 }, () => "cat").join(" ");
  const warnings: string[] = [];
  const result = await logitsForTexts(t5.current, [{ input: long, target: long }, "short"], { warn: (line) => warnings.push(line) });
  const limit = t5.current.spec.maxInputTokens;
  assert.deepEqual(result.truncated, [
    { index: 0, part: "input", tokens: 201, kept: limit },
    { index: 0, part: "target", tokens: 201, kept: limit },
  ]);
  assert.equal(warnings.length, 2);
  assert.match(warnings[0], new RegExp(`Text 0: its input has 201 tokens, more than the model's ${limit}; kept the first ${limit} \\(the closing </s> is cut too\\)`));
  assert.deepEqual(result.items[0].logits.dims, [limit, t5.current.spec.vocabSize]);
});

test("an empty list, or an item that is not text, is refused with a clear message", async () => {
  await assert.rejects(logitsForTexts(t5.current, []), /list of texts is empty/);
  await assert.rejects(logitsForTexts(t5.current, [{ target: "x" } as never]), /item 0 must be a string or \{ input: string, target\?: string \}/);
  await assert.rejects(logitsForTexts(t5.current, "not a list" as never), /pass an array/);
});

test("compareBatchToLoop keeps the fastest of its repeats and refuses a repeat count below one", async () => {
  const result = await compareBatchToLoop(t5.current, TEXTS.slice(0, 2), { repeats: 2 });
  assert.ok(Number.isFinite(result.batchMs) && Number.isFinite(result.loopMs));
  await assert.rejects(compareBatchToLoop(t5.current, TEXTS, { repeats: 0 }), /repeats must be a positive integer/);
});
