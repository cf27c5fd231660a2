import type { TensorLike } from "../tensor";
import { onnx } from "./proto";

/** An int64 field as onnx-proto decodes it: a number, or a `Long` when long.js is present. */
export type Int64Like = number | { toString(): string };

/** Converts an onnx-proto int64 (`Long` or number) to a JS number. */
export function toNumber(value: Int64Like | null | undefined): number {
  if (value === null || value === undefined) return 0;
  return typeof value === "number" ? value : Number(value.toString());
}

/** ONNX element-type codes (TensorProto.DataType) mapped to the dtype names onnxruntime uses. */
const DTYPE_NAMES: Record<number, string> = {
  1: "float32", 2: "uint8", 3: "int8", 4: "uint16", 5: "int16", 6: "int32", 7: "int64", 8: "string",
  9: "bool", 10: "float16", 11: "float64", 12: "uint32", 13: "uint64", 16: "bfloat16",
};

/** The dtype name for an ONNX element-type code (e.g. 10 → "float16"). */
export function dtypeName(code: number): string {
  return DTYPE_NAMES[code] ?? `onnx-type-${code}`;
}

/** Converts one IEEE half-precision value (as its 16 bits) to a JS number. */
export function halfToNumber(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 0x1f) return fraction ? NaN : sign * Infinity;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

/** A tensor's values widened to float32, whatever its element type (float16 bits are decoded). */
export function tensorToFloat32(t: TensorLike): Float32Array {
  const out = new Float32Array(t.data.length);
  if (t.type === "float16") {
    for (let i = 0; i < out.length; i++) out[i] = halfToNumber(Number(t.data[i]));
  } else {
    for (let i = 0; i < out.length; i++) out[i] = Number(t.data[i]);
  }
  return out;
}

/** Byte width of the element types whose raw data we decode. */
const BYTE_WIDTH: Record<number, number> = { 1: 4, 2: 1, 3: 1, 6: 4, 7: 8, 9: 1, 10: 2, 11: 8 };

/** A constant tensor's element type, dims and values (as float64 numbers). */
export interface ConstantValues {
  readonly type: string;
  readonly dims: number[];
  readonly values: Float64Array;
}

/** Values of an initializer or Constant tensor as plain numbers (float16 decoded), from raw_data or the typed fields. */
export function initializerValues(t: onnx.ITensorProto): ConstantValues {
  const name = t.name ? `'${t.name}'` : "(unnamed constant)";
  const dims = (t.dims ?? []).map(toNumber);
  const count = dims.reduce((n, d) => n * d, 1);
  const code = t.dataType ?? 0;
  if (t.dataLocation === onnx.TensorProto.DataLocation.EXTERNAL) {
    const location = t.externalData?.find((e) => e.key === "location")?.value ?? "?";
    throw new Error(`tensor ${name} keeps its values in the external file '${location}'; reading it needs the data inside the .onnx file`);
  }
  const values = new Float64Array(count);
  const raw = t.rawData;
  if (raw && raw.length > 0) {
    const width = BYTE_WIDTH[code];
    if (width === undefined) throw new Error(`tensor ${name} has element type ${dtypeName(code)}, which this reader does not decode`);
    if (raw.length !== count * width) throw new Error(`tensor ${name} has dims [${dims}] (${count} values) but ${raw.length} bytes of raw data`);
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    for (let i = 0; i < count; i++) {
      const at = i * width;
      switch (code) {
        case 1: values[i] = view.getFloat32(at, true); break;
        case 2: case 9: values[i] = view.getUint8(at); break;
        case 3: values[i] = view.getInt8(at); break;
        case 6: values[i] = view.getInt32(at, true); break;
        case 7: values[i] = Number(view.getBigInt64(at, true)); break;
        case 10: values[i] = halfToNumber(view.getUint16(at, true)); break;
        case 11: values[i] = view.getFloat64(at, true); break;
      }
    }
    return { type: dtypeName(code), dims, values };
  }
  // Typed fields: float_data for float32; int32_data also carries int8/uint8/bool/float16 (as bits).
  const typed: ArrayLike<Int64Like> | null | undefined =
    code === 1 ? t.floatData : code === 7 ? t.int64Data : code === 11 ? t.doubleData : [2, 3, 6, 9, 10].includes(code) ? t.int32Data : undefined;
  if (typed === undefined) throw new Error(`tensor ${name} has element type ${dtypeName(code)}, which this reader does not decode`);
  const list = typed ?? [];
  if (list.length !== count) throw new Error(`tensor ${name} has dims [${dims}] (${count} values) but holds ${list.length}`);
  for (let i = 0; i < count; i++) values[i] = code === 10 ? halfToNumber(toNumber(list[i])) : toNumber(list[i]);
  return { type: dtypeName(code), dims, values };
}
