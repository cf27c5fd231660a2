// Adds graph outputs by splicing bytes into the original model (splice.ts; README.md, A7–A9), so every
// field the file carries — including ones onnx-proto 8 does not know and would drop on re-encode — is
// kept as is.
import { AmbiguousStructureError, describeStop, GraphStructureError, type StopPoint } from "./errors";
import { decodeModelBytes } from "./load";
import { FIELD, intAttr, ModelIndex, nodeLabel, type NodeRef, type Scope } from "./model-index";
import { onnx } from "./proto";
import { describeRef, pairRefs, tensorRef, type TensorRef } from "./refs";
import { appendToMessages, type AppendEdit } from "./splice";
import { lengthDelimitedField, stringField } from "./wire";

/** Edited model bytes and, for each requested tensor, the graph output that now carries it. */
export interface ExposedModel {
  readonly bytes: Uint8Array;
  readonly outputNames: string[];
}

/** Plans the appends that make a set of refs graph outputs. */
class ExposePlan {
  private readonly edits: AppendEdit[] = [];
  private readonly used = new Set<string>();
  private readonly topOutputs: Set<string>;
  private readonly lifted = new Map<string, string>();

  constructor(private readonly index: ModelIndex) {
    for (const scope of index.scopes) {
      for (const n of scope.nodes) for (const o of n.proto.output ?? []) this.used.add(o);
      for (const name of [...scope.inputs, ...scope.initializers.keys(), ...scope.outputs]) this.used.add(name);
    }
    this.topOutputs = new Set(index.top.outputs);
  }

  /** A tensor name not used anywhere in the model, based on `base`. */
  private fresh(base: string): string {
    let name = base;
    for (let k = 1; this.used.has(name); k++) name = `${base}/exposed${k > 1 ? k : ""}`;
    this.used.add(name);
    return name;
  }

  /** Appends an output ValueInfo (typed when the graph declares the type) to the graph at `scope`. */
  private addGraphOutput(scope: Scope, name: string, typeFrom?: { name: string; scope: Scope }): void {
    const info = typeFrom ? this.typeOf(typeFrom.name, typeFrom.scope) : this.typeOf(name, scope);
    const valueInfo = onnx.ValueInfoProto.encode({ name, ...(info ? { type: info } : {}) }).finish();
    this.edits.push({ path: [...scope.path], bytes: lengthDelimitedField(FIELD.graphOutput, valueInfo) });
  }

  private typeOf(name: string, scope: Scope): onnx.ITypeProto | undefined {
    for (let s: Scope | undefined = scope; s; s = s.parent) {
      const type = s.valueInfo.get(name)?.type;
      if (type) return type;
    }
    return undefined;
  }

  /** A name for `ref` that a node of `scope` produces, adding Identity copies and If outputs as needed. */
  private producedIn(ref: TensorRef, scope: Scope): string {
    if (ref.kind === "tensor") {
      if (ref.scope === scope) return ref.name;
      if (!isAncestor(ref.scope, scope)) {
        throw new GraphStructureError(
          `Tensor '${ref.name}' lives only inside a subgraph (${scopeLabel(ref.scope)}); an If output needs a value from both branches, ` +
            "so it cannot be exposed on its own. Expose a tensor that both branches compute.",
          `a tensor visible from ${scopeLabel(scope)}`, [{ tensor: ref.name }]);
      }
      // ORT rejects a subgraph output that is an outer-scope value; copy it through an Identity.
      const copy = this.fresh(`${ref.name}/identity`);
      const node = onnx.NodeProto.encode({ name: copy, opType: "Identity", input: [ref.name], output: [copy] }).finish();
      this.edits.push({ path: [...scope.path], bytes: lengthDelimitedField(FIELD.graphNode, node) });
      return copy;
    }
    const lifted = this.liftThroughIf(ref);
    return this.producedIn(tensorRef(lifted, ref.ifNode.scope), scope);
  }

