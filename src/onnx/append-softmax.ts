// Turns a classifier that outputs logits into one that outputs only probabilities, the way many exported
// networks end (Keras `activation="softmax"`, sklearn-onnx, torch modules that apply softmax in forward).
// The graph is edited at the wire level, as src/onnx/splice.ts does: every field the file carries is copied
// byte for byte except the few touched here, so a 270 MB checkpoint is handled with one copy.
import { GraphStructureError } from "./errors";
import { decodeModelBytes } from "./load";
import { FIELD, ModelIndex } from "./model-index";
import { onnx } from "./proto";
import { concatBytes, encodeVarint, lengthDelimitedField, readFields, stringField, WireType } from "./wire";

/** Options of `appendSoftmax`. */
export interface AppendSoftmaxOptions {
  /** The graph output that holds the logits; default: the model's only output. */
  output?: string;
  /** Name of the new graph output, the probabilities (default `probabilities`). */
  probabilities?: string;
  /** New name of the logits tensor, now internal (default `<producing node>_output_0`, torch.onnx's naming). */
  logitsName?: string;
  /** Name of the new Softmax node (default `/Softmax`). */
  softmaxNode?: string;
}

/** The edited model and the names it now uses. */
export interface SoftmaxAppended {
  readonly bytes: Uint8Array;
  /** The former graph output, now an internal tensor feeding the Softmax. */
  readonly logits: string;
  /** The only graph output in place of the logits. */
  readonly probabilities: string;
  readonly softmaxNode: string;
}

const decoder = new TextDecoder();

/** The value of the first string field `field` of the message in buf[start, end), if any. */
function stringAt(buf: Uint8Array, start: number, end: number, field: number): string | undefined {
  for (const f of readFields(buf, start, end)) {
    if (f.field === field && f.wireType === WireType.LEN) return decoder.decode(buf.subarray(f.valueStart, f.end));
  }
  return undefined;
}

/** A node's bytes with every input/output string equal to `from` written as `to`; other fields copied as they are. */
function renameInNode(buf: Uint8Array, start: number, end: number, from: string, to: string): Uint8Array | null {
  const chunks: Uint8Array[] = [];
  let copyFrom = start;
  let changed = false;
  for (const f of readFields(buf, start, end)) {
    if ((f.field !== FIELD.nodeInput && f.field !== FIELD.nodeOutput) || f.wireType !== WireType.LEN) continue;
    if (decoder.decode(buf.subarray(f.valueStart, f.end)) !== from) continue;
    chunks.push(buf.subarray(copyFrom, f.start), stringField(f.field, to));
    copyFrom = f.end;
    changed = true;
  }
  if (!changed) return null;
  chunks.push(buf.subarray(copyFrom, end));
  return concatBytes(chunks);
}

/** Checks the request against the decoded graph; returns the output's producing node and declared type. */
function plan(bytes: Uint8Array, options: AppendSoftmaxOptions): { output: string; producer: onnx.INodeProto; type?: onnx.ITypeProto; used: Set<string> } {
  const model = decodeModelBytes(bytes);
  const index = new ModelIndex(model);
  const outputs = index.top.outputs;
  if (!options.output && outputs.length !== 1) {
    throw new GraphStructureError(`appendSoftmax: the model has ${outputs.length} graph outputs [${outputs.join(", ")}]; pass { output } to say which one holds the logits.`, "one graph output");
  }
  const output = options.output ?? outputs[0];
  if (!outputs.includes(output)) {
    throw new GraphStructureError(`appendSoftmax: the model has no graph output '${output}'; its outputs are [${outputs.join(", ")}].`, `graph output '${output}'`);
  }
  const producer = index.top.producers.get(output);
  if (!producer) {
    throw new GraphStructureError(`appendSoftmax: graph output '${output}' is not computed by a node of the main graph (it is an input or a weight), so there are no logits to turn into probabilities.`, `a node producing '${output}'`);
  }
  for (const scope of index.scopes.slice(1)) {
    if (scope.nodes.some((n) => n.proto.input?.includes(output))) {
      throw new GraphStructureError(`appendSoftmax: '${output}' is read inside a subgraph; renaming it there is not supported.`, `'${output}' used only in the main graph`);
    }
  }
  const used = new Set<string>();
  for (const scope of index.scopes) {
    for (const n of scope.nodes) for (const name of [...(n.proto.output ?? []), ...(n.proto.name ? [n.proto.name] : [])]) used.add(name);
    for (const name of [...scope.inputs, ...scope.initializers.keys(), ...scope.outputs]) used.add(name);
  }
  const type = model.graph?.output?.find((o) => o.name === output)?.type ?? undefined;
  return { output, producer: producer.node.proto, type, used };
}

