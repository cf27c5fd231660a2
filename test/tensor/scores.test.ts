import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { Tensor } from "@huggingface/transformers";
import {
  calibrationSummary, energyScore, fitTemperature, maxLogitScore, maxSoftmaxScore, negativeLogLikelihood, scaleLogits,
  separation, temperatureSoftmax,
} from "../../src";
import { argmax, softmax } from "../../src/tensor";

const f64 = (rows: number[][]) => new Tensor("float64", Float64Array.from(rows.flat()), [rows.length, rows[0].length]);
const close = (a: number, b: number, tolerance = 1e-12) => assert.ok(Math.abs(a - b) <= tolerance, `${a} vs ${b}`);

test("temperature 1 is plain softmax; any temperature keeps the arg max; large T tends to uniform", () => {
  const logits = f64([[2, -1, 0.5], [0, 10, 3]]);
  assert.deepEqual(Array.from(temperatureSoftmax(logits, 1).data), Array.from(softmax(logits).data));
  fc.assert(fc.property(fc.double({ min: 0.01, max: 100, noNaN: true }), (t) => {
    assert.deepEqual(Array.from(argmax(temperatureSoftmax(logits, t)).data), [0n, 1n]);
  }));
  for (const p of temperatureSoftmax(logits, 1e6).data as Float64Array) close(p, 1 / 3, 1e-4);
  assert.deepEqual(Array.from(scaleLogits(logits, 2).data), [1, -0.5, 0.25, 0, 5, 1.5]);
  assert.throws(() => scaleLogits(logits, 0), /temperature must be a positive finite number; got 0/);
  assert.throws(() => temperatureSoftmax(logits, -1), /got -1/);
});

test("max softmax, max logit and energy on rows worked out by hand", () => {
  const logits = f64([[0, 0, 0, 0], [Math.log(3), 0, 0, 0], [100, 100, 100, 100]]);
  assert.deepEqual(maxLogitScore(logits), [0, Math.log(3), 100]);
  const msp = maxSoftmaxScore(logits);
  [0.25, 0.5, 0.25].forEach((p, i) => close(msp[i], p));
  const energy = energyScore(logits);
  [-Math.log(4), -Math.log(6), -100 - Math.log(4)].forEach((e, i) => close(energy[i], e));
  close(energyScore(f64([[2, 2]]), 2)[0], -2 * (1 + Math.log(2)));
});

test("negative log-likelihood: −log p of the true label, averaged; labels are checked", () => {
  const logits = f64([[0, Math.log(3)], [Math.log(3), 0]]);
  close(negativeLogLikelihood(logits, [1, 1]), (-Math.log(3 / 4) - Math.log(1 / 4)) / 2);
  close(negativeLogLikelihood(logits, [1, 0], 2), -Math.log(Math.sqrt(3) / (1 + Math.sqrt(3))));
  assert.throws(() => negativeLogLikelihood(logits, [1]), /2 rows of logits but 1 labels/);
  assert.throws(() => negativeLogLikelihood(logits, [1, 2]), /label 2 is not a class index 0…1/);
});

/** Logits scaled up 5× from ones whose softmax matches how often each label occurs: overconfident by construction. */
function overconfident(): { logits: Tensor; labels: number[] } {
  const rows: number[][] = [];
  const labels: number[] = [];
  for (let i = 0; i < 40; i++) {
    // p(class 0) = 0.8 under the unscaled logits, and class 0 is right 8 times in 10.
    rows.push([5 * Math.log(4), 0]);
    labels.push(i % 10 < 8 ? 0 : 1);
  }
  return { logits: f64(rows), labels };
}

test("fitTemperature finds the NLL minimum; on 5× overconfident logits that is T = 5", () => {
  const { logits, labels } = overconfident();
  const t = fitTemperature(logits, labels);
  close(t, 5, 1e-5);
  const best = negativeLogLikelihood(logits, labels, t);
  assert.ok(best <= negativeLogLikelihood(logits, labels, t * 1.05) && best <= negativeLogLikelihood(logits, labels, t / 1.05));
  const after = calibrationSummary(logits, labels, t);
  close(after.meanConfidence, 0.8, 1e-6);
  assert.equal(after.accuracy, 0.8);
  assert.ok(calibrationSummary(logits, labels, 1).negativeLogLikelihood > after.negativeLogLikelihood);
});

test("fitTemperature stays inside its range and refuses a bad one", () => {
  const perfect = f64([[3, 0], [0, 3]]);
  close(fitTemperature(perfect, [0, 1], { min: 0.5, max: 10 }), 0.5, 1e-6);
  assert.throws(() => fitTemperature(perfect, [0, 1], { min: 2, max: 1 }), /min \(2\) must be below max \(1\)/);
  assert.throws(() => fitTemperature(perfect, [0]), /2 rows of logits but 1 labels/);
});

test("separation is the AUROC: 1 when every familiar score is higher, 0.5 for ties, and needs both groups", () => {
  assert.equal(separation([3, 4], [1, 2]), 1);
  assert.equal(separation([1, 2], [3, 4]), 0);
  assert.equal(separation([1, 1], [1]), 0.5);
  assert.equal(separation([1, 3], [2]), 0.5);
  assert.throws(() => separation([], [1]), /needs scores in both groups/);
  assert.throws(() => separation([NaN], [1]), /NaN/);
});
