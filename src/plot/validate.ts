import type { TensorLike } from "../tensor/types";

/** Numbers a figure builder accepts: nested arrays or a tensor (transformers.js, onnxruntime, plain object). */
export type NumericMatrix = readonly (readonly number[])[] | TensorLike;
/** A row of numbers, as an array, typed array or rank-1 tensor. */
export type NumericVector = readonly number[] | ArrayLike<number> | TensorLike;

/** True for objects with tensor-like `dims` and `data`. */
function isTensorLike(value: unknown): value is TensorLike {
  return typeof value === "object" && value !== null && "dims" in value && "data" in value;
}

/** Reads element i of a tensor's data as a number; bigint (int64) included. */
function readNumber(data: TensorLike["data"], i: number): number {
  const v = data[i];
  return typeof v === "number" ? v : typeof v === "bigint" ? Number(v) : typeof v === "boolean" ? Number(v) : Number.NaN;
}

/** Throws unless every value is a finite number, naming the argument and the first bad position. */
function assertFinite(rows: number[][], argName: string): void {
  rows.forEach((row, i) => row.forEach((v, j) => {
    if (typeof v !== "number" || !Number.isFinite(v)) {
      throw new RangeError(`${argName}[${i}][${j}] is ${String(v)}; figures need finite numbers (check for NaN from a 0/0 or a log of 0 upstream)`);
    }
  }));
}

/** Converts a tensor or nested array to a rectangular number[][], checking it is non-empty and finite. Leading size-1 dims (a batch of one) are dropped. */
export function toMatrix(value: NumericMatrix, argName: string): number[][] {
  let rows: number[][];
  if (isTensorLike(value)) {
    const dims = [...value.dims];
    while (dims.length > 2 && dims[0] === 1) dims.shift();
    if (dims.length !== 2) {
      throw new RangeError(`${argName} must be 2-D (rows × columns); it has dims [${value.dims.join(", ")}]. Pick one slice first, e.g. one head of an attention tensor.`);
    }
    const [r, c] = dims;
    if (value.data.length !== r * c) throw new RangeError(`${argName} has dims [${value.dims.join(", ")}] but holds ${value.data.length} values`);
    rows = Array.from({ length: r }, (_, i) => Array.from({ length: c }, (_, j) => readNumber(value.data, i * c + j)));
  } else if (Array.isArray(value)) {
    rows = value.map((row, i) => {
      if (!Array.isArray(row) && !ArrayBuffer.isView(row)) throw new TypeError(`${argName}[${i}] must be an array of numbers; got ${typeof row}`);
      return Array.from(row as ArrayLike<number>);
    });
  } else {
    throw new TypeError(`${argName} must be a 2-D array of numbers or a tensor; got ${value === null ? "null" : typeof value}`);
  }
  if (rows.length === 0 || rows[0].length === 0) throw new RangeError(`${argName} is empty; a figure needs at least one row and one column`);
  const width = rows[0].length;
  rows.forEach((row, i) => {
    if (row.length !== width) throw new RangeError(`${argName} is ragged: row 0 has ${width} values but row ${i} has ${row.length}`);
  });
  assertFinite(rows, argName);
  return rows;
}

/** Converts a tensor, typed array or array to number[], checking it is non-empty and finite. */
export function toVector(value: NumericVector, argName: string): number[] {
  let values: number[];
  if (isTensorLike(value)) {
    const size = value.dims.reduce((n, d) => n * d, 1);
    if (value.dims.filter((d) => d !== 1).length > 1) throw new RangeError(`${argName} must be 1-D; it has dims [${value.dims.join(", ")}]`);
    values = Array.from({ length: size }, (_, i) => readNumber(value.data, i));
  } else if (Array.isArray(value) || ArrayBuffer.isView(value)) {
    values = Array.from(value as ArrayLike<number | bigint>, (v) => (typeof v === "bigint" ? Number(v) : v));
  } else {
    throw new TypeError(`${argName} must be an array of numbers or a 1-D tensor; got ${value === null ? "null" : typeof value}`);
  }
  if (values.length === 0) throw new RangeError(`${argName} is empty; a figure needs at least one value`);
  values.forEach((v, i) => {
    if (typeof v !== "number" || !Number.isFinite(v)) throw new RangeError(`${argName}[${i}] is ${String(v)}; figures need finite numbers`);
  });
  return values;
}

/** Throws unless `labels` is an array of exactly `expected` strings; `what` names the size it must match, e.g. "the rows of weights". */
export function validateLabels(labels: readonly string[], argName: string, expected: number, what: string): string[] {
  if (!Array.isArray(labels)) throw new TypeError(`${argName} must be an array of strings; got ${labels === null ? "null" : typeof labels}`);
  if (labels.length !== expected) {
    throw new RangeError(`${argName} has ${labels.length} entries but ${what} number ${expected}; they must match one to one`);
  }
  labels.forEach((label, i) => {
    if (typeof label !== "string") throw new TypeError(`${argName}[${i}] must be a string; got ${typeof label}`);
  });
  return [...labels];
}
