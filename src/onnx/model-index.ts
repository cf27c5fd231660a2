import type { FieldStep } from "./splice";
import { onnx } from "./proto";
import { initializerValues, toNumber, type ConstantValues } from "./tensor-data";

// Field numbers from onnx.proto that locate graphs and nodes in the serialized model.
export const FIELD = {
  modelGraph: 7,
  graphNode: 1,
  graphOutput: 12,
  graphValueInfo: 13,
  nodeInput: 1,
  nodeOutput: 2,
  valueInfoName: 1,
  nodeAttribute: 5,
  attributeGraph: 6,
} as const;

/** A node together with where it sits: its graph (scope), its index there, and its path in the model bytes. */
export interface NodeRef {
  readonly proto: onnx.INodeProto;
  readonly index: number;
  readonly scope: Scope;
  readonly path: readonly FieldStep[];
}

/** One graph: the main graph or an If/Loop/Scan body, with lookups for what its nodes produce. */
export interface Scope {
  readonly graph: onnx.IGraphProto;
  /** Path to this GraphProto in the model bytes. */
  readonly path: readonly FieldStep[];
  readonly parent?: Scope;
  /** For a subgraph: the node that owns it and the attribute it is stored under (then_branch, else_branch, body). */
  readonly owner?: { readonly node: NodeRef; readonly attribute: string };
  readonly nodes: NodeRef[];
  readonly producers: Map<string, { node: NodeRef; outputIndex: number }>;
  readonly consumers: Map<string, NodeRef[]>;
  readonly initializers: Map<string, onnx.ITensorProto>;
  readonly inputs: Set<string>;
  readonly outputs: string[];
  readonly valueInfo: Map<string, onnx.IValueInfoProto>;
  readonly children: Scope[];
}

/** What a tensor name resolves to, seen from a scope (its own graph first, then the enclosing ones). */
export type Source =
  | { readonly kind: "node"; readonly node: NodeRef; readonly outputIndex: number; readonly scope: Scope }
  | { readonly kind: "initializer"; readonly tensor: onnx.ITensorProto; readonly scope: Scope }
  | { readonly kind: "input"; readonly scope: Scope };

/** `'name' (OpType)`, how nodes are named in error messages and facts. */
export function nodeLabel(node: NodeRef | onnx.INodeProto): string {
  const proto = "proto" in node ? node.proto : node;
  return `'${proto.name || "(unnamed)"}' (${proto.opType})`;
}

/** A node's attribute by name, as decoded; undefined when absent. */
export function attr(node: NodeRef, name: string): onnx.IAttributeProto | undefined {
  return node.proto.attribute?.find((a) => a.name === name) ?? undefined;
}

/** An INT attribute's value, or `fallback` when the node does not set it. */
export function intAttr(node: NodeRef, name: string, fallback: number): number {
  const a = attr(node, name);
  return a ? toNumber(a.i) : fallback;
}

/** A FLOAT attribute's value, or `fallback` when the node does not set it. */
export function floatAttr(node: NodeRef, name: string, fallback: number): number {
  const a = attr(node, name);
  return a && a.f !== null && a.f !== undefined ? a.f : fallback;
}

/** An INTS attribute's values, or undefined. */
export function intsAttr(node: NodeRef, name: string): number[] | undefined {
  const a = attr(node, name);
  return a?.ints ? a.ints.map(toNumber) : undefined;
}

/** Indexes a decoded model: every graph (main and nested) with producers, consumers and initializers. */
export class ModelIndex {
  readonly top: Scope;
  readonly scopes: Scope[] = [];

  constructor(readonly model: onnx.IModelProto) {
    if (!model.graph) throw new Error("the model has no graph (field 7 of ModelProto is missing)");
    this.top = this.indexGraph(model.graph, [{ field: FIELD.modelGraph, index: 0 }]);
  }

  /** The default-domain opset the model imports (0 when it declares none). */
  get opset(): number {
    const entry = this.model.opsetImport?.find((o) => !o.domain || o.domain === "ai.onnx");
    return toNumber(entry?.version);
  }

