import { softmax, sigmoid } from "../tensor/softmax";
import { assertNonEmptyFloat, describe, type TensorLike } from "../tensor/types";

/** One prediction as the text-classification pipeline returns it. */
export interface LabelScore {
  label: string;
  score: number;
}

/** Options of `toPipelineOutput`, named as the pipeline names them. */
export interface PipelineOutputOptions {
  /** How many labels per row, as the pipeline's `top_k`; `null` means all of them. Default 1. */
  top_k?: number | null;
  /** The config's `problem_type`: `multi_label_classification` applies sigmoid instead of softmax, as transformers.js does. */
  problem_type?: string;
  /** Expected number of rows (e.g. the number of input texts); checked against the logits. */
  expectedRows?: number;
}

/** The label→name map of a config: `{0: "NEGATIVE", 1: "POSITIVE"}`. */
export type Id2Label = Record<string | number, string>;

/** Turns logits [rows, labels] into exactly what the transformers.js text-classification pipeline returns for a batch. */
export function toPipelineOutput(logits: TensorLike, id2label: Id2Label, options: PipelineOutputOptions = {}): LabelScore[] | LabelScore[][] {
  assertNonEmptyFloat(logits, "logits", "toPipelineOutput");
  if (logits.dims.length !== 2) {
    throw new RangeError(`toPipelineOutput needs logits of shape [rows, labels]; got dims [${logits.dims.join(", ")}]`);
  }
  if (id2label === null || typeof id2label !== "object" || Array.isArray(id2label)) {
    throw new TypeError(`id2label must be an object mapping label ids to names (config.id2label); got ${describe(id2label)}`);
  }
  const [rows, labels] = logits.dims;
  if (options.expectedRows !== undefined && options.expectedRows !== rows) {
    throw new RangeError(`logits have ${rows} rows but ${options.expectedRows} were expected (one per input text)`);
  }
  const topK = options.top_k === undefined ? 1 : options.top_k === null ? labels : options.top_k;
  if (!Number.isInteger(topK) || topK < 1) {
    throw new RangeError(`top_k must be a positive integer or null (all labels); got ${String(options.top_k)}`);
  }
  const probabilities = options.problem_type === "multi_label_classification" ? sigmoid(logits) : softmax(logits);
  const perRow: LabelScore[][] = [];
  for (let r = 0; r < rows; r++) {
    const scored = Array.from({ length: labels }, (_, i) => ({ i, score: Number(probabilities.data[r * labels + i]) }));
    // Stable sort: equal scores keep label order, as a top-k that scans left to right does.
    scored.sort((a, b) => b.score - a.score);
    perRow.push(scored.slice(0, Math.min(topK, labels)).map(({ i, score }) => ({ label: id2label[i] ?? `LABEL_${i}`, score })));
  }
  return topK === 1 ? perRow.flat() : perRow;
}