/**
 * Appends a Softmax over the last axis to the graph output holding the logits: the logits tensor is renamed
 * (it becomes internal), a Softmax node reads it, and its result takes the old output's place under the name
 * `probabilities`. The model then returns probabilities only, as a network that ends in a softmax layer does.
 */
export function appendSoftmax(bytes: Uint8Array, options: AppendSoftmaxOptions = {}): SoftmaxAppended {
  const { output, producer, type, used } = plan(bytes, options);
  const logits = options.logitsName ?? `${producer.name || output}_output_0`;
  const probabilities = options.probabilities ?? "probabilities";
  const softmaxNode = options.softmaxNode ?? "/Softmax";
  if (logits === output || probabilities === output || logits === probabilities) {
    throw new GraphStructureError(`appendSoftmax: the names must differ: output '${output}', logits '${logits}', probabilities '${probabilities}'.`, "distinct names");
  }
  for (const [what, name] of [["logitsName", logits], ["probabilities", probabilities], ["softmaxNode", softmaxNode]] as const) {
    if (used.has(name)) throw new GraphStructureError(`appendSoftmax: the model already uses the name '${name}'; pass another { ${what} }.`, `an unused name for ${what}`);
  }
  const topFields = [...readFields(bytes, 0, bytes.length)];
  const graphField = topFields.find((f) => f.field === FIELD.modelGraph);
  if (!graphField) throw new GraphStructureError("appendSoftmax: the model has no graph.", "a graph");

  const graphChunks: Uint8Array[] = [];
  let copyFrom = graphField.valueStart;
  const replace = (start: number, end: number, chunk: Uint8Array | null) => {
    graphChunks.push(bytes.subarray(copyFrom, start));
    if (chunk) graphChunks.push(chunk);
    copyFrom = end;
  };
  for (const f of readFields(bytes, graphField.valueStart, graphField.end)) {
    if (f.wireType !== WireType.LEN) continue;
    if (f.field === FIELD.graphNode) {
      const renamed = renameInNode(bytes, f.valueStart, f.end, output, logits);
      if (renamed) replace(f.start, f.end, lengthDelimitedField(FIELD.graphNode, renamed));
    } else if (f.field === FIELD.graphOutput && stringAt(bytes, f.valueStart, f.end, FIELD.valueInfoName) === output) {
      // The probabilities take the logits' place in the output list, with the same declared type and shape.
      const info = onnx.ValueInfoProto.encode({ name: probabilities, ...(type ? { type } : {}) }).finish();
      replace(f.start, f.end, lengthDelimitedField(FIELD.graphOutput, info));
    } else if (f.field === FIELD.graphValueInfo && stringAt(bytes, f.valueStart, f.end, FIELD.valueInfoName) === output) {
      replace(f.start, f.end, null);
    }
  }
  graphChunks.push(bytes.subarray(copyFrom, graphField.end));
  const softmax = onnx.NodeProto.encode({
    name: softmaxNode, opType: "Softmax", input: [logits], output: [probabilities],
    attribute: [{ name: "axis", type: onnx.AttributeProto.AttributeType.INT, i: -1 }],
  }).finish();
  graphChunks.push(lengthDelimitedField(FIELD.graphNode, softmax));
  // Keep the logits' declared type, so tools (and exposure, src/onnx README A8) still know it.
  if (type) graphChunks.push(lengthDelimitedField(FIELD.graphValueInfo, onnx.ValueInfoProto.encode({ name: logits, type }).finish()));

  // One copy of the (possibly huge) bytes: the new graph's length prefix is computed from its chunks.
  const graphLength = graphChunks.reduce((n, c) => n + c.length, 0);
  const edited = concatBytes([
    bytes.subarray(0, graphField.start),
    encodeVarint(FIELD.modelGraph * 8 + WireType.LEN),
    encodeVarint(graphLength),
    ...graphChunks,
    bytes.subarray(graphField.end),
  ]);
  return { bytes: edited, logits, probabilities, softmaxNode };
}
