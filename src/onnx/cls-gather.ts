// Finds the first-token slice ([CLS], <s>) that feeds the classification head, walking back from the
// logits (README.md, A2–A3): Gather(axis=1, index 0), or Slice(0:1 on axis 1) → Squeeze(axis 1).
import { AmbiguousStructureError, describeStop, GraphStructureError, HEAD_STEP_UNSHOWN, type StopPoint } from "./errors";
import { ModelIndex, intAttr, intsAttr, nodeLabel, type NodeRef, type Scope } from "./model-index";
import { producerOf } from "./refs";

/**
 * Ops a classification head is built from (Linear layers, plain or quantized; ReLU, Tanh, GELU whole or
 * decomposed; casts, dropouts); the walk back from the logits passes only through these.
 */
export const HEAD_OPS: ReadonlySet<string> = new Set([
  "Gemm", "MatMul", "Add", "Relu", "Tanh", "Gelu", "FastGelu", "BiasGelu", "Erf", "Div", "Cast", "Mul",
  "DynamicQuantizeLinear", "MatMulInteger", "Identity", "Dropout", "Slice", "Squeeze",
]);

/** The Gather (or Slice → Squeeze) that takes the first token's vector, and the encoder output it reads from. */
export interface ClsGather {
  /** The Gather, or the Squeeze of a Slice → Squeeze pair. */
  readonly node: NodeRef;
  /** For Slice → Squeeze: the Slice taking token 0:1. */
  readonly firstTokenSlice?: NodeRef;
  /** The encoder output (`last_hidden_state`), read back through a no-op Slice if the export added one. */
  readonly lastHiddenState: string;
  /** The [CLS] vectors, [batch, hidden]. */
  readonly cls: string;
  /** The no-op Slice between encoder output and Gather, when present. */
  readonly slice?: NodeRef;
}

/** True when `node` is Gather(axis=1) with a scalar index 0 fixed at export time, reading an activation. */
function isClsGather(index: ModelIndex, node: NodeRef): boolean {
  if (node.proto.opType !== "Gather" || intAttr(node, "axis", 0) !== 1) return false;
  const [data, indices] = node.proto.input ?? [];
  if (!data || !indices || index.isConstant(data, node.scope)) return false;
  const value = index.constantValues(indices, node.scope);
  return !!value && value.dims.length === 0 && value.values.length === 1 && value.values[0] === 0;
}

/** A Slice/Squeeze parameter: input `i` (opset ≥ 10 / 13) or the attribute of the same name (older opsets). */
function param(index: ModelIndex, node: NodeRef, i: number, name: string): Float64Array | undefined {
  const input = node.proto.input?.[i];
  if (input) return index.constantValues(input, node.scope)?.values;
  const values = intsAttr(node, name);
  return values ? Float64Array.from(values) : undefined;
}

/** The Slice under a Squeeze(axis 1) that keeps tokens 0:1 of a [batch, seq, hidden] activation; else undefined. */
function firstTokenSlice(index: ModelIndex, node: NodeRef): NodeRef | undefined {
  if (node.proto.opType !== "Squeeze") return undefined;
  const squeezed = param(index, node, 1, "axes");
  if (!squeezed || squeezed.length !== 1 || (squeezed[0] !== 1 && squeezed[0] !== -2)) return undefined;
  const slice = producerOf(index, node.proto.input?.[0] ?? "", node.scope);
  if (slice?.proto.opType !== "Slice") return undefined;
  const data = slice.proto.input?.[0];
  if (!data || index.isConstant(data, slice.scope)) return undefined;
  const starts = param(index, slice, 1, "starts");
  const ends = param(index, slice, 2, "ends");
  const axes = param(index, slice, 3, "axes");
  const steps = slice.proto.input?.[4] ? param(index, slice, 4, "steps") : Float64Array.of(1);
  const one = (v: Float64Array | undefined, ...ok: number[]) => !!v && v.length === 1 && ok.includes(v[0]);
  return one(starts, 0) && one(ends, 1) && one(axes, 1, -2) && one(steps, 1) ? slice : undefined;
}

const FULL_RANGE = 2 ** 31 - 1; // torch writes INT64_MAX (or INT32_MAX) as the end of a `[:]` slice

