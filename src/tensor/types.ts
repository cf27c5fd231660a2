import { Tensor } from "@huggingface/transformers";

/** The element types a tensor can hold, named as transformers.js and onnxruntime name them. */
export type DType =
  | "float32" | "float64" | "float16" | "int8" | "uint8" | "int16" | "uint16"
  | "int32" | "uint32" | "int64" | "uint64" | "bool" | "string";

/** Anything shaped like a tensor: a transformers.js `Tensor`, an onnxruntime `Tensor`, or a plain object. */
export interface TensorLike {
  readonly type: string;
  readonly dims: readonly number[];
  readonly data: ArrayLike<number | bigint | boolean | string> | ArrayLike<number> | ArrayLike<bigint>;
}

/** Element types whose values are real numbers that softmax and friends accept. */
const FLOAT_TYPES = new Set(["float32", "float64"]);

/** True when the tensor holds float32 or float64 values. */
export function isFloatTensor(t: TensorLike): boolean {
  return FLOAT_TYPES.has(t.type);
}

/** Number of elements a tensor of these dims holds. */
export function elementCount(dims: readonly number[]): number {
  return dims.reduce((n, d) => n * d, 1);
}

/** Throws a TypeError unless `value` looks like a tensor (type, dims, data of matching size). */
export function assertTensor(value: unknown, argName: string): asserts value is TensorLike {
  const t = value as TensorLike | null | undefined;
  if (t === null || typeof t !== "object" || typeof t.type !== "string" || !Array.isArray(t.dims) && !ArrayBuffer.isView(t.dims) || t.data == null) {
    throw new TypeError(`${argName} must be a tensor with type, dims and data (a transformers.js or onnxruntime Tensor); got ${describe(value)}`);
  }
  const expected = elementCount(t.dims);
  if (t.data.length !== expected) {
    throw new RangeError(`${argName} has dims [${t.dims.join(", ")}] (${expected} elements) but its data holds ${t.data.length}`);
  }
}

/** Throws unless the tensor holds floats and is not empty: what softmax, argmax and friends need. */
export function assertNonEmptyFloat(t: unknown, argName: string, what: string): asserts t is TensorLike {
  assertTensor(t, argName);
  if (!isFloatTensor(t)) {
    throw new TypeError(`${what} needs a float32 or float64 tensor; ${argName} is ${t.type}. Convert it first (e.g. tensor.to("float32")).`);
  }
  if (t.dims.length === 0 || t.data.length === 0) {
    throw new RangeError(`${what} needs a non-empty tensor of rank >= 1; ${argName} has dims [${t.dims.join(", ")}]`);
  }
}

/** Reads element i of a numeric tensor as a JS number (int64 via Number()). */
export function numberAt(t: TensorLike, i: number): number {
  return Number(t.data[i]);
}

/** A new transformers.js Tensor: the one tensor type the helper hands back to notebooks. */
export function makeTensor(type: DType, data: Float32Array | Float64Array | BigInt64Array | Int32Array | Uint8Array, dims: readonly number[]): Tensor {
  return new Tensor(type, data as never, [...dims]);
}

/** A short description of a value for error messages. */
export function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (typeof value === "object") return `an object with keys [${Object.keys(value as object).slice(0, 5).join(", ")}]`;
  return `${typeof value} ${String(value).slice(0, 40)}`;
}
