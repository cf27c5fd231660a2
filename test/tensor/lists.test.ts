import { test } from "node:test";
import assert from "node:assert/strict";
import { Tensor } from "@huggingface/transformers";
import { toNumberRows, toNumbers } from "../../src/tensor";

test("toNumbers and toNumberRows turn int64 data into plain numbers, row-major", () => {
  const ids = new Tensor("int64", BigInt64Array.from([101n, 1045n, 102n, 101n, 999n, 102n]), [2, 3]);
  assert.deepEqual(toNumbers(ids), [101, 1045, 102, 101, 999, 102]);
  assert.deepEqual(toNumberRows(ids), [[101, 1045, 102], [101, 999, 102]]);
  const logits = new Tensor("float32", Float32Array.from([0.5, -1.5]), [1, 2]);
  assert.deepEqual(toNumberRows(logits), [[0.5, -1.5]]);
});

test("toNumberRows names the rank it needs; toNumbers refuses strings", () => {
  const cube = new Tensor("float32", new Float32Array(8), [2, 2, 2]);
  assert.throws(() => toNumberRows(cube), /rank 2 \(\[rows, columns\]\); this one has dims \[2, 2, 2\]/);
  assert.throws(() => toNumbers(new Tensor("string", ["a"], [1])), /needs a numeric tensor; this one is string/);
});
