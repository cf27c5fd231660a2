// The attribution maths on scoring functions whose true attributions are known, and the batching.
import { test } from "node:test";
import assert from "node:assert/strict";
import { makeTensor } from "../../src/tensor/types";
import { occlusion, padBatch, scoreRows, shapleyValues, shapleyWeight, type BatchInputs, type Forward } from "../../src/explain";

const MASK = 103;
const PAD = 0;

/** Reads a padded batch back into rows of the ids the mask keeps. */
function rowsOf(inputs: BatchInputs): number[][] {
  const [n, width] = inputs.input_ids.dims;
  return Array.from({ length: n }, (_, r) => {
    const row: number[] = [];
    for (let c = 0; c < width; c++) if (Number(inputs.attention_mask.data[r * width + c]) === 1) row.push(Number(inputs.input_ids.data[r * width + c]));
    return row;
  });
}

/** A model whose logit difference is a sum over the tokens it sees; it records every call. */
function scoring(score: (row: number[]) => number): Forward & { calls: number[][][] } {
  const calls: number[][][] = [];
  const forward = async (inputs: BatchInputs) => {
    const rows = rowsOf(inputs);
    calls.push(rows);
    return { logits: makeTensor("float32", Float32Array.from(rows.flatMap((row) => [0, score(row)])), [rows.length, 2]) };
  };
  return Object.assign(forward, { calls });
}

const WEIGHTS: Record<number, number> = { 11: 2, 12: -3, 13: 0.5, 14: 0, 15: 1.25 };
const additive = (row: number[]) => row.reduce((s, id) => s + (WEIGHTS[id] ?? 0), 0);
const SENTENCE = [101, 11, 12, 13, 14, 15, 102];

test("padBatch pads on the right with the pad id and masks the padding", () => {
  const batch = padBatch([[101, 7, 102], [101, 102]], PAD);
  assert.deepEqual(batch.input_ids.dims, [2, 3]);
  assert.deepEqual(Array.from(batch.input_ids.data as BigInt64Array, Number), [101, 7, 102, 101, 102, PAD]);
  assert.deepEqual(Array.from(batch.attention_mask.data as BigInt64Array, Number), [1, 1, 1, 1, 1, 0]);
  assert.throws(() => padBatch([], PAD), /at least one row/);
  assert.throws(() => padBatch([[1, -2]], PAD), /row 0, position 1: token id -2/);
});

test("scoreRows makes one forward pass for all rows, or ceil(rows / maxBatch) passes", async () => {
  const forward = scoring(additive);
  const rows = Array.from({ length: 10 }, (_, i) => [101, 11 + (i % 5), 102]);
  const one = await scoreRows(forward, rows, { padId: PAD, score: (r) => r[1] - r[0] });
  assert.equal(one.stats.forwardPasses, 1);
  assert.deepEqual(one.scores, rows.map(additive));
  const split = await scoreRows(forward, rows, { padId: PAD, score: (r) => r[1] - r[0], maxBatch: 4 });
  assert.equal(split.stats.forwardPasses, 3);
  assert.deepEqual(split.scores, one.scores);
  assert.deepEqual(forward.calls.map((c) => c.length), [10, 4, 4, 2]);
});

test("occlusion of an additive model gives each token its own weight, both modes, in one forward pass", async () => {
  for (const mode of ["mask", "remove"] as const) {
    const forward = scoring(additive);
    const run = await occlusion(forward, [SENTENCE, [101, 12, 12, 102]], { mode, maskId: MASK, padId: PAD });
    assert.equal(forward.calls.length, 1, `${mode}: one call`);
    assert.equal(run.forwardPasses, 1);
    // sentence + one variant per explained token + the all-occluded baseline, for each sentence
    assert.equal(run.variants, (1 + 5 + 1) + (1 + 2 + 1));
    assert.deepEqual(run.sentences[0].positions, [1, 2, 3, 4, 5]);
    assert.deepEqual(run.sentences[0].scores, [2, -3, 0.5, 0, 1.25]);
    assert.deepEqual(run.sentences[1].scores, [-3, -3]);
    assert.equal(run.sentences[0].full, additive(SENTENCE));
    assert.equal(run.sentences[0].baseline, 0);
    const lengths = forward.calls[0].map((row) => row.length);
    assert.equal(Math.min(...lengths), mode === "remove" ? 2 : 4, `${mode}: the shortest variant`);
  }
});

