import type { Tensor } from "@huggingface/transformers";
import { assertNonEmptyFloat, makeTensor, numberAt, type TensorLike } from "./types";

/** Applies `rowFn` to every row along the last axis, writing float64 results into a tensor of the input's float type. */
function mapLastAxis(t: TensorLike, rowFn: (row: Float64Array, out: Float64Array) => void): Tensor {
  const width = t.dims[t.dims.length - 1];
  const rows = t.data.length / width;
  const out = t.type === "float64" ? new Float64Array(t.data.length) : new Float32Array(t.data.length);
  const row = new Float64Array(width);
  const rowOut = new Float64Array(width);
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < width; j++) row[j] = numberAt(t, r * width + j);
    rowFn(row, rowOut);
    out.set(rowOut, r * width);
  }
  return makeTensor(t.type === "float64" ? "float64" : "float32", out, t.dims);
}

/** log(sum(exp(row))) computed without overflow: the max is taken out before exponentiating. */
export function logSumExp(row: ArrayLike<number>): number {
  let max = -Infinity;
  for (let j = 0; j < row.length; j++) if (row[j] > max) max = row[j];
  if (max === -Infinity || !Number.isFinite(max)) return max;
  let sum = 0;
  for (let j = 0; j < row.length; j++) sum += Math.exp(row[j] - max);
  return max + Math.log(sum);
}

/** Softmax along the last axis of a float tensor of any rank; stable (row max subtracted), accumulated in float64. */
export function softmax(logits: TensorLike): Tensor {
  assertNonEmptyFloat(logits, "logits", "softmax");
  return mapLastAxis(logits, (row, out) => {
    const lse = logSumExp(row);
    for (let j = 0; j < row.length; j++) out[j] = Math.exp(row[j] - lse);
  });
}

/** Log-softmax along the last axis: z - logsumexp(z), never log(softmax(z)), so tiny probabilities keep their logs. */
export function logSoftmax(logits: TensorLike): Tensor {
  assertNonEmptyFloat(logits, "logits", "logSoftmax");
  return mapLastAxis(logits, (row, out) => {
    const lse = logSumExp(row);
    for (let j = 0; j < row.length; j++) out[j] = row[j] - lse;
  });
}

/** Sigmoid of every element: what multi-label classifiers apply instead of softmax. */
export function sigmoid(logits: TensorLike): Tensor {
  assertNonEmptyFloat(logits, "logits", "sigmoid");
  return mapLastAxis(logits, (row, out) => {
    for (let j = 0; j < row.length; j++) out[j] = 1 / (1 + Math.exp(-row[j]));
  });
}

/** Index of the largest value along the last axis (first one on ties), as an int64 tensor of the leading dims. */
export function argmax(values: TensorLike): Tensor {
  assertNonEmptyFloat(values, "values", "argmax");
  const width = values.dims[values.dims.length - 1];
  const rows = values.data.length / width;
  const out = new BigInt64Array(rows);
  for (let r = 0; r < rows; r++) {
    let best = 0;
    let bestValue = numberAt(values, r * width);
    for (let j = 1; j < width; j++) {
      const v = numberAt(values, r * width + j);
      if (v > bestValue || (Number.isNaN(v) && !Number.isNaN(bestValue))) { best = j; bestValue = v; }
    }
    out[r] = BigInt(best);
  }
  return makeTensor("int64", out, values.dims.slice(0, -1));
}
