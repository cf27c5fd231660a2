import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { Tensor } from "@huggingface/transformers";
import { centerRows, indistinguishableRows, logOfProbabilities, perRowShift, saturation } from "../../src";
import { logSumExp, softmax } from "../../src/tensor";

const f32 = (rows: number[][]) => new Tensor("float32", Float32Array.from(rows.flat()), [rows.length, rows[0].length]);
const f64 = (rows: number[][]) => new Tensor("float64", Float64Array.from(rows.flat()), [rows.length, rows[0].length]);
const values = (t: Tensor) => Array.from(t.data as Float64Array);

test("log(softmax(z)) is z minus logsumexp(z) in every row: a constant per row, different across rows", () => {
  fc.assert(fc.property(
    fc.array(fc.array(fc.double({ min: -20, max: 20, noNaN: true }), { minLength: 3, maxLength: 3 }), { minLength: 1, maxLength: 4 }),
    (rows) => {
      const shifts = perRowShift(logOfProbabilities(softmax(f64(rows))), f64(rows));
      shifts.forEach((s, r) => {
        assert.ok(s.spread < 1e-9, `row ${r} spread ${s.spread}`);
        assert.ok(Math.abs(s.shift + logSumExp(rows[r])) < 1e-9, `row ${r} shift ${s.shift}`);
      });
    },
  ));
});

test("logOfProbabilities gives −Infinity for a probability of exactly 0 and refuses values outside [0, 1]", () => {
  assert.deepEqual(values(logOfProbabilities(f32([[0, 1]]))), [-Infinity, 0]);
  assert.throws(() => logOfProbabilities(f32([[-0.4, 0.4]])), /needs probabilities in \[0, 1\]; got -0\.4.*not its logits/);
  assert.throws(() => logOfProbabilities(f32([[0.5, 1.5]])), /got 1\.5/);
});

test("perRowShift: a constant offset has spread 0; anything else has a positive spread; non-finite values give Infinity", () => {
  const logits = f64([[1, 2, 3], [0, -1, 4]]);
  assert.deepEqual(perRowShift(f64([[6, 7, 8], [-2, -3, 2]]), logits), [{ shift: 5, spread: 0 }, { shift: -2, spread: 0 }]);
  assert.equal(perRowShift(f64([[1, 2, 4], [0, -1, 4]]), logits)[0].spread, 1);
  assert.equal(perRowShift(f64([[-Infinity, 2, 3], [0, -1, 4]]), logits)[0].spread, Infinity);
  assert.throws(() => perRowShift(f64([[1, 2, 3]]), logits), /dims \[1, 3\] but logits have \[2, 3\]/);
});

test("centerRows maps z and z + c to the same row, so it is all log(p) can tell about the logits", () => {
  assert.deepEqual(values(centerRows(f64([[1, 2, 6], [11, 12, 16]]))), [-2, -1, 3, -2, -1, 3]);
});

test("saturation counts exact zeros and ones and lists the rows holding a zero", () => {
  assert.deepEqual(saturation(f32([[0, 1, 0], [0.2, 0.3, 0.5], [1e-30, 1, 0]])), { zeros: 3, ones: 2, total: 9, rowsWithZero: [0, 2] });
});

test("in float32, softmax([0, 200]) and softmax([0, 120]) are both exactly [0, 1]: nothing can tell the logits apart", () => {
  const logits = f32([[0, 200], [0, 120], [0, 1]]);
  const pair = indistinguishableRows(softmax(logits), logits);
  assert.ok(pair);
  assert.deepEqual(pair.rows, [0, 1]);
  assert.deepEqual(pair.probabilities, [[0, 1], [0, 1]]);
  assert.equal(pair.logitGap, 40);
  assert.equal(indistinguishableRows(softmax(f64([[0, 200], [0, 120]])), f64([[0, 200], [0, 120]])), null, "float64 keeps e^-200 and e^-120 apart");
});

test("indistinguishableRows ignores rows whose logits differ only by a constant (those really are the same)", () => {
  const logits = f32([[1, 2], [11, 12]]);
  assert.equal(indistinguishableRows(softmax(logits), logits), null);
  assert.throws(() => indistinguishableRows(f32([[0.5, 0.5]]), logits), /1 rows of probabilities but 2 of logits/);
});
