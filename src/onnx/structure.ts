// Puts the finders together: from the `logits` output to the head, the encoder output, every block's
// input and attention. When `logits` comes out of an If node, each branch is analysed on its own and
// the results are paired (README.md, A7).
import { findBlocks } from "./blocks";
import { findClsGather } from "./cls-gather";
import { GraphStructureError } from "./errors";
import type { ModelConfigHint } from "./family";
import { parseHead, type ParsedHead } from "./head";
import type { LayerNormKind } from "./layer-norm";
import { ModelIndex, nodeLabel, type NodeRef, type Scope } from "./model-index";
import { pairRefs, tensorRef, type TensorRef } from "./refs";

/** Everything the finder located, as references into the graph. */
export interface ModelStructure {
  readonly logits: TensorRef;
  /** The [CLS] vectors fed to the head, [batch, hidden]. */
  readonly cls: TensorRef;
  readonly lastHiddenState: TensorRef;
  /** Embeddings output, then each block's output: n_layers + 1 refs. */
  readonly hiddenStates: readonly TensorRef[];
  /** Each block's attention probabilities: n_layers refs. */
  readonly attentions: readonly TensorRef[];
  /** The head as parsed in the first (then) branch, or in the main graph. */
  readonly head: ParsedHead;
  /** The Gather taking token 0 (or the Squeeze of a Slice 0:1 → Squeeze). */
  readonly gather: NodeRef;
  /** For Slice → Squeeze: the Slice. */
  readonly firstTokenSlice?: NodeRef;
  readonly softmaxes: readonly NodeRef[];
  readonly layerNorm: readonly LayerNormKind[];
  /** If nodes descended through on the way from `logits`. */
  readonly ifNodes: readonly NodeRef[];
}

/** A ref to `name` in the graph that produces it (so a tensor both branches read from outside is one ref). */
function refAt(index: ModelIndex, name: string, scope: Scope): TensorRef {
  return tensorRef(name, index.resolve(name, scope)?.scope ?? scope);
}

function branchScope(ifNode: NodeRef, attribute: string): Scope {
  const scope = ifNode.scope.children.find((s) => s.owner?.node === ifNode && s.owner.attribute === attribute);
  if (!scope) throw new GraphStructureError(`If node ${nodeLabel(ifNode)} has no ${attribute} graph`, attribute, [{ node: ifNode.proto.name ?? "", opType: "If" }]);
  return scope;
}

function analyse(index: ModelIndex, name: string, scope: Scope, config?: ModelConfigHint): ModelStructure {
  const source = index.resolve(name, scope);
  if (source?.kind === "node" && source.node.proto.opType === "If") {
    const ifNode = source.node;
    const sides = ["then_branch", "else_branch"].map((attribute) => {
      const branch = branchScope(ifNode, attribute);
      const output = branch.outputs[source.outputIndex];
      return analyse(index, output, branch, config);
    });
    const [a, b] = sides;
    if (a.attentions.length !== b.attentions.length) {
      throw new GraphStructureError(
        `The branches of If node ${nodeLabel(ifNode)} have ${a.attentions.length} and ${b.attentions.length} attention blocks; ` +
          "their tensors cannot be paired into one set of outputs.",
        "matching blocks in both If branches", [{ node: ifNode.proto.name ?? "", opType: "If" }]);
    }
    const pair = (x: TensorRef, y: TensorRef) => pairRefs(ifNode, x, y);
    return {
      ...a,
      logits: refAt(index, name, scope),
      cls: pair(a.cls, b.cls),
      lastHiddenState: pair(a.lastHiddenState, b.lastHiddenState),
      hiddenStates: a.hiddenStates.map((r, i) => pair(r, b.hiddenStates[i])),
      attentions: a.attentions.map((r, i) => pair(r, b.attentions[i])),
      ifNodes: [ifNode, ...a.ifNodes],
    };
  }
  const gather = findClsGather(index, name, scope);
  const head = parseHead(index, name, gather.cls, gather.node.scope, config);
  const blocks = findBlocks(index, gather.lastHiddenState, gather.node.scope);
  const lastHiddenState = refAt(index, gather.lastHiddenState, gather.node.scope);
  const lastBlock = blocks[blocks.length - 1];
  if (lastBlock.input.name === gather.lastHiddenState) {
    throw new GraphStructureError(
      `The encoder output '${gather.lastHiddenState}' is also the input of the last attention block ${nodeLabel(lastBlock.softmax)}; ` +
        "the blocks found do not end where the head starts.",
      "blocks ending at the encoder output", [{ node: lastBlock.softmax.proto.name ?? "", opType: "Softmax" }]);
  }
  return {
    logits: refAt(index, name, scope),
    cls: refAt(index, gather.cls, gather.node.scope),
    lastHiddenState,
    hiddenStates: [...blocks.map((b) => refAt(index, b.input.name, b.input.scope)), lastHiddenState],
    attentions: blocks.map((b) => refAt(index, b.softmax.proto.output?.[0] ?? "", b.softmax.scope)),
    head,
    gather: gather.node,
    ...(gather.firstTokenSlice ? { firstTokenSlice: gather.firstTokenSlice } : {}),
    softmaxes: blocks.map((b) => b.softmax),
    layerNorm: [...new Set(blocks.map((b) => b.layerNorm))],
    ifNodes: [],
  };
}

/**
 * Finds head, encoder output, hidden states and attentions by walking back from the graph output
 * `logits`; `config` (config.json's model_type), when given, tells BERT's head from RoBERTa's.
 */
export function findStructure(index: ModelIndex, logits = "logits", config?: ModelConfigHint): ModelStructure {
  if (!index.top.outputs.includes(logits)) {
    throw new GraphStructureError(
      `Looked for a graph output named '${logits}' (what sequence-classification exports write) and the model's outputs are ` +
        `[${index.top.outputs.map((o) => `'${o}'`).join(", ")}]. For a model that ends in a Softmax, use exposeSoftmaxInput().`,
      `graph output '${logits}'`, [{ tensor: logits }]);
  }
  return analyse(index, logits, index.top, config);
}
