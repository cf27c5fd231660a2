import { ModelIndex, nodeLabel, type NodeRef, type Scope } from "./model-index";

/**
 * A tensor the finder located. Most live in one graph; inside an `If`, the same role is played by one
 * tensor in each branch, and exposing it means routing both through a new output of the If node.
 */
export type TensorRef =
  | { readonly kind: "tensor"; readonly name: string; readonly scope: Scope }
  | { readonly kind: "branches"; readonly ifNode: NodeRef; readonly then: TensorRef; readonly else: TensorRef };

/** A plain reference to a tensor in a graph. */
export function tensorRef(name: string, scope: Scope): TensorRef {
  return { kind: "tensor", name, scope };
}

/** True when both refs name the same tensor in the same graph (or the same pair of branch tensors). */
export function sameRef(a: TensorRef, b: TensorRef): boolean {
  if (a.kind === "tensor" && b.kind === "tensor") return a.name === b.name && a.scope === b.scope;
  if (a.kind === "branches" && b.kind === "branches") return a.ifNode === b.ifNode && sameRef(a.then, b.then) && sameRef(a.else, b.else);
  return false;
}

/** Joins what the then- and else-branch of `ifNode` found; one tensor both branches read from outside stays one ref. */
export function pairRefs(ifNode: NodeRef, thenRef: TensorRef, elseRef: TensorRef): TensorRef {
  return sameRef(thenRef, elseRef) ? thenRef : { kind: "branches", ifNode, then: thenRef, else: elseRef };
}

/** A readable name for a ref: the tensor name, or `then: a | else: b` inside an If. */
export function describeRef(ref: TensorRef): string {
  if (ref.kind === "tensor") return ref.name;
  return `${nodeLabel(ref.ifNode)} then: ${describeRef(ref.then)} | else: ${describeRef(ref.else)}`;
}

/** The tensor name a ref resolves to in its first (then) branch, for facts and messages. */
export function primaryName(ref: TensorRef): string {
  return ref.kind === "tensor" ? ref.name : primaryName(ref.then);
}

/** The producing node of `name` seen from `scope`, if a node (not an initializer or input) produces it. */
export function producerOf(index: ModelIndex, name: string, scope: Scope): NodeRef | undefined {
  const source = index.resolve(name, scope);
  return source?.kind === "node" ? source.node : undefined;
}

/** Follows Cast (and optionally other pass-through ops) producers back; returns the first tensor made by something else. */
export function skipBack(index: ModelIndex, name: string, scope: Scope, ops: ReadonlySet<string>): { name: string; scope: Scope } {
  let current = { name, scope };
  for (;;) {
    const node = producerOf(index, current.name, current.scope);
    if (!node || !ops.has(node.proto.opType ?? "") || !node.proto.input?.[0]) return current;
    current = { name: node.proto.input[0], scope: node.scope };
  }
}
