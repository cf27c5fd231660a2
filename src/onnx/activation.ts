// The activation between a classification head's two Linear layers, recognised by its ops:
//  - Relu (DistilBERT's pre_classifier), Tanh (BERT's pooler, RoBERTa's classifier.dense);
//  - GELU (DeBERTa-v2's ContextPooler) as torch.onnx writes it below opset 20,
//      y = x * 0.5 * (1 + Erf(x / 1.4142135))   (the three factors multiplied in any order and grouping,
//      x / √2 also written x * 0.70710678),
//    as one Gelu node (opset 20; approximate "none" or "tanh"), or as ORT's com.microsoft Gelu, FastGelu
//    and BiasGelu after graph optimisation (the last two may carry the dense layer's bias).
import { ModelIndex, type NodeRef, type Scope } from "./model-index";
import { producerOf, skipBack } from "./refs";

/** The activation a head applies between its dense layer and its classifier. */
export type HeadActivation = "relu" | "tanh" | "gelu";

/** GELU's exact (erf) form, or the tanh approximation (FastGelu, Gelu approximate="tanh"). */
export type GeluApproximation = "none" | "tanh";

/** An activation found in the graph. */
export interface ParsedActivation {
  readonly kind: HeadActivation;
  readonly approximate: GeluApproximation;
  /** How it is written: the op type, or "Erf (decomposed)" for torch's x · 0.5 · (1 + erf(x / √2)). */
  readonly form: string;
  /** Its nodes, the one writing the output last. */
  readonly nodes: readonly NodeRef[];
  /** The tensor it reads (the dense layer's output, or its matrix product when the bias is fused in). */
  readonly input: string;
  readonly output: string;
  /** A bias the activation adds first (BiasGelu, FastGelu with a bias input): part of the dense layer. */
  readonly bias?: string;
}

const CASTS = new Set(["Cast", "Identity"]);

function near(value: number | undefined, target: number, tolerance = 1e-4): boolean {
  return value !== undefined && Math.abs(value - target) <= tolerance * Math.max(1, Math.abs(target));
}

/** A scalar (or one-element) constant's value, looked up through Casts. */
function scalar(index: ModelIndex, name: string | undefined, scope: Scope): number | undefined {
  if (!name) return undefined;
  const t = skipBack(index, name, scope, CASTS);
  const value = index.constantValues(t.name, t.scope);
  return value && value.values.length === 1 ? value.values[0] : undefined;
}

/** The producer of `name` after skipping Casts, if it is one of `ops`. */
function through(index: ModelIndex, name: string | undefined, scope: Scope, ...ops: string[]): NodeRef | undefined {
  if (!name) return undefined;
  const t = skipBack(index, name, scope, CASTS);
  const node = producerOf(index, t.name, t.scope);
  return node && ops.includes(node.proto.opType ?? "") ? node : undefined;
}

/** The factors of a product: Mul nodes are opened (up to a few levels) unless their output is `stop`. */
function factors(index: ModelIndex, name: string, scope: Scope, stop: string | undefined, depth: number, muls: NodeRef[]): { name: string; scope: Scope }[] {
  const t = skipBack(index, name, scope, CASTS);
  const node = producerOf(index, t.name, t.scope);
  if (depth === 0 || t.name === stop || node?.proto.opType !== "Mul") return [t];
  muls.push(node);
  return (node.proto.input ?? []).flatMap((input) => factors(index, input, node.scope, stop, depth - 1, muls));
}

/** x for an Erf reading x / √2 or x · (1/√2); undefined otherwise. */
function erfArgument(index: ModelIndex, erf: NodeRef): { x: string; node: NodeRef } | undefined {
  const scaled = through(index, erf.proto.input?.[0], erf.scope, "Div", "Mul");
  if (!scaled) return undefined;
  const [a, b] = scaled.proto.input ?? [];
  if (scaled.proto.opType === "Div") return a && near(scalar(index, b, scaled.scope), Math.SQRT2) ? { x: a, node: scaled } : undefined;
  if (a && near(scalar(index, b, scaled.scope), Math.SQRT1_2)) return { x: a, node: scaled };
  if (b && near(scalar(index, a, scaled.scope), Math.SQRT1_2)) return { x: b, node: scaled };
  return undefined;
}

