import { DEMO_SIZES } from "../distilbert/config";
import type { CoordinateSpace, Matrix } from "../distilbert/low-rank";
import type { SeededRandom } from "../distilbert/random";
import { COORDINATE as C, SENTIMENT_GAIN } from "./weights";

/*
 * The classification heads, built by hand on top of the encoder's coordinates (see weights.ts). Each family
 * pools its first token ([CLS], <s>) through one dense layer and an activation, then a classifier:
 * DistilBERT ReLU, BERT and RoBERTa tanh, DeBERTa-v2 GELU. A few dense units read the pooled coordinates
 * ("readouts"); the rest are random units with tiny classifier weights, whose almost constant output the
 * classifier bias cancels, so the logits are what the readouts say plus chosen intercepts.
 */

const { dim } = DEMO_SIZES;

/** The dense layer's activation, by family. */
export type Activation = "relu" | "tanh" | "gelu";

/** A full linear layer as torch stores it: weight [out, in] and bias [out]. */
export interface DenseLinear {
  weight: Matrix;
  bias: Float32Array;
}

/** A head: the dense layer (pre_classifier, bert.pooler.dense, classifier.dense, pooler.dense) and the classifier. */
export interface HeadWeights {
  dense: DenseLinear;
  classifier: DenseLinear;
}

/** A dense unit reading the pooled vector: pre-activation = Σ gain × coordinate + bias; it adds weight × output to each label's logit. */
interface Readout {
  reads: readonly (readonly [coordinate: number, gain: number])[];
  bias: number;
  classifier: readonly number[];
}

/** erf by Abramowitz & Stegun 7.1.26 (error < 2e-7): only used to predict decoration units' constant output. */
function erf(x: number): number {
  const t = 1 / (1 + 0.3275911 * Math.abs(x));
  const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
  return x >= 0 ? y : -y;
}

/** The activation as the graph computes it. */
export function activate(activation: Activation, x: number): number {
  if (activation === "relu") return Math.max(0, x);
  if (activation === "tanh") return Math.tanh(x);
  return 0.5 * x * (1 + erf(x / Math.SQRT2));
}

/**
 * Builds the dense layer and classifier: `readouts` on randomly chosen units, random decoration elsewhere,
 * and a classifier bias that makes a neutral first token (only the constant coordinate) give `intercepts`.
 */
