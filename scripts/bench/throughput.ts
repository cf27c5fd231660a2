// How throughput grows with batch size, and what sorting by length before batching buys: the same sentences
// classified in input order (each batch padded to its longest sentence) and in length order.
import { Tensor, type PreTrainedModel, type PreTrainedTokenizer } from "@huggingface/transformers";
import { padBatch, paddingTokens, planBatches } from "./batching";
import { checkRepeat, timeOnce, type RepeatOptions } from "./stats";

/** The parts a throughput run needs. */
export interface ThroughputParts {
  readonly tokenizer: PreTrainedTokenizer;
  readonly model: PreTrainedModel;
}

/** One batch size: sentences per second of each strategy (one value per measured run) and their padding. */
export interface BatchSizeThroughput {
  readonly batchSize: number;
  readonly plainPerSecond: number[];
  readonly sortedPerSecond: number[];
  /** Padding positions fed to the model over the whole set, in input order and sorted by length. */
  readonly plainPadding: number;
  readonly sortedPadding: number;
  /** Real (non-padding) tokens in the set, the same for both. */
  readonly realTokens: number;
}

/** Logits per sentence, in input order: what either strategy must hand back. */
type Rows = Float32Array[];

/**
 * Classifies every sentence from text to logits: tokenize all (no padding), cut into batches (input order or
 * sorted by length), pad each batch, run the model, and put the logits back in input order.
 */
export async function classifyInBatches(parts: ThroughputParts, texts: readonly string[], batchSize: number, sortByLength: boolean): Promise<Rows> {
  const { input_ids: ids } = parts.tokenizer([...texts], { padding: false, truncation: true, return_tensor: false }) as unknown as { input_ids: number[][] };
  const batches = planBatches(ids.map((row) => row.length), { batchSize, sortByLength });
  const padId = Number(parts.tokenizer.pad_token_id ?? 0);
  const rows: Rows = new Array(texts.length);
  for (const batch of batches) {
    const padded = padBatch(batch.map((i) => ids[i]), padId);
    const dims = [padded.rows, padded.width];
    const { logits } = await parts.model({ input_ids: new Tensor("int64", padded.inputIds, dims), attention_mask: new Tensor("int64", padded.attentionMask, dims) });
    const labels = logits.dims[1];
    const data = logits.data as Float32Array;
    batch.forEach((sentence, r) => (rows[sentence] = data.slice(r * labels, (r + 1) * labels)));
  }
  return rows;
}

/** Largest difference between two sets of logits rows. */
function largestDifference(a: Rows, b: Rows): number {
  let largest = 0;
  a.forEach((row, i) => row.forEach((v, j) => (largest = Math.max(largest, Math.abs(v - b[i][j])))));
  return largest;
}

/**
 * Sentences per second for each batch size, plain vs sorted by length, measured in alternation. Checks first
 * that sorting changes no logits beyond float noise (padding is masked), so the speed-up is free.
 */
export async function benchThroughput(parts: ThroughputParts, texts: readonly string[], batchSizes: readonly number[], repeat: RepeatOptions): Promise<BatchSizeThroughput[]> {
  checkRepeat(repeat, "benchThroughput");
  const { input_ids: ids } = parts.tokenizer([...texts], { padding: false, truncation: true, return_tensor: false }) as unknown as { input_ids: number[][] };
  const lengths = ids.map((row) => row.length);
  const realTokens = lengths.reduce((a, b) => a + b, 0);
  const results: BatchSizeThroughput[] = [];
  for (const batchSize of batchSizes) {
    const plain = () => classifyInBatches(parts, texts, batchSize, false);
    const sorted = () => classifyInBatches(parts, texts, batchSize, true);
    const difference = largestDifference(await plain(), await sorted());
    if (!(difference < 1e-3)) {
      throw new Error(`batch size ${batchSize}: sorting by length changed the logits by ${difference}; padding is not masked, so the figures would compare different results`);
    }
    // The check above ran both once already: it is the first warm-up run.
    for (let i = 1; i < repeat.warmup; i++) {
      await plain();
      await sorted();
    }
    const plainPerSecond: number[] = [];
    const sortedPerSecond: number[] = [];
    for (let i = 0; i < repeat.runs; i++) {
      const first = i % 2 === 0;
      const perSecond = async (run: () => Promise<Rows>) => texts.length / ((await timeOnce(run)) / 1000);
      if (first) plainPerSecond.push(await perSecond(plain));
      sortedPerSecond.push(await perSecond(sorted));
      if (!first) plainPerSecond.push(await perSecond(plain));
    }
    results.push({
      batchSize,
      plainPerSecond,
      sortedPerSecond,
      plainPadding: paddingTokens(lengths, planBatches(lengths, { batchSize, sortByLength: false })),
      sortedPadding: paddingTokens(lengths, planBatches(lengths, { batchSize, sortByLength: true })),
      realTokens,
    });
  }
  return results;
}
