import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { Tensor } from "@huggingface/transformers";
import { argmax, logSoftmax, softmax, sigmoid } from "../../src/tensor";

const f32 = (values: number[], dims: number[]) => new Tensor("float32", Float32Array.from(values), dims);
const row = (t: { data: ArrayLike<number | bigint> }, from: number, width: number) =>
  Array.from({ length: width }, (_, j) => Number(t.data[from + j]));

test("softmax works along the last axis, not over the flattened data", () => {
  const p = softmax(f32([1, 2, 3, 1, 2, 3], [2, 3]));
  assert.deepEqual(p.dims, [2, 3]);
  assert.deepEqual(row(p, 0, 3), row(p, 3, 3), "equal rows give equal probabilities");
  const sum = row(p, 0, 3).reduce((a, b) => a + b, 0);
  assert.ok(Math.abs(sum - 1) < 1e-6, `row sums to ${sum}`);
});

test("softmax keeps the float type it was given", () => {
  assert.equal(softmax(f32([0, 1], [2])).type, "float32");
  assert.equal(softmax(new Tensor("float64", Float64Array.from([0, 1]), [2])).type, "float64");
});

test("softmax of [1000, 0] is finite where the naive formula overflows", () => {
  const naive = [Math.exp(1000) / (Math.exp(1000) + Math.exp(0))];
  assert.ok(Number.isNaN(naive[0]), "the naive version gives NaN");
  const p = softmax(f32([1000, 0], [2]));
  assert.equal(Number(p.data[0]), 1);
  assert.ok(Number(p.data[1]) >= 0 && Number.isFinite(Number(p.data[1])));
});

test("logSoftmax equals z - logsumexp(z) and keeps the log of tiny probabilities", () => {
  const l = logSoftmax(f32([0, 200], [2]));
  assert.ok(Math.abs(Number(l.data[0]) + 200) < 1e-3, `log p0 = ${l.data[0]}`);
  assert.ok(Math.abs(Number(l.data[1])) < 1e-6);
});

test("sigmoid maps 0 to one half and is symmetric", () => {
  const s = sigmoid(f32([0, 3, -3], [3]));
  assert.equal(Number(s.data[0]), 0.5);
  assert.ok(Math.abs(Number(s.data[1]) + Number(s.data[2]) - 1) < 1e-6);
});

test("argmax returns int64 indices of the leading dims, first index on ties", () => {
  const idx = argmax(f32([-1.5607, 1.6123, 4.1692, -3.3464, 2, 2], [3, 2]));
  assert.equal(idx.type, "int64");
  assert.deepEqual(idx.dims, [3]);
  assert.deepEqual(Array.from(idx.data as BigInt64Array, Number), [1, 0, 0]);
});

test("softmax, logSoftmax and argmax reject empty and non-float tensors with named errors", () => {
  for (const fn of [softmax, logSoftmax, argmax]) {
    assert.throws(() => fn(f32([], [0])), { name: "RangeError", message: /non-empty/ });
    assert.throws(() => fn(f32([], [2, 0])), { name: "RangeError" });
    assert.throws(() => fn(new Tensor("int64", BigInt64Array.from([1n]), [1])), { name: "TypeError", message: /int64/ });
    assert.throws(() => fn(null as never), { name: "TypeError", message: /must be a tensor/ });
  }
  assert.throws(() => softmax(f32([1], [])), { name: "RangeError", message: /rank >= 1/ });
});

const logitRows = fc.integer({ min: 1, max: 6 }).chain((width) =>
  fc.tuple(fc.constant(width), fc.array(fc.array(fc.double({ min: -1e4, max: 1e4, noNaN: true }), { minLength: width, maxLength: width }), { minLength: 1, maxLength: 4 })));

test("property: every row of softmax sums to 1 within 1e-6 and has no NaN or Infinity for logits up to ±1e4", () => {
  fc.assert(fc.property(logitRows, ([width, rows]) => {
    const p = softmax(f32(rows.flat(), [rows.length, width]));
    for (let r = 0; r < rows.length; r++) {
      const values = row(p, r * width, width);
      assert.ok(values.every(Number.isFinite));
      assert.ok(Math.abs(values.reduce((a, b) => a + b, 0) - 1) < 1e-6);
    }
  }));
});

test("property: softmax(z + c) = softmax(z)", () => {
  fc.assert(fc.property(logitRows, fc.double({ min: -100, max: 100, noNaN: true }), ([width, rows], c) => {
    const dims = [rows.length, width];
    const a = softmax(new Tensor("float64", Float64Array.from(rows.flat()), dims));
    const b = softmax(new Tensor("float64", Float64Array.from(rows.flat().map((z) => z + c)), dims));
    for (let i = 0; i < a.data.length; i++) assert.ok(Math.abs(Number(a.data[i]) - Number(b.data[i])) < 1e-9);
  }));
});

test("property: argmax(softmax(z)) = argmax(z) when the maximum is unique", () => {
  fc.assert(fc.property(logitRows, ([width, rows]) => {
    fc.pre(rows.every((r) => r.filter((v) => v === Math.max(...r)).length === 1 && [...r].sort((x, y) => y - x)[1] < Math.max(...r) - 1e-3));
    const dims = [rows.length, width];
    const z = new Tensor("float64", Float64Array.from(rows.flat()), dims);
    assert.deepEqual(Array.from(argmax(softmax(z)).data as BigInt64Array), Array.from(argmax(z).data as BigInt64Array));
  }));
});
