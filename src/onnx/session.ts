import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { Tensor } from "@huggingface/transformers";
import * as ort from "onnxruntime-node";
import type { TensorLike } from "../tensor/types";
import type { ModelIndex } from "./model-index";
import { onnx } from "./proto";

/** Inputs for a sequence-classification model: transformers.js Tensors, onnxruntime Tensors or plain tensor-likes. */
export type ModelFeeds = Record<string, TensorLike>;

/** Session options passed through to onnxruntime-node. */
export type SessionOptions = ort.InferenceSession.SessionOptions;

/**
 * The external-data files the model's initializers point to, read into memory: ORT-node needs them as
 * buffers when the model itself comes from a buffer, not a path.
 */
export function externalDataFor(index: ModelIndex, modelFile: string): { path: string; data: Uint8Array }[] {
  const locations = new Set<string>();
  for (const scope of index.scopes) {
    for (const t of scope.initializers.values()) {
      if (t.dataLocation !== onnx.TensorProto.DataLocation.EXTERNAL) continue;
      const location = t.externalData?.find((e) => e.key === "location")?.value;
      if (location) locations.add(location);
    }
  }
  return [...locations].map((path) => ({ path, data: readFileSync(join(dirname(modelFile), path)) }));
}

/** Opens an onnxruntime-node session on model bytes (edited or not). */
export async function openSession(bytes: Uint8Array, options: SessionOptions = {}, externalData: { path: string; data: Uint8Array }[] = []): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(bytes, externalData.length > 0 ? { ...options, externalData } : options);
}

const TYPED_ARRAYS = {
  int64: BigInt64Array, int32: Int32Array, float32: Float32Array, float64: Float64Array, uint8: Uint8Array, int8: Int8Array, bool: Uint8Array,
} as const;

/** Converts a tensor-like to an onnxruntime Tensor of `type`, converting the element type when it differs (e.g. int32 ids → int64). */
function toOrtTensor(t: TensorLike, type: string, name: string): ort.Tensor {
  if (t.type === type && ArrayBuffer.isView(t.data)) return new ort.Tensor(type as "int64", t.data as BigInt64Array, [...t.dims]);
  const Ctor = TYPED_ARRAYS[type as keyof typeof TYPED_ARRAYS];
  if (!Ctor) throw new TypeError(`input '${name}' must be ${type}; got ${t.type}, which this helper does not convert`);
  const data = Ctor === BigInt64Array
    ? BigInt64Array.from(Array.from(t.data as ArrayLike<number | bigint>, (v) => BigInt(v)))
    : (Ctor as Float32ArrayConstructor).from(Array.from(t.data as ArrayLike<number>, Number));
  return new ort.Tensor(type as "int64", data as BigInt64Array, [...t.dims]);
}

/**
 * The feeds the session declares, converted to its element types. `token_type_ids`, when declared and
 * not given, is zeros like `input_ids` (what transformers.js feeds).
 */
export function prepareFeeds(session: ort.InferenceSession, feeds: ModelFeeds): Record<string, ort.Tensor> {
  const out: Record<string, ort.Tensor> = {};
  for (const meta of session.inputMetadata) {
    const type = meta.isTensor ? meta.type : "int64";
    const given = feeds[meta.name];
    if (given) {
      out[meta.name] = toOrtTensor(given, type, meta.name);
    } else if (meta.name === "token_type_ids" && feeds.input_ids) {
      out[meta.name] = new ort.Tensor("int64", new BigInt64Array(feeds.input_ids.data.length), [...feeds.input_ids.dims]);
    } else {
      throw new TypeError(`The model needs input '${meta.name}' (${type}); the feeds given were [${Object.keys(feeds).join(", ")}].`);
    }
  }
  return out;
}

/** Wraps an onnxruntime output as a transformers.js Tensor (no copy), keeping its element type. */
export function toTensor(t: ort.Tensor): Tensor {
  return new Tensor(t.type, t.data as never, [...t.dims]);
}
