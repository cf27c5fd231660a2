import { test } from "node:test";
import assert from "node:assert/strict";
import { Tensor } from "@huggingface/transformers";
import { formatTensor, tensorToJSON } from "../../src/tensor";

const courseIds = [101, 1045, 1005, 2310, 2042, 3403, 2005, 1037, 17662, 12172, 2607, 2026, 2878, 2166, 1012, 102,
  101, 1045, 5223, 2023, 2061, 2172, 999, 102, 0, 0, 0, 0, 0, 0, 0, 0];

test("int64 tensors print as plain integers, never with the BigInt n", () => {
  const ids = new Tensor("int64", BigInt64Array.from(courseIds.map(BigInt)), [2, 16]);
  const text = formatTensor(ids);
  assert.doesNotMatch(text, /\d+n\b/);
  assert.match(text, /^tensor\(\[\[  101,  1045,/);
  assert.match(text, /dtype=int64, dims=\[2, 16\]\)$/);
});

test("columns are aligned: every row of a matrix has the same length", () => {
  const ids = new Tensor("int64", BigInt64Array.from(courseIds.map(BigInt)), [2, 16]);
  const rows = formatTensor(ids, { lineWidth: 200 }).split("\n");
  assert.equal(rows.length, 2);
  assert.equal(rows[0].indexOf("1045"), rows[1].indexOf("1045"));
  assert.equal(rows[0].indexOf("]"), rows[1].indexOf("]"), "both rows close at the same column");
});

test("rows longer than lineWidth (100 by default) wrap, PyTorch-style, and keep their columns aligned", () => {
  const ids = new Tensor("int64", BigInt64Array.from(courseIds.map(BigInt)), [2, 16]);
  const lines = formatTensor(ids).split("\n");
  assert.ok(lines.length > 2, "each 16-id row takes more than one line");
  assert.ok(lines.every((line) => line.length <= 100), lines.join("\n"));
  assert.equal(lines[0].indexOf("1045"), lines.find((line, i) => i > 0 && line.includes("[  101"))!.indexOf("1045"));
  assert.deepEqual(formatTensor(ids, { lineWidth: 60 }).split("\n").filter((line) => line.length > 60), []);
  const wide = new Tensor("float32", new Float32Array(2 * 16 * 768).fill(0.5), [2, 16, 768]);
  assert.ok(formatTensor(wide).split("\n").every((line) => line.length <= 100), "dtype and dims move to their own line when needed");
});

test("floats of similar magnitude print fixed with four decimals", () => {
  const logits = new Tensor("float32", new Float32Array([-1.5607, 1.6123, 4.1692, -3.3464]), [2, 2]);
  assert.equal(formatTensor(logits), "tensor([[-1.5607,  1.6123],\n        [ 4.1692, -3.3464]], dtype=float32, dims=[2, 2])");
});

test("floats spanning orders of magnitude switch to scientific notation with two-digit exponents", () => {
  const probs = new Tensor("float32", new Float32Array([0.040195, 0.95981, 0.99946, 0.00054419]), [2, 2]);
  const text = formatTensor(probs);
  assert.match(text, /4\.0195e-02/);
  assert.match(text, /5\.4419e-04/);
  assert.match(text, /9\.9946e-01/);
});

test("integral floats keep a trailing point, like PyTorch", () => {
  assert.match(formatTensor(new Tensor("float32", new Float32Array([1, 0, 2]), [3])), /\[1\., 0\., 2\.\]/);
});

test("non-finite values print as nan and inf", () => {
  const text = formatTensor(new Tensor("float32", new Float32Array([NaN, Infinity, -Infinity, 0.5]), [4]));
  assert.match(text, /nan/);
  assert.match(text, / inf/);
  assert.match(text, /-inf/);
});

test("large tensors are elided with ... keeping three items at each end of each long dimension", () => {
  const data = Float32Array.from({ length: 2 * 16 * 768 }, (_, i) => (i % 7) / 10);
  const text = formatTensor(new Tensor("float32", data, [2, 16, 768]));
  const firstRow = text.split("\n")[0];
  assert.equal(firstRow.match(/\d\.\d{4}/g)?.length, 6, "3 items, the ellipsis and 3 items");
  assert.match(firstRow, /\.\.\./);
  assert.ok(text.split("\n").length < 20, "rows are elided too");
  assert.match(text, /dims=\[2, 16, 768\]/);
});

test("ranks 0 to 4 all print", () => {
  for (let rank = 0; rank <= 4; rank++) {
    const dims = Array.from({ length: rank }, () => 2);
    const size = dims.reduce((a, b) => a * b, 1);
    const text = formatTensor(new Tensor("float32", Float32Array.from({ length: size }, (_, i) => i + 0.5), dims));
    const opening = text.slice("tensor(".length).match(/^\[*/)![0].length;
    assert.equal(opening, rank, `rank ${rank}: ${text}`);
  }
});

test("bool tensors print True/False", () => {
  const mask = new Tensor("bool", Uint8Array.from([1, 0]), [2]);
  assert.match(formatTensor(mask), /\[ True, False\]/);
});

test("tensorToJSON turns int64 into plain numbers so JSON.stringify works", () => {
  const ids = new Tensor("int64", BigInt64Array.from([101n, 102n, 0n, 1n]), [2, 2]);
  assert.throws(() => JSON.stringify({ data: ids.data[0] }));
  const json = JSON.stringify(tensorToJSON(ids));
  assert.deepEqual(JSON.parse(json), { dtype: "int64", dims: [2, 2], data: [[101, 102], [0, 1]] });
});

test("tensorToJSON keeps int64 values beyond 2^53 exact, as decimal strings", () => {
  const big = new Tensor("int64", BigInt64Array.from([2n ** 60n + 1n]), [1]);
  assert.deepEqual(tensorToJSON(big).data, ["1152921504606846977"]);
});

test("formatTensor rejects something that is not a tensor, naming the argument", () => {
  assert.throws(() => formatTensor({} as never), { name: "TypeError", message: /t must be a tensor/ });
  assert.throws(() => formatTensor({ type: "float32", dims: [3], data: new Float32Array(2) }), { name: "RangeError", message: /3 elements/ });
});

test("wrapText breaks lines at spaces to fit the width and keeps the words", async () => {
  const { wrapText } = await import("../../src/plot");
  const text = "Model: offline demo model distilbert-sst2-demo (WORKBOOK_MODEL=offline; build/models/x): numbers differ.";
  const wrapped = wrapText(text, 40);
  assert.ok(wrapped.split("\n").every((line) => line.length <= 40), wrapped);
  assert.equal(wrapped.replace(/\n/g, " "), text);
  assert.equal(wrapText("short\nlines", 40), "short\nlines");
});
