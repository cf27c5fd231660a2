// Per-block tensors of a post-LayerNorm encoder (BERT, DistilBERT; README.md, A5–A6):
//  - attention probabilities: each Softmax upstream of the encoder output whose result is multiplied
//    (MatMul) with the values;
//  - block input: the one layer-norm output that Softmax depends on without crossing another layer
//    norm. Block 0's input is the embeddings' LayerNorm; block i+1's input is block i's output.
// hidden states = [input of block 0, …, input of block n-1, encoder output]: n + 1 tensors, as
// `output_hidden_states=True` returns them in Python.
import { AmbiguousStructureError, GraphStructureError } from "./errors";
import { layerNormKind, type LayerNormKind } from "./layer-norm";
import { compareOrder, ModelIndex, nodeLabel, orderKey, type NodeRef, type Scope } from "./model-index";

/** One transformer block as found in the graph. */
export interface Block {
  /** The Softmax producing the attention probabilities [batch, heads, seq, seq]. */
  readonly softmax: NodeRef;
  /** The tensor the block reads (the previous layer norm's output). */
  readonly input: { readonly name: string; readonly scope: Scope };
  readonly layerNorm: LayerNormKind;
}

// Shape-reading ops carry no activations: walking through them would link a block to every tensor
// whose shape some Reshape reads, so walks stop there.
const SHAPE_OPS = new Set(["Shape", "Size", "ConstantOfShape", "Constant"]);
// What may sit between attention probabilities and the MatMul with the values.
const PROBS_PASS = new Set(["Cast", "Identity", "Dropout", "Where"]);

/** Nodes upstream of `name` (across enclosing graphs), not entering If/Loop bodies. */
function ancestors(index: ModelIndex, name: string, scope: Scope): NodeRef[] {
  const seen = new Set<NodeRef>();
  const stack = [{ name, scope }];
  while (stack.length > 0) {
    const t = stack.pop()!;
    const source = index.resolve(t.name, t.scope);
    if (source?.kind !== "node" || seen.has(source.node)) continue;
    seen.add(source.node);
    for (const input of source.node.proto.input ?? []) if (input) stack.push({ name: input, scope: source.node.scope });
  }
  return [...seen];
}

/** True when the Softmax's output reaches a MatMul (the product with V), possibly through casts or a mask Where. */
function feedsMatMul(node: NodeRef): boolean {
  const stack = [...(node.proto.output ?? [])];
  const seen = new Set<string>();
  while (stack.length > 0) {
    const name = stack.pop()!;
    if (seen.has(name)) continue;
    seen.add(name);
    for (const consumer of node.scope.consumers.get(name) ?? []) {
      if (consumer.proto.opType === "MatMul") return true;
      if (PROBS_PASS.has(consumer.proto.opType ?? "")) stack.push(...(consumer.proto.output ?? []));
    }
  }
  return false;
}

/** The layer-norm outputs reachable backwards from `start` without passing through another layer norm. */
function nearestLayerNorms(index: ModelIndex, start: NodeRef): { name: string; scope: Scope; kind: LayerNormKind }[] {
  const found = new Map<string, { name: string; scope: Scope; kind: LayerNormKind }>();
  const seen = new Set<NodeRef>();
  const stack = (start.proto.input ?? []).filter(Boolean).map((name) => ({ name, scope: start.scope }));
  while (stack.length > 0) {
    const t = stack.pop()!;
    const source = index.resolve(t.name, t.scope);
    if (source?.kind !== "node") continue;
    const kind = layerNormKind(index, t.name, t.scope);
    if (kind) {
      found.set(`${t.name}@${source.scope.path.map((p) => `${p.field}:${p.index}`).join("/")}`, { name: t.name, scope: source.scope, kind });
      continue;
    }
    const node = source.node;
    if (seen.has(node) || SHAPE_OPS.has(node.proto.opType ?? "") || node.proto.attribute?.some((a) => a.g)) continue;
    seen.add(node);
    for (const input of node.proto.input ?? []) if (input) stack.push({ name: input, scope: node.scope });
  }
  return [...found.values()];
}

/**
 * True when `name` is computed from a graph input's values (not only from weights, or from shapes): a
 * hidden state always is; DeBERTa's LayerNorm over its relative-position table is not.
 */
function readsInputData(index: ModelIndex, name: string, scope: Scope): boolean {
  const seen = new Set<NodeRef>();
  const stack = [{ name, scope }];
  while (stack.length > 0) {
    const t = stack.pop()!;
    const source = index.resolve(t.name, t.scope);
    if (source?.kind === "input") return true;
    if (source?.kind !== "node" || seen.has(source.node) || SHAPE_OPS.has(source.node.proto.opType ?? "")) continue;
    seen.add(source.node);
    for (const input of source.node.proto.input ?? []) if (input) stack.push({ name: input, scope: source.node.scope });
  }
  return false;
}

/** Finds the encoder's blocks upstream of `lastHiddenState`, in execution order. */
export function findBlocks(index: ModelIndex, lastHiddenState: string, scope: Scope): Block[] {
  const softmaxes = ancestors(index, lastHiddenState, scope)
    .filter((n) => n.proto.opType === "Softmax" && feedsMatMul(n))
    .sort((a, b) => compareOrder(orderKey(a), orderKey(b)));
  if (softmaxes.length === 0) {
    throw new GraphStructureError(
      `Looked for attention Softmax nodes (Softmax → MatMul) upstream of the encoder output '${lastHiddenState}' and found none; ` +
        "this does not look like a transformer encoder.",
      "attention Softmax nodes");
  }
  const blocks = softmaxes.map((softmax, layer): Block => {
    // A LayerNorm of weights alone (DeBERTa's relative-position embeddings) also reaches the attention,
    // but it is no block input.
    const norms = nearestLayerNorms(index, softmax).filter((n) => readsInputData(index, n.name, n.scope));
    if (norms.length === 0) {
      throw new GraphStructureError(
        `Looked for the LayerNorm output feeding block ${layer} (attention ${nodeLabel(softmax)}) and found none upstream: ` +
          "the finder expects a post-LayerNorm encoder (BERT/DistilBERT), with LayerNorm decomposed or as one LayerNormalization op.",
        "the block input (a LayerNorm output)", [{ node: softmax.proto.name ?? "", opType: "Softmax" }]);
    }
    if (norms.length > 1) {
      throw new AmbiguousStructureError(
        `Block ${layer} (attention ${nodeLabel(softmax)}) reads ${norms.length} LayerNorm outputs: ${norms.map((n) => `'${n.name}'`).join(", ")}. ` +
          "Which one is the block input is a guess (cross-attention or a pre-LayerNorm block looks like this), so nothing was picked.",
        "the block input (a LayerNorm output)", norms.map((n) => n.name));
    }
    return { softmax, input: { name: norms[0].name, scope: norms[0].scope }, layerNorm: norms[0].kind };
  });
  // Each block must read what the previous block wrote: a later tensor than the previous attention.
  blocks.forEach((block, layer) => {
    const producer = index.resolve(block.input.name, block.input.scope);
    const previous = blocks[layer - 1];
    if (previous && producer?.kind === "node" && compareOrder(orderKey(producer.node), orderKey(previous.softmax)) < 0) {
      throw new GraphStructureError(
        `Block ${layer} (attention ${nodeLabel(block.softmax)}) reads '${block.input.name}', which is computed before block ${layer - 1}'s attention; ` +
          "the blocks do not form one chain, so layer numbers would be wrong.",
        "one chain of blocks", [{ node: block.softmax.proto.name ?? "", opType: "Softmax" }]);
    }
  });
  return blocks;
}
