// Recognises a tensor as the output of a layer normalisation, by the ops that compute it:
//  - a single LayerNormalization node (ONNX opset >= 17, or the com.microsoft contrib op), output 0;
//  - the decomposition torch.onnx writes below opset 17 (assumption A5 in README.md):
//      mean = ReduceMean(x); d = Sub(x, mean); var = ReduceMean(Pow(d, 2))
//      y = Add(Mul(Div(d, Sqrt(Add(var, eps))), weight), bias)
//    with Casts tolerated anywhere on the chain (fp16 conversions insert them).
import { ModelIndex, type NodeRef, type Scope } from "./model-index";
import { producerOf, skipBack } from "./refs";

/** How a layer norm appears in the graph. */
export type LayerNormKind = "LayerNormalization" | "decomposed";

const CASTS = new Set(["Cast"]);

/** The node (skipping Casts) that produces `name`, if its op type is one of `ops`. */
function through(index: ModelIndex, name: string | undefined, scope: Scope, ...ops: string[]): NodeRef | undefined {
  if (!name) return undefined;
  const t = skipBack(index, name, scope, CASTS);
  const node = producerOf(index, t.name, t.scope);
  return node && ops.includes(node.proto.opType ?? "") ? node : undefined;
}

/** The two inputs of a binary node, ordered so the one fixed at export time (a weight) comes second; undefined if neither or both are. */
function splitConstant(index: ModelIndex, node: NodeRef): [activation: string, weight: string] | undefined {
  const [a, b] = node.proto.input ?? [];
  if (!a || !b) return undefined;
  const ca = index.isConstant(a, node.scope);
  const cb = index.isConstant(b, node.scope);
  if (ca === cb) return undefined;
  return ca ? [b, a] : [a, b];
}

function sameTensor(index: ModelIndex, a: string | undefined, b: string | undefined, scope: Scope): boolean {
  return !!a && !!b && skipBack(index, a, scope, CASTS).name === skipBack(index, b, scope, CASTS).name;
}

/** Matches the decomposed form ending at `name`; true when every piece is there. */
function isDecomposed(index: ModelIndex, name: string, scope: Scope): boolean {
  const biasAdd = producerOf(index, name, scope);
  if (biasAdd?.proto.opType !== "Add") return false;
  const afterBias = splitConstant(index, biasAdd);
  const scaleMul = afterBias && through(index, afterBias[0], biasAdd.scope, "Mul");
  const afterScale = scaleMul && splitConstant(index, scaleMul);
  const norm = afterScale && through(index, afterScale[0], scaleMul.scope, "Div", "Mul");
  if (!norm) return false;
  // Div(d, std) or Mul(d, Reciprocal(std)).
  let centred: NodeRef | undefined;
  let std: NodeRef | undefined;
  if (norm.proto.opType === "Div") {
    centred = through(index, norm.proto.input?.[0], norm.scope, "Sub");
    std = through(index, norm.proto.input?.[1], norm.scope, "Sqrt");
  } else {
    for (const [d, r] of [[0, 1], [1, 0]]) {
      const recip = through(index, norm.proto.input?.[r], norm.scope, "Reciprocal");
      const sub = through(index, norm.proto.input?.[d], norm.scope, "Sub");
      if (recip && sub) {
        centred = sub;
        std = through(index, recip.proto.input?.[0], recip.scope, "Sqrt");
      }
    }
  }
  if (!centred || !std) return false;
  const mean = through(index, centred.proto.input?.[1], centred.scope, "ReduceMean");
  if (!mean || !sameTensor(index, mean.proto.input?.[0], centred.proto.input?.[0], mean.scope)) return false;
  const epsAdd = through(index, std.proto.input?.[0], std.scope, "Add");
  const varianceInput = epsAdd && splitConstant(index, epsAdd);
  const variance = varianceInput && through(index, varianceInput[0], epsAdd.scope, "ReduceMean");
  const square = variance && through(index, variance.proto.input?.[0], variance.scope, "Pow", "Mul");
  if (!square) return false;
  const centredOut = centred.proto.output?.[0];
  if (square.proto.opType === "Pow") return sameTensor(index, square.proto.input?.[0], centredOut, square.scope);
  return sameTensor(index, square.proto.input?.[0], centredOut, square.scope) && sameTensor(index, square.proto.input?.[1], centredOut, square.scope);
}

/** Which kind of layer norm produces `name`, or undefined when it is not a layer norm's output. */
export function layerNormKind(index: ModelIndex, name: string, scope: Scope): LayerNormKind | undefined {
  const node = producerOf(index, name, scope);
  if (!node) return undefined;
  if (node.proto.opType === "LayerNormalization") return node.proto.output?.[0] === name ? "LayerNormalization" : undefined;
  return isDecomposed(index, name, scope) ? "decomposed" : undefined;
}
