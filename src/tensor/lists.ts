import { assertTensor, type TensorLike } from "./types";

/** A tensor's values as plain numbers, flat in row-major order (int64 through `Number()`, exact below 2^53). */
export function toNumbers(t: TensorLike): number[] {
  assertTensor(t, "t");
  if (t.type === "string" || t.type === "bool") throw new TypeError(`toNumbers needs a numeric tensor; this one is ${t.type}`);
  return Array.from(t.data as ArrayLike<number | bigint>, Number);
}

/** A rank-2 tensor as rows of plain numbers: `tolist()` with its element type known, so no cast is needed. */
export function toNumberRows(t: TensorLike): number[][] {
  assertTensor(t, "t");
  if (t.dims.length !== 2) throw new RangeError(`toNumberRows needs a tensor of rank 2 ([rows, columns]); this one has dims [${t.dims.join(", ")}]`);
  const values = toNumbers(t);
  const [rows, columns] = t.dims;
  return Array.from({ length: rows }, (_, r) => values.slice(r * columns, (r + 1) * columns));
}
