import type { PreTrainedTokenizer, Tensor } from "@huggingface/transformers";
import { makeTensor } from "../tensor/types";
import { idsTensor, shiftRight } from "./decoder-inputs";
import { seq2seqForward, type T5Runner } from "./forward";

/** One text to score: the encoder input and, optionally, a target whose every token gets a logits row. */
export interface TextPair {
  input: string;
  /** Without a target the decoder gets only the start token, and the result is the first step's logits. */
  target?: string;
}

/** A text cut to the model's limit: which one, which part, and how many tokens it had and kept. */
export interface Truncation {
  index: number;
  part: "input" | "target";
  tokens: number;
  kept: number;
}

/** Logits for one text: [target tokens, vocab], row t scoring `labels[t]` (with no target: one row). */
export interface TextLogits {
  index: number;
  input: string;
  target: string | null;
  /** The target's token ids, `</s>` included (empty without a target). */
  labels: number[];
  decoderInputIds: number[];
  logits: Tensor;
}

/** What `logitsForTexts` returns: one entry per text, what was truncated, how many forward passes it took. */
export interface ManyTextsLogits {
  items: TextLogits[];
  truncated: Truncation[];
  forwardPasses: number;
}

/** The tokenizer and model parts the helper needs. */
export type T5Batcher = T5Runner & { tokenizer: PreTrainedTokenizer };

function pairsOf(texts: readonly (string | TextPair)[]): TextPair[] {
  if (!Array.isArray(texts)) throw new TypeError("logitsForTexts: pass an array of texts (strings or { input, target } pairs)");
  if (texts.length === 0) throw new RangeError("logitsForTexts: the list of texts is empty; pass at least one text");
  return texts.map((t, index) => {
    const pair = typeof t === "string" ? { input: t } : t;
    if (typeof pair?.input !== "string" || (pair.target !== undefined && typeof pair.target !== "string")) {
      throw new TypeError(`logitsForTexts: item ${index} must be a string or { input: string, target?: string }; got ${JSON.stringify(t)}`);
    }
    return pair;
  });
}

/** Token ids of `text` (`</s>` appended), cut to `limit` tokens as transformers.js's truncation does, noting any cut. */
function tokenize(tokenizer: PreTrainedTokenizer, text: string, limit: number, where: Omit<Truncation, "tokens" | "kept">, truncated: Truncation[]): number[] {
  const ids = tokenizer.encode(text);
  if (ids.length <= limit) return ids;
  truncated.push({ ...where, tokens: ids.length, kept: limit });
  return ids.slice(0, limit);
}

function padRows(rows: number[][], pad: number): number[][] {
  const width = Math.max(...rows.map((r) => r.length));
  return rows.map((r) => [...r, ...Array<number>(width - r.length).fill(pad)]);
}

/** Tokenizes, pads and runs one batch; returns each text's logits cut back to its own target length. */
async function runBatch(t5: T5Batcher, pairs: readonly TextPair[], offset: number, truncated: Truncation[]): Promise<TextLogits[]> {
  const { maxInputTokens, padTokenId, decoderStartTokenId } = t5.spec;
  const inputs = pairs.map((p, k) => tokenize(t5.tokenizer, p.input, maxInputTokens, { index: offset + k, part: "input" }, truncated));
  const labels = pairs.map((p, k) => (p.target === undefined ? [] : tokenize(t5.tokenizer, p.target, maxInputTokens, { index: offset + k, part: "target" }, truncated)));
  const decoderRows = labels.map((l) => (l.length === 0 ? [decoderStartTokenId] : shiftRight(l, decoderStartTokenId)));
  // Right padding with the pad token: the encoder ignores it through the attention mask, and the decoder's
  // causal mask means a padded tail cannot change the rows before it, which are the only ones kept.
  const inputIds = idsTensor(padRows(inputs, padTokenId));
  const attentionMask = idsTensor(padRows(inputs.map((r) => r.map(() => 1)), 0));
  const { logits } = await seq2seqForward(t5, { input_ids: inputIds, attention_mask: attentionMask, decoder_input_ids: idsTensor(padRows(decoderRows, padTokenId)) });
  const [, width, vocab] = logits.dims;
  const data = logits.data as Float32Array;
  return pairs.map((p, k) => {
    const rows = decoderRows[k].length;
    const start = k * width * vocab;
    return {
      index: offset + k,
      input: p.input,
      target: p.target ?? null,
      labels: labels[k],
      decoderInputIds: decoderRows[k],
      logits: makeTensor("float32", data.slice(start, start + rows * vocab), [rows, vocab]),
    };
  });
}

