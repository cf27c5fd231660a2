import { encodeModel, onnx, ONNX_TYPE } from "./proto";

/** A dimension: a fixed size or a symbolic name such as `batch_size`. */
export type Dim = number | string;

/** Attribute values the builder knows how to write. */
export type AttributeValue = number | string | number[] | onnx.ITensorProto | onnx.IGraphProto | { ints: number[] } | { float: number };

/** Element types the builder can declare for graph inputs, outputs and initializers. */
export type ElementType = keyof typeof ONNX_TYPE;

function valueInfo(name: string, type: ElementType, dims: Dim[]): onnx.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType: ONNX_TYPE[type],
        shape: { dim: dims.map((d) => (typeof d === "number" ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}

function attribute(name: string, value: AttributeValue): onnx.IAttributeProto {
  const T = onnx.AttributeProto.AttributeType;
  if (typeof value === "string") return { name, type: T.STRING, s: new TextEncoder().encode(value) };
  // Integral JS numbers are written as INT; use { float: x } to force a FLOAT attribute such as epsilon=1.
  if (typeof value === "number") return Number.isInteger(value) ? { name, type: T.INT, i: value } : { name, type: T.FLOAT, f: value };
  if (Array.isArray(value)) return { name, type: T.INTS, ints: value };
  if ("ints" in value) return { name, type: T.INTS, ints: value.ints };
  if ("float" in value) return { name, type: T.FLOAT, f: value.float };
  if ("node" in value) return { name, type: T.GRAPH, g: value as onnx.IGraphProto };
  return { name, type: T.TENSOR, t: value as onnx.ITensorProto };
}

/** Makes a TensorProto holding `data` with the given dims (raw little-endian bytes, as exporters write them). */
export function tensorProto(name: string, data: Float32Array | BigInt64Array | Int32Array | Uint8Array | Int8Array | Uint16Array, dims: number[], type?: ElementType): onnx.ITensorProto {
  const inferred: ElementType =
    data instanceof Float32Array ? "float32" : data instanceof BigInt64Array ? "int64" : data instanceof Int32Array ? "int32"
      : data instanceof Int8Array ? "int8" : data instanceof Uint16Array ? "float16" : "uint8";
  return {
    name,
    dims,
    dataType: ONNX_TYPE[type ?? inferred],
    rawData: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
  };
}

/** Builds an ONNX graph node by node, the way an exporter lays one out (named nodes, `<node>_output_0` tensors). */
export class GraphBuilder {
  readonly nodes: onnx.INodeProto[] = [];
  readonly initializers: onnx.ITensorProto[] = [];
  readonly inputs: onnx.IValueInfoProto[] = [];
  readonly outputs: onnx.IValueInfoProto[] = [];
  private readonly usedNames = new Set<string>();

  constructor(readonly name = "main_graph") {}

  /** Declares a graph input. */
  input(name: string, type: ElementType, dims: Dim[]): string {
    this.inputs.push(valueInfo(name, type, dims));
    return name;
  }

  /** Declares a graph output. */
  output(name: string, type: ElementType, dims: Dim[]): string {
    this.outputs.push(valueInfo(name, type, dims));
    return name;
  }

  /** Adds a weight (initializer) and returns its name. */
  initializer(name: string, data: Float32Array | BigInt64Array | Int32Array | Uint8Array | Int8Array | Uint16Array, dims: number[], type?: ElementType): string {
    this.initializers.push(tensorProto(name, data, dims, type));
    return name;
  }

  /**
   * Adds a node named `name` and returns its output names. Outputs default to `<name>_output_<i>`,
   * the naming torch.onnx uses, unless `outputs` gives them explicitly.
   */
  node(op: string, inputs: string[], options: { name: string; outputs?: string[] | number; attrs?: Record<string, AttributeValue>; domain?: string }): string[] {
    if (this.usedNames.has(options.name)) throw new Error(`GraphBuilder: node name ${options.name} is used twice`);
    this.usedNames.add(options.name);
    const outputs = Array.isArray(options.outputs)
      ? options.outputs
      : Array.from({ length: options.outputs ?? 1 }, (_, i) => `${options.name}_output_${i}`);
    this.nodes.push({
      name: options.name,
      opType: op,
      domain: options.domain,
      input: inputs,
      output: outputs,
      attribute: Object.entries(options.attrs ?? {}).map(([k, v]) => attribute(k, v)),
    });
    return outputs;
  }

  /** Adds a single-output node and returns that output's name. */
  op(op: string, inputs: string[], name: string, attrs?: Record<string, AttributeValue>, output?: string): string {
    return this.node(op, inputs, { name, attrs, outputs: output ? [output] : 1 })[0];
  }

  /** Adds a Constant node holding a tensor, as torch.onnx does for scalars and shapes. */
  constant(name: string, data: Float32Array | BigInt64Array | Int32Array, dims: number[]): string {
    return this.node("Constant", [], { name, attrs: { value: tensorProto("", data, dims) } })[0];
  }

  /** The graph as a GraphProto (for subgraphs of If/Loop nodes). */
  toGraph(): onnx.IGraphProto {
    return { name: this.name, node: this.nodes, initializer: this.initializers, input: this.inputs, output: this.outputs };
  }

  /** The whole model as ONNX bytes. */
  toBytes(options: { opset?: number; producer?: string; irVersion?: number } = {}): Uint8Array {
    return encodeModel({
      irVersion: options.irVersion ?? 8,
      producerName: options.producer ?? "behind-the-pipeline",
      opsetImport: [{ domain: "", version: options.opset ?? 14 }],
      graph: this.toGraph(),
    });
  }
}
