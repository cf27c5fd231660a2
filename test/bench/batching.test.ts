import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { padBatch, paddingTokens, planBatches } from "../../scripts/bench/batching";

const lengthsArb = fc.array(fc.integer({ min: 1, max: 200 }), { maxLength: 80 });
const sizeArb = fc.integer({ min: 1, max: 70 });

test("input order: consecutive slices of the given size, the last one shorter", () => {
  assert.deepEqual(planBatches([3, 9, 4, 7, 5], { batchSize: 2, sortByLength: false }), [[0, 1], [2, 3], [4]]);
});

test("sorted: runs of the length order, shortest first, ties in input order", () => {
  assert.deepEqual(planBatches([9, 3, 4, 3, 5, 8], { batchSize: 2, sortByLength: true }), [[1, 3], [2, 4], [5, 0]]);
});

test("sorted: the one short batch goes where it saves the most padding, never costing more than input order", () => {
  // At the end it holds the longest sentence ([1, 1] [5]: no padding), at the start the shortest.
  assert.deepEqual(planBatches([1, 5, 1], { batchSize: 2, sortByLength: true }), [[0, 2], [1]]);
  assert.deepEqual(planBatches([1, 7, 7, 1, 1, 1, 1], { batchSize: 6, sortByLength: true }), [[0], [3, 4, 5, 6, 1, 2]]);
});

test("every sentence lands in exactly one batch, no batch over the size", () => {
  fc.assert(
    fc.property(lengthsArb, sizeArb, fc.boolean(), (lengths, batchSize, sortByLength) => {
      const batches = planBatches(lengths, { batchSize, sortByLength });
      assert.deepEqual(batches.flat().sort((a, b) => a - b), lengths.map((_, i) => i));
      assert.ok(batches.every((b) => b.length >= 1 && b.length <= batchSize));
    }),
  );
});

test("sorting by length needs no more padding than any order of the same sentences", () => {
  fc.assert(
    fc.property(lengthsArb, sizeArb, fc.array(fc.double({ min: 0, max: 1, noNaN: true })), (lengths, batchSize, keys) => {
      const sorted = paddingTokens(lengths, planBatches(lengths, { batchSize, sortByLength: true }));
      const shuffled = lengths.map((_, i) => i).sort((a, b) => (keys[a] ?? 0) - (keys[b] ?? 0));
      const inShuffledOrder = shuffled.map((i) => lengths[i]);
      const other = paddingTokens(inShuffledOrder, planBatches(inShuffledOrder, { batchSize, sortByLength: false }));
      assert.ok(sorted <= other, `sorted ${sorted} > ${other}`);
    }),
    { numRuns: 500 },
  );
});

test("padding counts the positions up to each batch's longest sentence", () => {
  // Batches [2, 5] and [3]: 3 positions pad the first, none the second.
  assert.equal(paddingTokens([2, 5, 3], [[0, 1], [2]]), 3);
  assert.equal(paddingTokens([4, 4], [[0, 1]]), 0);
});

test("padBatch right-pads with the pad id and masks only the real tokens", () => {
  const batch = padBatch([[101, 7, 102], [101, 102]], 0);
  assert.deepEqual([batch.rows, batch.width], [2, 3]);
  assert.deepEqual([...batch.inputIds], [101n, 7n, 102n, 101n, 102n, 0n]);
  assert.deepEqual([...batch.attentionMask], [1n, 1n, 1n, 1n, 1n, 0n]);
});

test("bad input is refused with the argument named", () => {
  assert.throws(() => planBatches([1, 2], { batchSize: 0, sortByLength: false }), /batchSize must be an integer ≥ 1; got 0/);
  assert.throws(() => planBatches([1, -2], { batchSize: 1, sortByLength: false }), /lengths\[1\] must be a token count/);
  assert.throws(() => padBatch([], 0), /empty batch/);
});