function pooledHead(space: CoordinateSpace, random: SeededRandom, activation: Activation, readouts: readonly Readout[], intercepts: readonly number[]): HeadWeights {
  const labels = intercepts.length;
  const denseWeight = new Float32Array(dim * dim);
  const denseBias = new Float32Array(dim);
  const classWeight = new Float32Array(labels * dim);
  const order = Array.from({ length: dim }, (_, i) => i);
  for (let i = dim - 1; i > 0; i--) {
    const j = Math.floor(random.uniform() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  const readoutOf = new Map(readouts.map((readout, i) => [order[i], readout]));
  for (let unit = 0; unit < dim; unit++) {
    const row = denseWeight.subarray(unit * dim, (unit + 1) * dim);
    const readout = readoutOf.get(unit);
    if (readout) {
      for (let i = 0; i < dim; i++) {
        let value = 0;
        for (const [coordinate, gain] of readout.reads) value += gain * space.basis[coordinate][i];
        row[i] = value;
      }
      denseBias[unit] = readout.bias;
      readout.classifier.forEach((weight, label) => (classWeight[label * dim + unit] = weight));
      continue;
    }
    for (let i = 0; i < dim; i++) row[i] = random.gaussian() / Math.sqrt(dim);
    denseBias[unit] = 0.1 * random.gaussian();
    for (let label = 0; label < labels; label++) classWeight[label * dim + unit] = 0.004 * random.gaussian();
  }
  // The random units fire almost the same way for every sentence (the big constant coordinate dominates
  // the first token), so they would shift every logit by a fixed amount; the bias cancels that shift as
  // measured on a neutral first token, leaving the logits at `intercepts` when no sentiment word is present.
  const neutral = space.basis[C.BIAS].map((u) => u * Math.sqrt(dim));
  const shift = new Array<number>(labels).fill(0);
  for (let unit = 0; unit < dim; unit++) {
    let pre = denseBias[unit];
    for (let i = 0; i < dim; i++) pre += denseWeight[unit * dim + i] * neutral[i];
    const active = activation === "relu" ? Math.max(0, pre) : activate(activation, pre);
    for (let label = 0; label < labels; label++) shift[label] += active * classWeight[label * dim + unit];
  }
  return {
    dense: { weight: { rows: dim, cols: dim, data: denseWeight }, bias: denseBias },
    classifier: { weight: { rows: labels, cols: dim, data: classWeight }, bias: Float32Array.from(intercepts.map((c, label) => c - shift[label])) },
  };
}

// DistilBERT: logit(POSITIVE) − logit(NEGATIVE) ≈ LOGIT_SLOPE × pooled sentiment + POSITIVE_PRIOR.
const LOGIT_SLOPE = 1.5;
const POSITIVE_PRIOR = 0.8;
const SENTIMENT_UNITS = 8;

/** DistilBERT's head: ReLU units reading ±sentiment; a slight positive prior makes a sentence without sentiment words mildly POSITIVE. */
export function distilbertHead(space: CoordinateSpace, random: SeededRandom): HeadWeights {
  const unit = (sign: number): Readout => ({
    reads: [[C.SENTIMENT, sign]],
    bias: 0,
    classifier: [(-sign * LOGIT_SLOPE) / (2 * SENTIMENT_UNITS), (sign * LOGIT_SLOPE) / (2 * SENTIMENT_UNITS)],
  });
  const readouts = [...Array.from({ length: SENTIMENT_UNITS }, () => unit(1)), ...Array.from({ length: SENTIMENT_UNITS }, () => unit(-1))];
  return pooledHead(space, random, "relu", readouts, [-POSITIVE_PRIOR / 2, POSITIVE_PRIOR / 2]);
}

/** Pairs of units act(±γ·coordinate): their difference is an odd function of the coordinate, ≈ linear near 0. */
const READOUT_PAIRS = 4;

/**
 * The value the readout pairs pass on for a coordinate value x, in x's units: tanh(γx)/γ for tanh
 * (linear for small x, saturating for large), exactly x for GELU and ReLU (act(y) − act(−y) = y).
 */
function oddFeature(activation: Activation, gain: number, x: number): number {
  return activation === "tanh" ? Math.tanh(gain * x) / gain : x;
}

/** Readout pairs carrying `slopes[label] × oddFeature(coordinate)` into each logit. */
function linearReadouts(activation: Activation, coordinate: number, gain: number, slopes: readonly number[]): Readout[] {
  const slopeAtZero = activation === "tanh" ? 2 : 1;
  const scale = 1 / (READOUT_PAIRS * slopeAtZero * gain);
  return Array.from({ length: READOUT_PAIRS }, () => [1, -1]).flat().map((sign) => ({
    reads: [[coordinate, sign * gain]],
    bias: 0,
    classifier: slopes.map((slope) => sign * slope * scale),
  }));
}

/** Pooled polarity p (lexicon strength units: 1 mild … 3 strong, negative below zero) as the SENTIMENT coordinate. */
function sentimentCoordinate(polarity: number): number {
  return SENTIMENT_GAIN * polarity;
}

// tanh readouts: γ keeps the strongest sentences (p ≈ ±3) short of tanh's flat part.
const TANH_GAIN = 0.2;

/**
 * An ordered-label head (1–5 stars; negative/neutral/positive): logit_k = slope × (k − centre) × F(s) + c_k,
 * with F the readouts' feature of the pooled sentiment s. Increasing slopes make the labels take turns as s
 * grows; the intercepts c_k put the turn from label k to k + 1 at pooled polarity `boundaries[k]`.
 */
export function ordinalHead(space: CoordinateSpace, random: SeededRandom, activation: Activation, boundaries: readonly number[], slope: number): HeadWeights {
  const labels = boundaries.length + 1;
  const slopes = Array.from({ length: labels }, (_, k) => slope * (k - (labels - 1) / 2));
  const intercepts = [0];
  boundaries.forEach((polarity, k) => {
    const feature = oddFeature(activation, TANH_GAIN, sentimentCoordinate(polarity));
    intercepts.push(intercepts[k] - (slopes[k + 1] - slopes[k]) * feature);
  });
  const mean = intercepts.reduce((a, b) => a + b, 0) / labels;
  return pooledHead(space, random, activation, linearReadouts(activation, C.SENTIMENT, TANH_GAIN, slopes), intercepts.map((c) => c - mean));
}

/** The multi-label head's labels, in logit order. */
export const MULTI_LABELS = ["positive", "negative", "negated", "intense"] as const;

// Multi-label logits: positive/negative cross 0 at |p| = POLAR_AT; intense at |p| = INTENSE_AT; negated at n = ½.
const POLAR_AT = 0.75;
const POLAR_SLOPE = 2.5;
const INTENSE_AT = 2.4;
const INTENSE_SLOPE = 8;
const INTENSE_BASE = -3;
const NEGATED_SLOPE = 8;
// GELU readouts: ±γ·(s ∓ θ) with γ large enough that GELU is ReLU there.
const GELU_GAIN = 4;

/**
 * The multi-label head (GELU, as DeBERTa-v2's ContextPooler): independent logits for MULTI_LABELS, each
 * read through a sigmoid. positive/negative follow the pooled sentiment's sign, "negated" the pooled
 * negator flags (a negator anywhere in the sentence), "intense" how far |sentiment| goes past strong.
 */
export function multiLabelHead(space: CoordinateSpace, random: SeededRandom): HeadWeights {
  const s = (polarity: number) => sentimentCoordinate(polarity);
  const polar = linearReadouts("gelu", C.SENTIMENT, GELU_GAIN, [POLAR_SLOPE, -POLAR_SLOPE, 0, 0]);
  const negated = linearReadouts("gelu", C.NEGATIONS, GELU_GAIN, [0, 0, NEGATED_SLOPE, 0]);
  // GELU(γ(s − θ)) + GELU(γ(−s − θ)) ≈ γ·ReLU(|s| − θ).
  const intense: Readout[] = [1, -1].map((sign) => ({
    reads: [[C.SENTIMENT, sign * GELU_GAIN]],
    bias: -GELU_GAIN * s(INTENSE_AT),
    classifier: [0, 0, 0, INTENSE_SLOPE / GELU_GAIN],
  }));
  const intercepts = [-POLAR_SLOPE * s(POLAR_AT), -POLAR_SLOPE * s(POLAR_AT), -NEGATED_SLOPE / 2, INTENSE_BASE];
  return pooledHead(space, random, "gelu", [...polar, ...negated, ...intense], intercepts);
}
