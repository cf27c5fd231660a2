// The logit lens for a sequence classifier: the trained head applied to the [CLS] vector after every
// block, as if the model stopped there. The head only ever saw the last block's output in training, so
// early layers' readings are an approximation (see the notebook "why this label").
import type { HeadWeights } from "../onnx/head";
import { recomputeHead } from "../onnx/head";
import { logSumExp } from "../tensor/softmax";
import type { TensorLike } from "../tensor/types";

/** What the head reads off each hidden state: logits and probabilities per layer, sentence and label. */
export interface LogitLens {
  /** [layers + 1][batch][labels]: row 0 reads the embeddings output, the last row the encoder output. */
  readonly logits: number[][][];
  /** softmax of `logits` along the labels. */
  readonly probabilities: number[][][];
  /** "embeddings", "block 1", …: one name per hidden state. */
  readonly layerNames: string[];
}

/** Softmax of one row, computed in float64 through logsumexp (no overflow). */
export function softmaxRow(row: readonly number[]): number[] {
  const lse = logSumExp(row);
  return row.map((v) => Math.exp(v - lse));
}

/** Applies the classification head to the [CLS] row of every hidden state (embeddings output first, encoder output last). */
export function logitLens(hiddenStates: readonly TensorLike[], head: HeadWeights): LogitLens {
  if (!Array.isArray(hiddenStates) || hiddenStates.length === 0) {
    throw new RangeError("hiddenStates must be the non-empty list inspectModel().run() returns (embeddings output, then one per block)");
  }
  const logits = hiddenStates.map((state, i) => {
    if (state.dims.length !== 3) throw new RangeError(`hiddenStates[${i}] must be [batch, sequence, hidden]; got [${state.dims.join(", ")}]`);
    const out = recomputeHead(state, head);
    const [batch, labels] = out.dims;
    return Array.from({ length: batch }, (_, b) => Array.from({ length: labels }, (_, l) => Number(out.data[b * labels + l])));
  });
  return {
    logits,
    probabilities: logits.map((layer) => layer.map(softmaxRow)),
    layerNames: hiddenStates.map((_, i) => (i === 0 ? "embeddings" : `block ${i}`)),
  };
}
