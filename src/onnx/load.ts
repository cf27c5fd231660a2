import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { OnnxReadError } from "./errors";
import { decodeModel, onnx } from "./proto";
import { readFields, readVarint, WireFormatError } from "./wire";

/** ModelProto field names, for saying where a damaged file stops making sense. */
const MODEL_FIELDS: Record<number, string> = {
  1: "ir_version", 2: "producer_name", 3: "producer_version", 4: "domain", 5: "model_version", 6: "doc_string",
  7: "graph", 8: "opset_import", 14: "metadata_props", 20: "training_info", 25: "functions", 26: "configuration",
};

/** File-name suffixes transformers.js uses for each dtype (`onnx/model{suffix}.onnx`). */
export const DTYPE_SUFFIX = { fp32: "", fp16: "_fp16", q8: "_quantized", int8: "_int8", uint8: "_uint8", q4: "_q4", q4f16: "_q4f16", bnb4: "_bnb4" } as const;

/** Which weights of a checkpoint to run, named as transformers.js's `dtype` option names them ("fp32", "q8", …). */
export type ModelDtype = keyof typeof DTYPE_SUFFIX;

/** Where transformers.js looks for a dtype's ONNX file inside a model directory: `onnx/model{suffix}.onnx`. */
export function onnxFileName(dtype: ModelDtype): string {
  return `onnx/model${DTYPE_SUFFIX[dtype]}.onnx`;
}

/** The .onnx file for a path: the path itself if it is a file, else `<dir>/onnx/model{suffix}.onnx` as transformers.js lays models out. */
export function resolveModelFile(path: string, dtype: ModelDtype = "fp32"): string {
  if (!existsSync(path)) throw new OnnxReadError(`Cannot read the ONNX model: '${path}' does not exist. Pass the path of a .onnx file or of a model folder.`, path);
  if (!statSync(path).isDirectory()) return path;
  const file = `model${DTYPE_SUFFIX[dtype]}.onnx`;
  for (const candidate of [join(path, "onnx", file), join(path, file)]) if (existsSync(candidate)) return candidate;
  throw new OnnxReadError(`Looked for onnx/${file} (dtype ${dtype}) in the model folder '${path}' and found no such file.`, path);
}

/** Reads a model file's bytes, with an error that names the file when it cannot. */
export function readModelBytes(file: string): Uint8Array {
  try {
    return readFileSync(file);
  } catch (error) {
    throw new OnnxReadError(`Cannot read the ONNX model '${file}': ${(error as Error).message}`, file);
  }
}

/**
 * For a file cut inside its graph (ModelProto field 7 starting at `fieldStart`): how many nodes and
 * initializers are complete, and the last complete node's name and op type.
 */
function describeCutGraph(bytes: Uint8Array, fieldStart: number): string | undefined {
  const [tag, afterTag] = readVarint(bytes, fieldStart, bytes.length);
  if (tag !== 7 * 8 + 2) return undefined;
  const valueStart = readVarint(bytes, afterTag, bytes.length)[1];
  let nodes = 0;
  let initializers = 0;
  let lastNode: onnx.NodeProto | undefined;
  try {
    for (const f of readFields(bytes, valueStart, bytes.length)) {
      if (f.field === 1) {
        nodes++;
        lastNode = onnx.NodeProto.decode(bytes.subarray(f.valueStart, f.end));
      } else if (f.field === 5) {
        initializers++;
      }
    }
  } catch (error) {
    if (!(error instanceof WireFormatError)) throw error;
  }
  const after = lastNode ? `; the last complete node is '${lastNode.name}' (${lastNode.opType})` : "";
  return `The graph is cut after ${nodes} complete node(s) and ${initializers} initializer(s)${after}.`;
}

/**
 * Decodes ONNX bytes, first checking the top-level message field by field so that a truncated or
 * foreign file is reported with the byte and field where it stops, not as a protobufjs range error.
 */
export function decodeModelBytes(bytes: Uint8Array, source = "model bytes"): onnx.ModelProto {
  let last = "the start of the file";
  try {
    for (const f of readFields(bytes, 0, bytes.length)) last = `field ${f.field} (${MODEL_FIELDS[f.field] ?? "unknown"}) at byte ${f.start}`;
  } catch (error) {
    if (!(error instanceof WireFormatError)) throw error;
    const cut = describeCutGraph(bytes, error.offset);
    throw new OnnxReadError(
      `'${source}' is not a complete ONNX model: ${error.message}; the last complete top-level field was ${last}. ` +
        `${cut ? `${cut} ` : ""}The file is probably truncated (an interrupted download or copy) or not an .onnx file.`,
      source, error.offset);
  }
  let model: onnx.ModelProto;
  try {
    model = decodeModel(bytes);
  } catch (error) {
    throw new OnnxReadError(`'${source}' could not be decoded as an ONNX ModelProto: ${(error as Error).message}`, source);
  }
  if (!model.graph || (model.graph.node ?? []).length === 0) {
    throw new OnnxReadError(`'${source}' decodes but has no graph nodes (ModelProto field 7); it is not an ONNX model or it is truncated.`, source);
  }
  if ((model.opsetImport ?? []).length === 0) {
    throw new OnnxReadError(`'${source}' has a graph but no opset_import (ModelProto field 8); the file is probably truncated.`, source);
  }
  return model;
}
