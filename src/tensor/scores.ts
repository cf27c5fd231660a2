// What logits are for once you have them: temperature scaling (calibration) and out-of-distribution scores.
// Both need the logits themselves: a temperature divides them, and max-logit and energy read their size,
// which softmax throws away (it only keeps differences within a row).
import type { Tensor } from "@huggingface/transformers";
import { logSumExp, softmax } from "./softmax";
import { makeTensor, type TensorLike } from "./types";
import { rowsOf } from "./rows";

function assertTemperature(temperature: number, what: string): void {
  if (!(temperature > 0) || !Number.isFinite(temperature)) {
    throw new RangeError(`${what}: the temperature must be a positive finite number; got ${temperature}`);
  }
}

/** The logits divided by a temperature T (T > 1 flattens the softmax, T < 1 sharpens it), as float64. */
export function scaleLogits(logits: TensorLike, temperature: number): Tensor {
  assertTemperature(temperature, "scaleLogits");
  const rows = rowsOf(logits, "logits", "scaleLogits");
  return makeTensor("float64", Float64Array.from(rows.flat(), (z) => z / temperature), logits.dims);
}

/** softmax(z / T): the probabilities after temperature scaling. The arg max, so the prediction, never changes. */
export function temperatureSoftmax(logits: TensorLike, temperature: number): Tensor {
  return softmax(scaleLogits(logits, temperature));
}

/** Per row, the largest softmax probability (at temperature T): the baseline confidence score. */
export function maxSoftmaxScore(logits: TensorLike, temperature = 1): number[] {
  assertTemperature(temperature, "maxSoftmaxScore");
  return rowsOf(logits, "logits", "maxSoftmaxScore").map((row) => Math.exp(Math.max(...row) / temperature - logSumExp(row.map((z) => z / temperature))));
}

/** Per row, the largest logit: high for inputs the network has strong evidence about. */
export function maxLogitScore(logits: TensorLike): number[] {
  return rowsOf(logits, "logits", "maxLogitScore").map((row) => Math.max(...row));
}

/** Per row, the energy −T·logsumexp(z / T): low (very negative) for familiar inputs, near −T·log(classes) for none. */
export function energyScore(logits: TensorLike, temperature = 1): number[] {
  assertTemperature(temperature, "energyScore");
  return rowsOf(logits, "logits", "energyScore").map((row) => -temperature * logSumExp(row.map((z) => z / temperature)));
}

function assertLabels(rows: number[][], labels: readonly number[], what: string): void {
  if (labels.length !== rows.length) throw new RangeError(`${what}: ${rows.length} rows of logits but ${labels.length} labels`);
  const bad = labels.find((y) => !Number.isInteger(y) || y < 0 || y >= rows[0].length);
  if (bad !== undefined) throw new RangeError(`${what}: label ${bad} is not a class index 0…${rows[0].length - 1}`);
}

/** Mean negative log-likelihood of the true labels under softmax(z / T): the loss temperature scaling minimises. */
export function negativeLogLikelihood(logits: TensorLike, labels: readonly number[], temperature = 1): number {
  assertTemperature(temperature, "negativeLogLikelihood");
  const rows = rowsOf(logits, "logits", "negativeLogLikelihood");
  assertLabels(rows, labels, "negativeLogLikelihood");
  const total = rows.reduce((sum, row, r) => sum + logSumExp(row.map((z) => z / temperature)) - row[labels[r]] / temperature, 0);
  return total / rows.length;
}

/** How well confidence matches correctness on labelled data, at temperature T. */
export interface CalibrationSummary {
  readonly temperature: number;
  /** Fraction of rows whose arg max is the label. */
  readonly accuracy: number;
  /** Mean of the top probability: a calibrated model's equals its accuracy. */
  readonly meanConfidence: number;
  readonly negativeLogLikelihood: number;
}

/** Accuracy, mean confidence and NLL of the logits at temperature T. */
export function calibrationSummary(logits: TensorLike, labels: readonly number[], temperature = 1): CalibrationSummary {
  const rows = rowsOf(logits, "logits", "calibrationSummary");
  assertLabels(rows, labels, "calibrationSummary");
  const correct = rows.filter((row, r) => row.indexOf(Math.max(...row)) === labels[r]).length;
  const confidence = maxSoftmaxScore(logits, temperature);
  return {
    temperature,
    accuracy: correct / rows.length,
    meanConfidence: confidence.reduce((s, c) => s + c, 0) / confidence.length,
    negativeLogLikelihood: negativeLogLikelihood(logits, labels, temperature),
  };
}

/** Options of `fitTemperature`: the range searched. */
export interface FitTemperatureOptions {
  min?: number;
  max?: number;
}

/**
 * Temperature scaling: the T in [min, max] (default 0.05…1000) minimising the NLL of held-out labels. The NLL is
 * convex in 1/T, so a golden-section search over 1/T finds the minimum. The arg max, hence accuracy, is unchanged.
 */
export function fitTemperature(logits: TensorLike, labels: readonly number[], options: FitTemperatureOptions = {}): number {
  const min = options.min ?? 0.05;
  const max = options.max ?? 1000;
  assertTemperature(min, "fitTemperature (min)");
  assertTemperature(max, "fitTemperature (max)");
  if (!(min < max)) throw new RangeError(`fitTemperature: min (${min}) must be below max (${max})`);
  assertLabels(rowsOf(logits, "logits", "fitTemperature"), labels, "fitTemperature");
  const loss = (inverse: number) => negativeLogLikelihood(logits, labels, 1 / inverse);
  const ratio = (Math.sqrt(5) - 1) / 2;
  let [a, b] = [1 / max, 1 / min];
  let c = b - ratio * (b - a);
  let d = a + ratio * (b - a);
  let [fc, fd] = [loss(c), loss(d)];
  while (b - a > 1e-9 * (1 + Math.abs(a))) {
    if (fc <= fd) {
      [b, d, fd] = [d, c, fc];
      c = b - ratio * (b - a);
      fc = loss(c);
    } else {
      [a, c, fc] = [c, d, fd];
      d = a + ratio * (b - a);
      fd = loss(d);
    }
  }
  return 2 / (a + b);
}

/**
 * AUROC of a score that should be higher for familiar inputs: the probability that a random familiar input
 * scores above a random unusual one (ties count half). 1 separates them perfectly, 0.5 is a coin toss.
 */
export function separation(familiar: readonly number[], unusual: readonly number[]): number {
  if (familiar.length === 0 || unusual.length === 0) throw new RangeError(`separation needs scores in both groups; got ${familiar.length} familiar and ${unusual.length} unusual`);
  const bad = [...familiar, ...unusual].find((v) => Number.isNaN(v));
  if (bad !== undefined) throw new RangeError("separation: a score is NaN");
  let wins = 0;
  for (const f of familiar) for (const u of unusual) wins += f > u ? 1 : f === u ? 0.5 : 0;
  return wins / (familiar.length * unusual.length);
}
