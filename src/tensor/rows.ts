import { assertNonEmptyFloat, numberAt, type TensorLike } from "./types";

/** The rows of a float tensor along its last axis, as plain number arrays (what the score helpers work on). */
export function rowsOf(t: TensorLike, argName: string, what: string): number[][] {
  assertNonEmptyFloat(t, argName, what);
  const width = t.dims[t.dims.length - 1];
  const rows: number[][] = [];
  for (let start = 0; start < t.data.length; start += width) {
    rows.push(Array.from({ length: width }, (_, j) => numberAt(t, start + j)));
  }
  return rows;
}