test("occlusion explains only the positions asked for, and says which position is wrong", async () => {
  const run = await occlusion(scoring(additive), [SENTENCE], { mode: "mask", maskId: MASK, padId: PAD, positions: [[2, 5]] });
  assert.deepEqual(run.sentences[0].scores, [-3, 1.25]);
  await assert.rejects(occlusion(scoring(additive), [SENTENCE], { mode: "mask", maskId: MASK, padId: PAD, positions: [[9]] }), /position 9 is outside its 7 tokens/);
  await assert.rejects(occlusion(scoring(additive), [SENTENCE], { mode: "mask", padId: PAD }), /needs maskId/);
});

test("Shapley weights of a coalition size sum to 1 over all coalitions without the player", () => {
  for (const n of [1, 2, 5, 9]) {
    let total = 0;
    for (let s = 0; s < n; s++) total += shapleyWeight(s, n) * binomial(n - 1, s);
    assert.ok(Math.abs(total - 1) < 1e-12, `n = ${n}: ${total}`);
  }
});

function binomial(n: number, k: number): number {
  let c = 1;
  for (let i = 1; i <= k; i++) c = (c * (n - k + i)) / i;
  return c;
}

test("exact Shapley values of an additive model are the weights, and of an AND are shared equally (occlusion gives both the whole)", async () => {
  const exact = await shapleyValues(scoring(additive), [SENTENCE], { maskId: MASK, padId: PAD });
  assert.equal(exact.variants, 2 ** 5);
  exact.sentences[0].scores.forEach((v, k) => assert.ok(Math.abs(v - [2, -3, 0.5, 0, 1.25][k]) < 1e-12, `token ${k}: ${v}`));
  // "not" and "bad" only matter together: the score is 4 when both are present.
  const both = (row: number[]) => (row.includes(21) && row.includes(22) ? 4 : 0);
  const sentence = [101, 21, 22, 23, 102];
  const shap = await shapleyValues(scoring(both), [sentence], { maskId: MASK, padId: PAD });
  assert.deepEqual(shap.sentences[0].scores.map((v) => Math.round(v * 1e12) / 1e12), [2, 2, 0]);
  const occ = await occlusion(scoring(both), [sentence], { mode: "mask", maskId: MASK, padId: PAD });
  assert.deepEqual(occ.sentences[0].scores, [4, 4, 0]);
});

test("sampled Shapley values add up to full − baseline exactly, are reproducible by seed, and batch every coalition in one pass", async () => {
  const long = [101, ...Array.from({ length: 14 }, (_, i) => 11 + (i % 5)), 102];
  const pairwise = (row: number[]) => additive(row) + (row.includes(11) && row.includes(12) ? 1.5 : 0);
  const forward = scoring(pairwise);
  const run = await shapleyValues(forward, [long, SENTENCE], { maskId: MASK, padId: PAD, permutations: 8, seed: 7 });
  assert.equal(forward.calls.length, 1);
  assert.match(run.method, /8 sampled orderings/);
  for (const s of run.sentences) {
    const sum = s.scores.reduce((a, b) => a + b, 0);
    assert.ok(Math.abs(sum - (s.full - s.baseline)) < 1e-9, `${sum} vs ${s.full - s.baseline}`);
  }
  assert.ok(run.variants <= 8 * 15 + 2 ** 5, `${run.variants} coalitions`);
  const again = await shapleyValues(scoring(pairwise), [long, SENTENCE], { maskId: MASK, padId: PAD, permutations: 8, seed: 7 });
  assert.deepEqual(again.sentences[0].scores, run.sentences[0].scores);
  const other = await shapleyValues(scoring(pairwise), [long], { maskId: MASK, padId: PAD, permutations: 8, seed: 8 });
  assert.notDeepEqual(other.sentences[0].scores, run.sentences[0].scores);
  // On a purely additive model every ordering gives the same marginal effects, so sampling is exact.
  const sampledAdditive = await shapleyValues(scoring(additive), [long], { maskId: MASK, padId: PAD, permutations: 3, exactUpTo: 4 });
  sampledAdditive.sentences[0].scores.forEach((v, k) => assert.ok(Math.abs(v - (WEIGHTS[long[k + 1]] ?? 0)) < 1e-9));
});