  /** Routes a pair of branch tensors out through a new output of their If node; returns that output's name. */
  private liftThroughIf(ref: Extract<TensorRef, { kind: "branches" }>): string {
    const key = describeRef(ref);
    const done = this.lifted.get(key);
    if (done) return done;
    const branches = (["then_branch", "else_branch"] as const).map((attribute) => {
      const scope = ref.ifNode.scope.children.find((s) => s.owner?.node === ref.ifNode && s.owner.attribute === attribute);
      if (!scope) throw new Error(`If node ${nodeLabel(ref.ifNode)} has no ${attribute}`);
      return scope;
    });
    const thenName = this.producedIn(ref.then, branches[0]);
    const elseName = this.producedIn(ref.else, branches[1]);
    this.addGraphOutput(branches[0], thenName);
    this.addGraphOutput(branches[1], elseName);
    // The new If output may not reuse the branch tensor's name (a subgraph must not shadow outer names).
    const output = this.fresh(thenName);
    this.edits.push({ path: [...ref.ifNode.path], bytes: stringField(FIELD.nodeOutput, output) });
    this.lifted.set(key, output);
    return output;
  }

  /** Makes `ref` a main-graph output (unless it already is one) and returns the output name. */
  expose(ref: TensorRef): string {
    const name = this.producedIn(ref, this.index.top);
    if (!this.topOutputs.has(name)) {
      this.topOutputs.add(name);
      this.addGraphOutput(this.index.top, name, ref.kind === "tensor" ? { name: ref.name, scope: ref.scope } : undefined);
    }
    return name;
  }

  /** The edited model. */
  apply(bytes: Uint8Array): Uint8Array {
    return appendToMessages(bytes, this.edits);
  }
}

function isAncestor(maybeAncestor: Scope, scope: Scope): boolean {
  for (let s: Scope | undefined = scope.parent; s; s = s.parent) if (s === maybeAncestor) return true;
  return false;
}

function scopeLabel(scope: Scope): string {
  return scope.owner ? `${scope.owner.attribute} of ${nodeLabel(scope.owner.node)}` : "the main graph";
}

/** Makes each ref a graph output of the model in `bytes`; returns new bytes and the output names, in order. */
export function exposeRefs(bytes: Uint8Array, index: ModelIndex, refs: readonly TensorRef[]): ExposedModel {
  const plan = new ExposePlan(index);
  const outputNames = refs.map((ref) => plan.expose(ref));
  return { bytes: plan.apply(bytes), outputNames };
}

/** Where `name` is computed, seen from `scope`: here, or in both branches of an If below (paired). */
function locate(index: ModelIndex, name: string, scope: Scope, oneSided: string[]): TensorRef | undefined {
  if (scope.producers.has(name) || scope.initializers.has(name) || scope.inputs.has(name)) return tensorRef(name, scope);
  for (const node of scope.nodes) {
    const branches = scope.children.filter((s) => s.owner?.node === node);
    if (node.proto.opType !== "If" || branches.length !== 2) continue;
    const [thenScope, elseScope] = ["then_branch", "else_branch"].map((a) => branches.find((b) => b.owner?.attribute === a)!);
    const found = [thenScope, elseScope].map((b) => locate(index, name, b, oneSided));
    if (found[0] && found[1]) return pairRefs(node, found[0], found[1]);
    if (found[0] || found[1]) oneSided.push(`${found[0] ? "then_branch" : "else_branch"} of ${nodeLabel(node)}`);
  }
  return undefined;
}

/**
 * Adds the named tensors as graph outputs. A name computed inside both branches of an If (as merged
 * decoders do) is routed out through the If node. Returns the edited bytes and a map from each
 * requested name to the output name carrying it.
 */
export function exposeTensors(modelBytes: Uint8Array, names: readonly string[]): { bytes: Uint8Array; outputs: Record<string, string> } {
  const index = new ModelIndex(decodeModelBytes(modelBytes));
  const refs = names.map((name) => {
    const oneSided: string[] = [];
    const ref = locate(index, name, index.top, oneSided);
    if (ref) return ref;
    const detail = oneSided.length > 0
      ? `It is computed only in the ${oneSided.join(", ")}; an If output needs a value from both branches.`
      : `No node, initializer or input in the main graph or its ${index.scopes.length - 1} subgraph(s) has that name.`;
    throw new GraphStructureError(`Cannot expose tensor '${name}': ${detail}`, `tensor '${name}'`, [{ tensor: name }]);
  });
  const { bytes, outputNames } = exposeRefs(modelBytes, index, refs);
  return { bytes, outputs: Object.fromEntries(names.map((n, i) => [n, outputNames[i]])) };
}