/** Matches torch's decomposed GELU ending at `name`: x · 0.5 · (1 + erf(x / √2)) in any grouping. */
function decomposedGelu(index: ModelIndex, name: string, scope: Scope): ParsedActivation | undefined {
  const firstPass: NodeRef[] = [];
  let erfAdd: NodeRef | undefined;
  let erf: NodeRef | undefined;
  let argument: ReturnType<typeof erfArgument>;
  for (const f of factors(index, name, scope, undefined, 3, firstPass)) {
    const add = through(index, f.name, f.scope, "Add");
    if (!add) continue;
    const [a, b] = add.proto.input ?? [];
    const [other, one] = near(scalar(index, b, add.scope), 1) ? [a, 1] : near(scalar(index, a, add.scope), 1) ? [b, 1] : [undefined, 0];
    const e = one ? through(index, other, add.scope, "Erf") : undefined;
    const arg = e && erfArgument(index, e);
    if (arg) [erfAdd, erf, argument] = [add, e, arg];
  }
  if (firstPass.length === 0 || !erfAdd || !erf || !argument) return undefined;
  // Second pass: open the product again, but keep x whole (it may itself end in a Mul).
  const x = skipBack(index, argument.x, argument.node.scope, CASTS).name;
  const muls: NodeRef[] = [];
  const rest = factors(index, name, scope, x, 3, muls);
  let half = 1;
  let sawX = false;
  let sawErf = false;
  for (const f of rest) {
    const value = scalar(index, f.name, f.scope);
    if (f.name === x && !sawX) sawX = true;
    else if (through(index, f.name, f.scope, "Add") === erfAdd && !sawErf) sawErf = true;
    else if (value !== undefined) half *= value;
    else return undefined;
  }
  if (!sawX || !sawErf || !near(half, 0.5)) return undefined;
  return {
    kind: "gelu", approximate: "none", form: "Erf (decomposed)",
    nodes: [argument.node, erf, erfAdd, ...muls.reverse()], input: argument.x, output: name,
  };
}

/** Recognises the activation that produces `name` (Casts and Identities before it skipped); undefined if none. */
export function parseActivation(index: ModelIndex, name: string, scope: Scope): ParsedActivation | undefined {
  const t = skipBack(index, name, scope, CASTS);
  const node = producerOf(index, t.name, t.scope);
  if (!node) return undefined;
  const op = node.proto.opType ?? "";
  const domain = node.proto.domain ?? "";
  const input = node.proto.input?.[0] ?? "";
  const simple = (kind: HeadActivation, approximate: GeluApproximation = "none", bias?: string): ParsedActivation =>
    ({ kind, approximate, form: op, nodes: [node], input, output: t.name, ...(bias ? { bias } : {}) });
  if (op === "Relu") return simple("relu");
  if (op === "Tanh") return simple("tanh");
  if (op === "Gelu") {
    const approx = node.proto.attribute?.find((a) => a.name === "approximate")?.s;
    const mode = approx ? new TextDecoder().decode(approx) : "none";
    return simple("gelu", mode === "tanh" ? "tanh" : "none");
  }
  if (domain === "com.microsoft" && (op === "FastGelu" || op === "BiasGelu")) {
    const bias = node.proto.input?.[1];
    if (bias && !index.isConstant(bias, node.scope)) return undefined;
    return simple("gelu", op === "FastGelu" ? "tanh" : "none", bias || undefined);
  }
  if (op === "Mul") return decomposedGelu(index, t.name, t.scope);
  return undefined;
}

/**
 * erf to double precision: its Maclaurin series below |x| = 3, the continued fraction for erfc above
 * (JavaScript has no Math.erf).
 */
export function erf(x: number): number {
  const a = Math.abs(x);
  if (a < 3) {
    let term = x;
    let sum = x;
    for (let n = 1; n < 200 && Math.abs(term) > 1e-17 * Math.abs(sum); n++) {
      term *= (-x * x) / n;
      sum += term / (2 * n + 1);
    }
    return (2 / Math.sqrt(Math.PI)) * sum;
  }
  // erfc(a) = exp(-a²)/√π · 1/(a + (1/2)/(a + 1/(a + (3/2)/(a + …)))), evaluated from the tail.
  let fraction = a;
  for (let k = 60; k >= 1; k--) fraction = a + k / 2 / fraction;
  const erfc = Math.exp(-a * a) / Math.sqrt(Math.PI) / fraction;
  return Math.sign(x) * (1 - erfc);
}

/** GELU: x Φ(x) exactly, or the tanh approximation. */
export function gelu(x: number, approximate: GeluApproximation = "none"): number {
  if (approximate === "tanh") return 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));
  return 0.5 * x * (1 + erf(x / Math.SQRT2));
}

/** The activation as a function of one number. */
export function activationFunction(kind: HeadActivation, approximate: GeluApproximation = "none"): (x: number) => number {
  if (kind === "relu") return (x) => Math.max(0, x);
  if (kind === "tanh") return Math.tanh;
  return (x) => gelu(x, approximate);
}

/** The largest slope of the activation (how much it can stretch an error): 1 for ReLU and tanh, about 1.13 for GELU. */
export function activationLipschitz(kind: HeadActivation): number {
  return kind === "gelu" ? 1.13 : 1;
}
