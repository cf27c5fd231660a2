// Batching tokenized sentences for a forward pass: in input order, or sorted by length so each batch holds
// sentences of similar length and needs less padding. Pure functions over token counts and id lists.

/** How to cut a list of sentences into batches. */
export interface BatchPlanOptions {
  /** Sentences per batch (the last batch may be smaller). */
  readonly batchSize: number;
  /** Group sentences of similar token count (sorted by length), instead of keeping input order. */
  readonly sortByLength: boolean;
}

/** Indices of the sentences in each batch, in the order the batches run. Every index appears exactly once. */
export function planBatches(lengths: readonly number[], options: BatchPlanOptions): number[][] {
  const { batchSize } = options;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`batchSize must be an integer ≥ 1; got ${batchSize}`);
  const bad = lengths.findIndex((n) => !Number.isInteger(n) || n < 0);
  if (bad >= 0) throw new RangeError(`lengths[${bad}] must be a token count (an integer ≥ 0); got ${lengths[bad]}`);
  const order = lengths.map((_, i) => i);
  if (!options.sortByLength) return slices(order, [batchSize]);
  // Shortest first, ties in input order; then consecutive runs of the sorted list, with the one short batch
  // (when the count is not a multiple of the size) put where it saves the most padding. Where it goes matters:
  // at either end it can cost more than input order ([1, 1, 5] in twos: the end; [1, 7, 7, 1, 1, 1, 1] in sixes:
  // the start).
  order.sort((a, b) => lengths[a] - lengths[b] || a - b);
  const full = Math.floor(order.length / batchSize);
  const rest = order.length % batchSize;
  if (rest === 0) return slices(order, [batchSize]);
  let best: number[][] = [];
  let bestPadding = Infinity;
  for (let before = 0; before <= full; before++) {
    const sizes = [...Array(before).fill(batchSize), rest, batchSize];
    const batches = slices(order, sizes);
    const padding = paddingTokens(lengths, batches);
    if (padding < bestPadding) [best, bestPadding] = [batches, padding];
  }
  return best;
}

/** Cuts `order` into consecutive slices of the given sizes; the last size repeats until the end. */
function slices(order: readonly number[], sizes: readonly number[]): number[][] {
  const batches: number[][] = [];
  for (let start = 0, k = 0; start < order.length; k++) {
    const size = sizes[Math.min(k, sizes.length - 1)];
    batches.push(order.slice(start, start + size));
    start += size;
  }
  return batches;
}

/** Padding positions the batches need: each batch is padded to its longest sentence. */
export function paddingTokens(lengths: readonly number[], batches: readonly (readonly number[])[]): number {
  let padding = 0;
  for (const batch of batches) {
    const longest = Math.max(0, ...batch.map((i) => lengths[i]));
    for (const i of batch) padding += longest - lengths[i];
  }
  return padding;
}

/** A padded batch as flat row-major arrays, ready to become [rows, width] int64 tensors. */
export interface PaddedBatch {
  readonly inputIds: BigInt64Array;
  readonly attentionMask: BigInt64Array;
  readonly rows: number;
  readonly width: number;
}

/** Right-pads the id lists of one batch to its longest with `padId`; the attention mask is 1 on real tokens. */
export function padBatch(ids: readonly (readonly number[])[], padId: number): PaddedBatch {
  if (ids.length === 0) throw new RangeError("padBatch needs at least one sentence; got an empty batch");
  const width = Math.max(...ids.map((row) => row.length));
  const inputIds = new BigInt64Array(ids.length * width).fill(BigInt(padId));
  const attentionMask = new BigInt64Array(ids.length * width);
  ids.forEach((row, r) => {
    for (let c = 0; c < row.length; c++) {
      inputIds[r * width + c] = BigInt(row[c]);
      attentionMask[r * width + c] = 1n;
    }
  });
  return { inputIds, attentionMask, rows: ids.length, width };
}
