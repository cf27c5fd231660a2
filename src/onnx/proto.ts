// onnx-proto is a CommonJS protobufjs bundle; one import site keeps its shape in one place.
import { onnx } from "onnx-proto";

export { onnx };

/** ONNX TensorProto element-type codes for the types this project writes. */
export const ONNX_TYPE = {
  float32: 1, uint8: 2, int8: 3, int32: 6, int64: 7, bool: 9, float16: 10, float64: 11,
} as const;

/** Decodes an ONNX model from its serialized bytes. */
export function decodeModel(bytes: Uint8Array): onnx.ModelProto {
  return onnx.ModelProto.decode(bytes);
}

/** Serializes an ONNX model to bytes. */
export function encodeModel(model: onnx.IModelProto): Uint8Array {
  return onnx.ModelProto.encode(model).finish();
}
