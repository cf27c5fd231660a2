// "Undoing" a softmax. log(softmax(z)) = z − logsumexp(z): the log of the probabilities is the logits shifted by
// a different constant in every row, and once float32 has rounded a probability to 0 (or every other one to
// 0, so the top one to 1) the information is gone.
import type { Tensor } from "@huggingface/transformers";
import { makeTensor, type TensorLike } from "./types";
import { rowsOf } from "./rows";

/** log(p) of every probability, in float64: the logits up to a per-row constant, −Infinity where p is exactly 0. */
export function logOfProbabilities(probabilities: TensorLike): Tensor {
  const rows = rowsOf(probabilities, "probabilities", "logOfProbabilities");
  const bad = rows.flat().find((p) => !(p >= 0 && p <= 1));
  if (bad !== undefined) throw new RangeError(`logOfProbabilities needs probabilities in [0, 1]; got ${bad}. Pass the model's softmax output, not its logits.`);
  return makeTensor("float64", Float64Array.from(rows.flat(), Math.log), probabilities.dims);
}

/** How one row of a candidate differs from the true logits: by a constant (`spread` ≈ 0) or not. */
export interface RowShift {
  /** Mean of candidate − logits over the row (−Infinity or NaN once a value is not finite). */
  readonly shift: number;
  /** Largest minus smallest of candidate − logits over the row: 0 when they differ by a constant. */
  readonly spread: number;
}

/** Per row, candidate − logits: its mean (the shift) and its range (how far it is from a constant). */
export function perRowShift(candidate: TensorLike, logits: TensorLike): RowShift[] {
  const a = rowsOf(candidate, "candidate", "perRowShift");
  const b = rowsOf(logits, "logits", "perRowShift");
  if (candidate.dims.join() !== logits.dims.join()) {
    throw new RangeError(`perRowShift: candidate has dims [${candidate.dims.join(", ")}] but logits have [${logits.dims.join(", ")}]`);
  }
  return a.map((row, r) => {
    const differences = row.map((v, j) => v - b[r][j]);
    const shift = differences.reduce((s, d) => s + d, 0) / differences.length;
    const spread = differences.every(Number.isFinite) ? Math.max(...differences) - Math.min(...differences) : Infinity;
    return { shift, spread };
  });
}

/** Subtracts each row's mean: the one representative of "logits up to a constant" that both z and log p map to. */
export function centerRows(values: TensorLike): Tensor {
  const rows = rowsOf(values, "values", "centerRows");
  const centred = rows.flatMap((row) => {
    const mean = row.reduce((s, v) => s + v, 0) / row.length;
    return row.map((v) => v - mean);
  });
  return makeTensor("float64", Float64Array.from(centred), values.dims);
}

/** How many probabilities are exactly 0 and exactly 1, and which rows hold a 0 (log(0) = −Infinity). */
export interface Saturation {
  readonly zeros: number;
  readonly ones: number;
  readonly total: number;
  readonly rowsWithZero: number[];
}

/** Counts the probabilities float rounding has pushed to exactly 0 or 1. */
export function saturation(probabilities: TensorLike): Saturation {
  const rows = rowsOf(probabilities, "probabilities", "saturation");
  return {
    zeros: rows.flat().filter((p) => p === 0).length,
    ones: rows.flat().filter((p) => p === 1).length,
    total: rows.length * rows[0].length,
    rowsWithZero: rows.flatMap((row, r) => (row.includes(0) ? [r] : [])),
  };
}

/** Two rows whose probabilities are bit-for-bit equal while their logits differ. */
export interface IndistinguishableRows {
  readonly rows: [number, number];
  readonly probabilities: [number[], number[]];
  readonly logits: [number[], number[]];
  /** Largest |difference| between the two rows' logits after centring (so not just a per-row constant). */
  readonly logitGap: number;
}

/**
 * The pair of rows with identical probabilities whose centred logits differ most, or null if no two rows
 * share their probabilities. Such a pair proves that no function of the probabilities gives back the logits.
 */
export function indistinguishableRows(probabilities: TensorLike, logits: TensorLike): IndistinguishableRows | null {
  const p = rowsOf(probabilities, "probabilities", "indistinguishableRows");
  const z = rowsOf(logits, "logits", "indistinguishableRows");
  if (p.length !== z.length) throw new RangeError(`indistinguishableRows: ${p.length} rows of probabilities but ${z.length} of logits`);
  const centred = z.map((row) => {
    const mean = row.reduce((s, v) => s + v, 0) / row.length;
    return row.map((v) => v - mean);
  });
  const byProbabilities = new Map<string, number[]>();
  p.forEach((row, r) => {
    const key = row.join(",");
    byProbabilities.set(key, [...(byProbabilities.get(key) ?? []), r]);
  });
  let best: IndistinguishableRows | null = null;
  for (const group of byProbabilities.values()) {
    for (let i = 0; i < group.length; i++) {
      for (let j = i + 1; j < group.length; j++) {
        const [a, b] = [group[i], group[j]];
        const gap = Math.max(...centred[a].map((v, k) => Math.abs(v - centred[b][k])));
        if (gap > 0 && (!best || gap > best.logitGap)) {
          best = { rows: [a, b], probabilities: [p[a], p[b]], logits: [z[a], z[b]], logitGap: gap };
        }
      }
    }
  }
  return best;
}