/** The Softmax whose input `exposeSoftmaxInput` exposed, and the output it feeds. */
export interface SoftmaxInput {
  readonly bytes: Uint8Array;
  /** The new graph output carrying the Softmax input (the logits). */
  readonly outputName: string;
  /** The graph output the Softmax feeds. */
  readonly graphOutput: string;
  readonly softmax: { readonly node: string; readonly opType: string; readonly axis: number; readonly input: string };
}

// Ops that change neither values nor their order along the class axis, between a Softmax and the output.
const AFTER_SOFTMAX = new Set(["Identity", "Cast", "Reshape", "Squeeze", "Unsqueeze", "Flatten"]);
const SOFTMAX_OPS = new Set(["Softmax", "LogSoftmax"]);

/** Walks back from `name` through AFTER_SOFTMAX ops to a Softmax; returns a ref to its input, or records where it stopped. */
function softmaxInputRef(index: ModelIndex, name: string, scope: Scope, stops: StopPoint[], found: NodeRef[]): TensorRef | undefined {
  const source = index.resolve(name, scope);
  if (source?.kind !== "node") {
    stops.push({ tensor: name });
    return undefined;
  }
  const node = source.node;
  const op = node.proto.opType ?? "";
  if (SOFTMAX_OPS.has(op)) {
    found.push(node);
    const input = node.proto.input?.[0] ?? "";
    return tensorRef(input, index.resolve(input, node.scope)?.scope ?? node.scope);
  }
  if (op === "If") {
    const sides = ["then_branch", "else_branch"].map((attribute) => {
      const branch = node.scope.children.find((s) => s.owner?.node === node && s.owner.attribute === attribute);
      return branch ? softmaxInputRef(index, branch.outputs[source.outputIndex], branch, stops, found) : undefined;
    });
    return sides[0] && sides[1] ? pairRefs(node, sides[0], sides[1]) : undefined;
  }
  if (AFTER_SOFTMAX.has(op) && node.proto.input?.[0]) return softmaxInputRef(index, node.proto.input[0], node.scope, stops, found);
  stops.push({ node: node.proto.name ?? "", opType: op });
  return undefined;
}

/**
 * "Logits from any network": finds the Softmax (or LogSoftmax) that feeds a graph output and exposes
 * its input. `output` picks the graph output when several end in a Softmax.
 */
export function exposeSoftmaxInput(modelBytes: Uint8Array, options: { output?: string } = {}): SoftmaxInput {
  const index = new ModelIndex(decodeModelBytes(modelBytes));
  const outputs = options.output ? [options.output] : index.top.outputs;
  if (options.output && !index.top.outputs.includes(options.output)) {
    throw new GraphStructureError(`The model has no graph output '${options.output}'; its outputs are [${index.top.outputs.join(", ")}].`, `graph output '${options.output}'`);
  }
  const stops: StopPoint[] = [];
  const hits: { output: string; ref: TensorRef; softmax: NodeRef }[] = [];
  for (const output of outputs) {
    const found: NodeRef[] = [];
    const ref = softmaxInputRef(index, output, index.top, stops, found);
    if (ref && found.length > 0) hits.push({ output, ref, softmax: found[0] });
  }
  if (hits.length === 0) {
    throw new GraphStructureError(
      `Looked for a Softmax or LogSoftmax feeding graph output(s) [${outputs.join(", ")}] (through ${[...AFTER_SOFTMAX].join("/")}) and found none; ` +
        `the walk stopped at ${stops.map(describeStop).join(", ")}. This graph does not end in a softmax, so its outputs may already be logits.`,
      "a Softmax feeding a graph output", stops);
  }
  if (hits.length > 1) {
    throw new AmbiguousStructureError(
      `Graph outputs ${hits.map((h) => `'${h.output}'`).join(", ")} each end in a Softmax; pass { output } to say which one to use.`,
      "a Softmax feeding a graph output", hits.map((h) => h.output));
  }
  const hit = hits[0];
  const { bytes, outputNames } = exposeRefs(modelBytes, index, [hit.ref]);
  return {
    bytes,
    outputName: outputNames[0],
    graphOutput: hit.output,
    softmax: {
      node: hit.softmax.proto.name ?? "",
      opType: hit.softmax.proto.opType ?? "",
      axis: intAttr(hit.softmax, "axis", index.opset >= 13 ? -1 : 1),
      input: hit.softmax.proto.input?.[0] ?? "",
    },
  };
}
