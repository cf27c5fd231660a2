// Many token-id rows → one padded batch → one forward pass → one score per row. Attribution methods
// build their variants as plain id rows and hand them here, so the model runs once, not once per token.
import { Tensor } from "@huggingface/transformers";
import type { TensorLike } from "../tensor/types";

/** What a sequence classifier takes: transformers.js's `model(inputs)` accepts exactly this. */
export interface BatchInputs {
  input_ids: Tensor;
  attention_mask: Tensor;
}

/** One forward pass over a padded batch; returns logits [rows, labels] (`(inputs) => model(inputs)` in transformers.js). */
export type Forward = (inputs: BatchInputs) => Promise<{ logits: TensorLike }>;

/** Turns one row of logits into the number being explained (e.g. logit(POSITIVE) − logit(NEGATIVE)). */
export type ScoreOf = (logits: readonly number[]) => number;

/** The score most attributions explain: logit[positive] − logit[negative] (the softmax of two labels depends on nothing else). */
export function logitDifference(positive = 1, negative = 0): ScoreOf {
  return (row) => {
    if (positive >= row.length || negative >= row.length) {
      throw new RangeError(`logit difference needs labels ${positive} and ${negative}, but the model returns ${row.length} logits per row`);
    }
    return row[positive] - row[negative];
  };
}

/** Pads id rows (right side, like the tokenizer) to one [rows, longest] batch with its attention mask. */
export function padBatch(rows: readonly (readonly number[])[], padId: number): BatchInputs {
  if (rows.length === 0) throw new RangeError("padBatch needs at least one row of token ids");
  const width = Math.max(...rows.map((r) => r.length));
  if (width === 0) throw new RangeError("every row is empty; a row needs at least one token id");
  const ids = new BigInt64Array(rows.length * width).fill(BigInt(padId));
  const mask = new BigInt64Array(rows.length * width);
  rows.forEach((row, r) => row.forEach((id, c) => {
    if (!Number.isInteger(id) || id < 0) throw new RangeError(`row ${r}, position ${c}: token id ${id} is not a non-negative integer`);
    ids[r * width + c] = BigInt(id);
    mask[r * width + c] = 1n;
  }));
  return { input_ids: new Tensor("int64", ids, [rows.length, width]), attention_mask: new Tensor("int64", mask, [rows.length, width]) };
}

/** How `scoreRows` ran: rows scored and forward passes made. */
export interface BatchStats {
  readonly rows: number;
  readonly forwardPasses: number;
}

/**
 * Scores id rows with as few forward passes as possible: all rows in one padded batch, or chunks of
 * `maxBatch` rows when memory needs it. Returns one score per row, in order.
 */
export async function scoreRows(
  forward: Forward, rows: readonly (readonly number[])[], options: { padId: number; score: ScoreOf; maxBatch?: number },
): Promise<{ scores: number[]; stats: BatchStats }> {
  const maxBatch = options.maxBatch ?? Infinity;
  if (!(maxBatch >= 1)) throw new RangeError(`maxBatch must be at least 1; got ${maxBatch}`);
  const scores: number[] = [];
  let forwardPasses = 0;
  for (let start = 0; start < rows.length; start += Math.min(maxBatch, rows.length)) {
    const chunk = rows.slice(start, start + Math.min(maxBatch, rows.length));
    const { logits } = await forward(padBatch(chunk, options.padId));
    forwardPasses++;
    const [n, labels] = logits.dims;
    if (logits.dims.length !== 2 || n !== chunk.length) {
      throw new RangeError(`the forward pass returned logits [${logits.dims.join(", ")}] for ${chunk.length} rows; expected [${chunk.length}, labels]`);
    }
    for (let r = 0; r < n; r++) {
      scores.push(options.score(Array.from({ length: labels }, (_, l) => Number(logits.data[r * labels + l]))));
    }
  }
  return { scores, stats: { rows: rows.length, forwardPasses } };
}