/**
 * Logits for many texts without labels, in one batched forward pass per `batchSize` texts (default: all
 * at once): inputs padded with an attention mask, targets shifted right behind the start token. Texts
 * longer than the model's limit are truncated and listed in `truncated` (and passed to `warn`), never
 * silently; note that the cut also drops the closing `</s>`.
 */
export async function logitsForTexts(
  t5: T5Batcher,
  texts: readonly (string | TextPair)[],
  options: { batchSize?: number; warn?: (line: string) => void } = {},
): Promise<ManyTextsLogits> {
  const pairs = pairsOf(texts);
  const batchSize = options.batchSize ?? pairs.length;
  if (!(Number.isInteger(batchSize) && batchSize >= 1)) throw new RangeError(`logitsForTexts: batchSize must be a positive integer; got ${batchSize}`);
  const truncated: Truncation[] = [];
  const items: TextLogits[] = [];
  let forwardPasses = 0;
  for (let offset = 0; offset < pairs.length; offset += batchSize) {
    items.push(...(await runBatch(t5, pairs.slice(offset, offset + batchSize), offset, truncated)));
    forwardPasses++;
  }
  const warn = options.warn ?? ((line: string) => console.warn(line));
  for (const t of truncated) warn(`Text ${t.index}: its ${t.part} has ${t.tokens} tokens, more than the model's ${t5.spec.maxInputTokens}; kept the first ${t.kept} (the closing </s> is cut too).`);
  return { items, truncated, forwardPasses };
}

/** Batched vs one-by-one: the largest logit difference between the two, and both wall times. */
export interface BatchVsLoop {
  maxAbsDifference: number;
  /** Fastest of the timed runs of the batched call, in milliseconds. */
  batchMs: number;
  /** Fastest of the timed runs of the loop, in milliseconds. */
  loopMs: number;
  /** loopMs / batchMs: how many times faster the batch was. */
  speedup: number;
  batched: ManyTextsLogits;
  looped: ManyTextsLogits;
}

async function fastest(repeats: number, run: () => Promise<ManyTextsLogits>): Promise<{ ms: number; result: ManyTextsLogits }> {
  let best = { ms: Infinity, result: undefined as ManyTextsLogits | undefined };
  for (let r = 0; r < repeats; r++) {
    const started = performance.now();
    const result = await run();
    const ms = performance.now() - started;
    if (ms < best.ms) best = { ms, result };
  }
  return { ms: best.ms, result: best.result! };
}

/**
 * Runs the same texts as one batch and one at a time and compares logits and time. Each way runs
 * `repeats` times (default 3) after an untimed warm-up and keeps its fastest time, so a busy machine
 * disturbs the ratio less.
 */
export async function compareBatchToLoop(
  t5: T5Batcher,
  texts: readonly (string | TextPair)[],
  options: { warn?: (line: string) => void; repeats?: number } = {},
): Promise<BatchVsLoop> {
  const repeats = options.repeats ?? 3;
  if (!(Number.isInteger(repeats) && repeats >= 1)) throw new RangeError(`compareBatchToLoop: repeats must be a positive integer; got ${repeats}`);
  const quiet = { warn: () => undefined };
  const batched = await logitsForTexts(t5, texts, options);
  const batchRun = await fastest(repeats, () => logitsForTexts(t5, texts, quiet));
  const loopRun = await fastest(repeats, () => logitsForTexts(t5, texts, { ...quiet, batchSize: 1 }));
  const looped = loopRun.result;
  let maxAbsDifference = 0;
  batched.items.forEach((item, k) => {
    const a = item.logits.data as Float32Array;
    const b = looped.items[k].logits.data as Float32Array;
    if (a.length !== b.length) throw new Error(`compareBatchToLoop: text ${k} gave ${a.length} logits batched but ${b.length} alone`);
    for (let i = 0; i < a.length; i++) maxAbsDifference = Math.max(maxAbsDifference, Math.abs(a[i] - b[i]));
  });
  return { maxAbsDifference, batchMs: batchRun.ms, loopMs: loopRun.ms, speedup: loopRun.ms / batchRun.ms, batched, looped };
}