  private indexGraph(graph: onnx.IGraphProto, path: FieldStep[], parent?: Scope, owner?: Scope["owner"]): Scope {
    const scope: Scope = {
      graph, path, parent, owner,
      nodes: [], producers: new Map(), consumers: new Map(), initializers: new Map(),
      inputs: new Set((graph.input ?? []).map((v) => v.name ?? "")),
      outputs: (graph.output ?? []).map((v) => v.name ?? ""),
      valueInfo: new Map([...(graph.valueInfo ?? []), ...(graph.input ?? []), ...(graph.output ?? [])].map((v) => [v.name ?? "", v])),
      children: [],
    };
    this.scopes.push(scope);
    for (const t of graph.initializer ?? []) scope.initializers.set(t.name ?? "", t);
    (graph.node ?? []).forEach((proto, index) => {
      const node: NodeRef = { proto, index, scope, path: [...path, { field: FIELD.graphNode, index }] };
      scope.nodes.push(node);
      (proto.output ?? []).forEach((name, outputIndex) => {
        if (name) scope.producers.set(name, { node, outputIndex });
      });
      for (const name of proto.input ?? []) {
        if (!name) continue;
        const list = scope.consumers.get(name);
        if (list) list.push(node);
        else scope.consumers.set(name, [node]);
      }
      (proto.attribute ?? []).forEach((a, attributeIndex) => {
        if (!a.g) return;
        const subPath = [...node.path, { field: FIELD.nodeAttribute, index: attributeIndex }, { field: FIELD.attributeGraph, index: 0 }];
        scope.children.push(this.indexGraph(a.g, subPath, scope, { node, attribute: a.name ?? "" }));
      });
    });
    return scope;
  }

  /** Resolves a tensor name as seen from `scope`: produced by a node, an initializer or a graph input, here or in an enclosing graph. */
  resolve(name: string, scope: Scope): Source | undefined {
    for (let s: Scope | undefined = scope; s; s = s.parent) {
      const produced = s.producers.get(name);
      if (produced) return { kind: "node", node: produced.node, outputIndex: produced.outputIndex, scope: s };
      const init = s.initializers.get(name);
      if (init) return { kind: "initializer", tensor: init, scope: s };
      if (s.inputs.has(name)) return { kind: "input", scope: s };
    }
    return undefined;
  }

  /** The values of a tensor fixed at export time (initializer or Constant node output), or undefined if it is computed. */
  constantValues(name: string, scope: Scope): ConstantValues | undefined {
    const source = this.resolve(name, scope);
    if (!source) return undefined;
    if (source.kind === "initializer") return initializerValues(source.tensor);
    if (source.kind !== "node" || source.node.proto.opType !== "Constant") return undefined;
    const node = source.node;
    const value = attr(node, "value");
    if (value?.t) return initializerValues(value.t);
    const int = attr(node, "value_int");
    if (int) return { type: "int64", dims: [], values: Float64Array.of(toNumber(int.i)) };
    const ints = attr(node, "value_ints");
    if (ints) return { type: "int64", dims: [ints.ints?.length ?? 0], values: Float64Array.from((ints.ints ?? []).map(toNumber)) };
    const float = attr(node, "value_float");
    if (float) return { type: "float32", dims: [], values: Float64Array.of(float.f ?? 0) };
    const floats = attr(node, "value_floats");
    if (floats) return { type: "float32", dims: [floats.floats?.length ?? 0], values: Float64Array.from(floats.floats ?? []) };
    return undefined;
  }

  /** True when the tensor is an initializer or a Constant output (a weight, not an activation). */
  isConstant(name: string, scope: Scope): boolean {
    const source = this.resolve(name, scope);
    return source?.kind === "initializer" || (source?.kind === "node" && source.node.proto.opType === "Constant");
  }

  /** Nodes in this scope and all nested ones. */
  *allNodes(): Generator<NodeRef> {
    for (const s of this.scopes) yield* s.nodes;
  }
}

/**
 * A key that sorts nodes in execution order across graphs: the index of each enclosing node from the
 * main graph down, then the node's own index. ONNX requires each graph's node list to be topologically sorted.
 */
export function orderKey(node: NodeRef): number[] {
  const key = [node.index];
  for (let s: Scope | undefined = node.scope; s?.owner; s = s.parent) key.unshift(s.owner.node.index);
  return key;
}

/** Compares two order keys lexicographically. */
export function compareOrder(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}
