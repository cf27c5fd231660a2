import type { TensorLike } from "../tensor/types";

/** Raised by a notebook's self-check; the message says what was compared and where it differed. */
export class CheckFailedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CheckFailedError";
  }
}

type Nested = number | bigint | readonly Nested[];

function flatten(value: Nested | TensorLike): number[] {
  if (typeof value === "number" || typeof value === "bigint") return [Number(value)];
  if ("data" in value && "dims" in value) return Array.from(value.data as ArrayLike<number | bigint>, Number);
  return (value as readonly Nested[]).flatMap((v) => flatten(v));
}

function shapeOf(value: Nested | TensorLike): number[] {
  if (typeof value === "number" || typeof value === "bigint") return [];
  if ("data" in value && "dims" in value) return [...value.dims];
  const items = value as readonly Nested[];
  return [items.length, ...(items.length ? shapeOf(items[0]) : [])];
}

// Inside `checkAll` the single checks stay silent: the group prints one ✓ line for the idea.
let silent = 0;

function pass(what: string, detail: string): void {
  if (silent > 0) return;
  console.log(`✓ ${what}${detail ? ` (${detail})` : ""}`);
}

/** Checks a condition; prints `✓ what` or throws CheckFailedError with `what` and the detail. */
export function check(condition: boolean, what: string, detailOnFailure = ""): void {
  if (!condition) throw new CheckFailedError(`check failed: ${what}${detailOnFailure ? `: ${detailOnFailure}` : ""}`);
  pass(what, "");
}

/** Checks that two tensors or nested arrays are exactly equal (shape and values); prints ✓ or throws naming the first difference. */
export function checkEqual(actual: Nested | TensorLike, expected: Nested | TensorLike, what: string): void {
  const [a, e] = [flatten(actual), flatten(expected)];
  const [sa, se] = [shapeOf(actual), shapeOf(expected)];
  if (sa.join() !== se.join()) throw new CheckFailedError(`check failed: ${what}: shape [${sa.join(", ")}] != expected [${se.join(", ")}]`);
  const at = a.findIndex((v, i) => v !== e[i]);
  if (at >= 0) throw new CheckFailedError(`check failed: ${what}: element ${at} is ${a[at]}, expected ${e[at]}`);
  pass(what, a.length > 1 ? `${a.length} values` : "");
}

/** Checks that values agree within an absolute tolerance; prints ✓ with the largest difference, or throws naming it. */
export function checkClose(actual: Nested | TensorLike, expected: Nested | TensorLike, tolerance: number, what: string): void {
  const [a, e] = [flatten(actual), flatten(expected)];
  if (a.length !== e.length) throw new CheckFailedError(`check failed: ${what}: ${a.length} values, expected ${e.length}`);
  let worst = 0;
  let worstAt = -1;
  for (let i = 0; i < a.length; i++) {
    const diff = Math.abs(a[i] - e[i]);
    if (!(diff <= worst)) { worst = diff; worstAt = i; } // also catches NaN
  }
  if (!(worst <= tolerance)) {
    throw new CheckFailedError(`check failed: ${what}: element ${worstAt} is ${a[worstAt]}, expected ${e[worstAt]} (difference ${worst.toExponential(2)} > ${tolerance})`);
  }
  pass(what, `largest difference ${worst.toExponential(2)} ≤ ${tolerance}`);
}

/** Checks a tensor's dims; prints ✓ or throws with both shapes. */
export function checkShape(tensor: TensorLike, expected: readonly number[], what: string): void {
  if (tensor.dims.join() !== expected.join()) {
    throw new CheckFailedError(`check failed: ${what}: dims [${tensor.dims.join(", ")}], expected [${expected.join(", ")}]`);
  }
  pass(what, `[${expected.join(", ")}]`);
}

/** Runs several checks of one idea silently, then prints one `✓ what`; the first failing check throws as usual. */
export function checkAll(what: string, checks: () => void): void {
  silent++;
  try {
    checks();
  } finally {
    silent--;
  }
  pass(what, "");
}