/** The input of a Slice that keeps every row of axis 0 (`x[:, 0]` can export as Slice then Gather), else undefined. */
function noOpSliceInput(index: ModelIndex, node: NodeRef): string | undefined {
  if (node.proto.opType !== "Slice") return undefined;
  const inputs = node.proto.input ?? [];
  const read = (i: number) => (inputs[i] ? index.constantValues(inputs[i], node.scope)?.values : undefined);
  const starts = read(1);
  const ends = read(2);
  const axes = inputs[3] ? read(3) : Float64Array.of(0);
  const steps = inputs[4] ? read(4) : Float64Array.of(1);
  if (!starts || !ends || !axes || !steps || starts.length !== 1) return undefined;
  const fullRange = starts[0] === 0 && ends[0] >= FULL_RANGE && (axes[0] === 0 || axes[0] === -3) && steps[0] === 1;
  return fullRange ? inputs[0] : undefined;
}

/**
 * Breadth-first walk back from `logits` (in `scope`) through head ops to the nearest CLS Gather.
 * Several Gathers at the same distance on different encoder outputs is an ambiguity error; running out
 * of head ops is a not-found error naming every node the walk stopped at.
 */
export function findClsGather(index: ModelIndex, logits: string, scope: Scope): ClsGather {
  const lookedFor = "a Gather(axis=1, index=0) (or Slice 0:1 → Squeeze on axis 1) between the logits and the encoder";
  const seen = new Set<string>();
  const stops: StopPoint[] = [];
  let frontier: { name: string; scope: Scope }[] = [{ name: logits, scope }];
  while (frontier.length > 0) {
    const found: NodeRef[] = [];
    const next: typeof frontier = [];
    for (const t of frontier) {
      const source = index.resolve(t.name, t.scope);
      if (!source) {
        stops.push({ tensor: t.name });
        continue;
      }
      if (source.kind !== "node") continue; // weights and graph inputs end a path
      const node = source.node;
      const key = `${node.path.map((s) => `${s.field}:${s.index}`).join("/")}`;
      if (seen.has(key)) continue;
      seen.add(key);
      if (node.proto.opType === "Constant") continue;
      if (isClsGather(index, node) || firstTokenSlice(index, node)) {
        found.push(node);
        continue;
      }
      if (!HEAD_OPS.has(node.proto.opType ?? "")) {
        stops.push({ node: node.proto.name ?? "", opType: node.proto.opType ?? "" });
        continue;
      }
      for (const input of node.proto.input ?? []) {
        if (input && !index.isConstant(input, node.scope)) next.push({ name: input, scope: node.scope });
      }
    }
    if (found.length > 1) {
      const sources = new Set(found.map((n) => describeGather(index, n).lastHiddenState));
      if (sources.size > 1) {
        throw new AmbiguousStructureError(
          `Looked for ${lookedFor}, walking back from '${logits}', and found ${found.length} at the same distance: ` +
            `${found.map((n) => `${nodeLabel(n)} reading '${describeGather(index, n).lastHiddenState}'`).join(", ")}. ` +
            "Which one is the encoder output is a guess, so nothing was picked; expose the tensor you mean with exposeTensors().",
          lookedFor, found.map((n) => describeGather(index, n).lastHiddenState));
      }
    }
    if (found.length > 0) return describeGather(index, found[0]);
    frontier = next;
  }
  const where = stops.length > 0 ? `It stopped at ${stops.map(describeStop).join(", ")}` : "It found no node at all";
  throw new GraphStructureError(
    `Looked for ${lookedFor}, walking back from '${logits}' through ${[...HEAD_OPS].join("/")}. ${where}. ` +
      "This is not a Linear → ReLU, Tanh or GELU → Linear head on the first token, as DistilBERT, BERT, RoBERTa and " +
      `DeBERTa-v2 classifiers export, ${HEAD_STEP_UNSHOWN}.`,
    lookedFor, stops);
}

function describeGather(index: ModelIndex, node: NodeRef): ClsGather {
  const tokenSlice = firstTokenSlice(index, node);
  if (tokenSlice) return { node, firstTokenSlice: tokenSlice, lastHiddenState: tokenSlice.proto.input?.[0] ?? "", cls: node.proto.output?.[0] ?? "" };
  const data = node.proto.input?.[0] ?? "";
  const cls = node.proto.output?.[0] ?? "";
  const slice = producerOf(index, data, node.scope);
  const sliced = slice && noOpSliceInput(index, slice);
  return sliced ? { node, lastHiddenState: sliced, cls, slice } : { node, lastHiddenState: data, cls };
}
