import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { assertDecoderStart, DecoderStartError, idsTensor, shiftRight, withDecoderStart } from "../../../src/model/t5";

test("shiftRight puts the start token first and drops the last label, so position t+1 of the input is label t", () => {
  assert.deepEqual(shiftRight([119, 3663, 1], 0), [0, 119, 3663]);
  fc.assert(fc.property(fc.array(fc.nat(32000), { minLength: 1, maxLength: 40 }), fc.nat(5), (labels, start) => {
    const shifted = shiftRight(labels, start);
    assert.equal(shifted.length, labels.length);
    assert.equal(shifted[0], start);
    labels.slice(0, -1).forEach((label, t) => assert.equal(shifted[t + 1], label));
  }));
});

test("shiftRight refuses an empty target", () => {
  assert.throws(() => shiftRight([], 0), /labels is empty/);
});

test("withDecoderStart prefixes the start token to what was generated so far (bigints become numbers)", () => {
  assert.deepEqual(withDecoderStart([], 0), [0]);
  assert.deepEqual(withDecoderStart([5n, 7n], 0), [0, 5, 7]);
});

test("idsTensor makes an int64 [rows, length] tensor and refuses ragged rows", () => {
  const t = idsTensor([[0, 1], [0, 2]]);
  assert.equal(t.type, "int64");
  assert.deepEqual(t.dims, [2, 2]);
  assert.deepEqual(Array.from(t.data as BigInt64Array), [0n, 1n, 0n, 2n]);
  assert.throws(() => idsTensor([[0, 1], [0]]), /row 1 has 1 ids, row 0 has 2/);
  assert.throws(() => idsTensor([]), /no rows/);
});

test("assertDecoderStart accepts rows that start with the start token", () => {
  assert.doesNotThrow(() => assertDecoderStart(idsTensor([[0, 5], [0, 0]]), 0));
});

test("assertDecoderStart throws DecoderStartError naming the row, the id found and the fix", () => {
  const error = (() => {
    try {
      assertDecoderStart(idsTensor([[0, 5], [119, 3663]]), 0);
    } catch (e) {
      return e;
    }
    return null;
  })();
  assert.ok(error instanceof DecoderStartError);
  assert.deepEqual([error.row, error.found, error.expected], [1, 119, 0]);
  assert.match(error.message, /row 1 starts with id 119.*decoder start token is 0.*shiftRight/);
});

test("assertDecoderStart refuses an empty or non-2-D decoder input", () => {
  assert.throws(() => assertDecoderStart({ dims: [1, 0], data: [] }, 0), /length ≥ 1/);
  assert.throws(() => assertDecoderStart({ dims: [3], data: [0, 1, 2] }, 0), /\[batch, length\]/);
});
