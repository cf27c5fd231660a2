// The notebook-facing entry point: open a sequence-classification ONNX file with its encoder output,
// every hidden state and every attention map exposed, and read its head's weights.
import { existsSync, readFileSync, realpathSync, statSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import type { Tensor } from "@huggingface/transformers";
import type * as ort from "onnxruntime-node";
import { GraphStructureError, inModel } from "./errors";
import { exposeRefs } from "./expose";
import type { HeadActivation } from "./activation";
import type { HeadFamily, HeadNames, ModelConfigHint } from "./family";
import { isQuantizedHead, readHeadWeights, type HeadWeights, type LinearSource } from "./head";
import type { LayerNormKind } from "./layer-norm";
import { decodeModelBytes, readModelBytes, resolveModelFile, type ModelDtype } from "./load";
import { ModelIndex, type NodeRef } from "./model-index";
import { describeRef, type TensorRef } from "./refs";
import { externalDataFor, openSession, prepareFeeds, toTensor, type ModelFeeds, type SessionOptions } from "./session";
import { findStructure, type ModelStructure } from "./structure";
import { toNumber } from "./tensor-data";

/** Options for `inspectModel`. */
export interface InspectOptions {
  /** Which file to take when the path is a model folder (`onnx/model{suffix}.onnx`); default fp32. */
  readonly dtype?: ModelDtype;
  /** The graph output holding the logits; default `logits`. */
  readonly logits?: string;
  /** Passed to onnxruntime-node's `InferenceSession.create`. */
  readonly sessionOptions?: SessionOptions;
  /**
   * The model's config.json (only `model_type` is read: it tells BERT's head from RoBERTa's). When
   * omitted, `inspectModel` reads the config.json of the model folder the file sits in, if there is one.
   */
  readonly config?: ModelConfigHint;
}

/** What the finder found, by name, for notebooks to print. */
export interface GraphFacts {
  readonly source: string;
  readonly opset: number;
  readonly irVersion: number;
  readonly producer: string;
  readonly logits: string;
  /** The node taking the first token: a Gather, or "Slice → Squeeze" (node = the Slice's name). */
  readonly clsGather: { readonly node: string; readonly opType: string; readonly input: string; readonly output: string };
  readonly family: HeadFamily;
  /** The head's Linear before the activation (DistilBERT's pre_classifier, BERT's pooler, …). */
  readonly dense: LinearSource;
  /** The activation: its kind, how it is written (op type, or "Erf (decomposed)"), and its last node. */
  readonly activation: { readonly node: string; readonly opType: string; readonly kind: HeadActivation; readonly nodes: readonly string[] };
  readonly classifier: LinearSource;
  readonly names: HeadNames;
  readonly quantizedHead: boolean;
  readonly lastHiddenState: string;
  readonly layers: number;
  readonly layerNorm: readonly LayerNormKind[];
  /** Tensors holding the hidden states: embeddings output first, encoder output last. */
  readonly hiddenStates: readonly string[];
  /** Attention Softmax nodes, one per block. */
  readonly softmaxNodes: readonly string[];
  readonly attentions: readonly string[];
  /** If nodes the logits come out of (merged-decoder style graphs); empty for a plain graph. */
  readonly ifNodes: readonly string[];
  /** The session's output names for each role. */
  readonly outputs: {
    readonly logits: string;
    readonly lastHiddenState: string;
    readonly hiddenStates: readonly string[];
    readonly attentions: readonly string[];
  };
}

/** One forward pass with everything exposed. */
export interface InspectionResult {
  /** [batch, labels], what the pipeline turns into scores. */
  readonly logits: Tensor;
  /** [batch, seq, hidden]: the encoder output the head reads row 0 of. */
  readonly lastHiddenState: Tensor;
  /** n_layers + 1 tensors [batch, seq, hidden]: embeddings output, then each block's output. */
  readonly hiddenStates: readonly Tensor[];
  /** n_layers tensors [batch, heads, seq, seq]: each block's attention probabilities. */
  readonly attentions: readonly Tensor[];
  /** Hidden state `i` (0 = embeddings output, n_layers = last_hidden_state), with a range check. */
  hiddenState(i: number): Tensor;
  /** The attention probabilities of block `layer` (0-based), with a range check. */
  attention(layer: number): Tensor;
}

/** A model opened with its internals exposed. */
export interface InspectedModel {
  readonly file: string;
  readonly facts: GraphFacts;
  /** The onnxruntime session on the edited graph. */
  readonly session: ort.InferenceSession;
  /**
   * Runs the model on `{ input_ids, attention_mask }` (plus `token_type_ids` when the file takes them:
   * zeros unless given) and returns the exposed tensors by role.
   */
  run(feeds: ModelFeeds): Promise<InspectionResult>;
  /** The head's family, activation, names, and dense and classifier weights [out, in] and biases (dequantized when quantized). */
  headWeights(): HeadWeights;
}

function nodeFacts(node: NodeRef): { node: string; opType: string } {
  return { node: node.proto.name ?? "", opType: node.proto.opType ?? "" };
}

function describeFacts(source: string, index: ModelIndex, s: ModelStructure, outputs: string[]): GraphFacts {
  const n = s.attentions.length;
  return {
    source,
    opset: index.opset,
    irVersion: toNumber(index.model.irVersion),
    producer: [index.model.producerName, index.model.producerVersion].filter(Boolean).join(" "),
    logits: describeRef(s.logits),
    clsGather: s.firstTokenSlice
      ? { node: s.firstTokenSlice.proto.name ?? "", opType: "Slice → Squeeze", input: s.firstTokenSlice.proto.input?.[0] ?? "", output: s.gather.proto.output?.[0] ?? "" }
      : { ...nodeFacts(s.gather), input: s.gather.proto.input?.[0] ?? "", output: s.gather.proto.output?.[0] ?? "" },
    family: s.head.family,
    dense: s.head.dense.source,
    activation: {
      node: s.head.activation.nodes[s.head.activation.nodes.length - 1].proto.name ?? "",
      opType: s.head.activation.form,
      kind: s.head.activation.kind,
      nodes: s.head.activation.nodes.map((n) => n.proto.name ?? ""),
    },
    classifier: s.head.classifier.source,
    names: s.head.names,
    quantizedHead: isQuantizedHead(s.head),
    lastHiddenState: describeRef(s.lastHiddenState),
    layers: n,
    layerNorm: s.layerNorm,
    hiddenStates: s.hiddenStates.map(describeRef),
    softmaxNodes: s.softmaxes.map((node) => node.proto.name ?? ""),
    attentions: s.attentions.map(describeRef),
    ifNodes: s.ifNodes.map((node) => node.proto.name ?? ""),
    outputs: {
      logits: outputs[0],
      lastHiddenState: outputs[1],
      hiddenStates: outputs.slice(2, 2 + n + 1),
      attentions: outputs.slice(2 + n + 1),
    },
  };
}

function rangeChecked<T>(items: readonly T[], what: (i: number) => string): (i: number) => T {
  return (i) => {
    if (!Number.isInteger(i) || i < 0 || i >= items.length) throw new RangeError(what(i));
    return items[i];
  };
}

/**
 * Finds the structure of ONNX `bytes`, exposes it and opens a session (no caching; `inspectModel` caches).
 * `source` names the model in facts and messages; `modelFile` locates external data, if any.
 */
export async function inspectModelBytes(bytes: Uint8Array, options: InspectOptions & { source?: string; modelFile?: string } = {}): Promise<InspectedModel> {
  const source = options.source ?? options.modelFile ?? "model bytes";
  const index = new ModelIndex(decodeModelBytes(bytes, source));
  let structure: ModelStructure;
  try {
    structure = findStructure(index, options.logits ?? "logits", options.config);
  } catch (error) {
    throw error instanceof GraphStructureError ? inModel(error, options.source ?? options.modelFile) : error;
  }
  const refs: TensorRef[] = [structure.logits, structure.lastHiddenState, ...structure.hiddenStates, ...structure.attentions];
  const exposed = exposeRefs(bytes, index, refs);
  const externalData = options.modelFile ? externalDataFor(index, options.modelFile) : [];
  const session = await openSession(exposed.bytes, options.sessionOptions, externalData);
  const facts = describeFacts(source, index, structure, exposed.outputNames);
  let weights: HeadWeights | undefined;
  return {
    file: source,
    facts,
    session,
    headWeights: () => (weights ??= readHeadWeights(index, structure.head)),
    async run(feeds) {
      const out = await session.run(prepareFeeds(session, feeds));
      const get = (name: string) => toTensor(out[name]);
      const hiddenStates = facts.outputs.hiddenStates.map(get);
      const attentions = facts.outputs.attentions.map(get);
      const n = facts.layers;
      return {
        logits: get(facts.outputs.logits),
        lastHiddenState: get(facts.outputs.lastHiddenState),
        hiddenStates,
        attentions,
        hiddenState: rangeChecked(hiddenStates, (i) =>
          `hidden state ${i} is out of range: the graph has ${n} blocks, so hidden states are 0..${n} (0 = embeddings output, ${n} = last_hidden_state).`),
        attention: rangeChecked(attentions, (i) =>
          `layer ${i} is out of range: the graph has ${n} attention blocks (Softmax nodes ${facts.softmaxNodes[0]} … ${facts.softmaxNodes[n - 1]}), numbered 0..${n - 1}.`),
      };
    },
  };
}

/**
 * The model_type of the config.json in the model folder holding `file` (`<folder>/onnx/model.onnx` or
 * `<folder>/model.onnx`), or undefined when there is none.
 */
function folderConfig(file: string): ModelConfigHint | undefined {
  const folder = basename(dirname(file)) === "onnx" ? dirname(dirname(file)) : dirname(file);
  const path = join(folder, "config.json");
  if (!existsSync(path)) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new Error(`${path} is not valid JSON (${(error as Error).message}); fix it, or pass { config } to inspectModel.`);
  }
  const modelType = (parsed as { model_type?: unknown } | null)?.model_type;
  return typeof modelType === "string" ? { model_type: modelType } : {};
}

// Module-level state only for this cache: edited sessions keyed by file identity and options.
const cache = new Map<string, Promise<InspectedModel>>();

/**
 * Opens `onnxPath` (a .onnx file, or a model folder with `onnx/model*.onnx`) with its internals
 * exposed. Sessions are cached per file (path, size, mtime) and options, so asking twice edits and
 * compiles the graph once.
 */
export async function inspectModel(onnxPath: string, options: InspectOptions = {}): Promise<InspectedModel> {
  const file = realpathSync(resolveModelFile(onnxPath, options.dtype));
  const stat = statSync(file);
  const config = options.config ?? folderConfig(file);
  const key = JSON.stringify([file, stat.size, stat.mtimeMs, options.logits ?? "logits", options.sessionOptions ?? {}, config?.model_type ?? null]);
  let entry = cache.get(key);
  if (!entry) {
    entry = inspectModelBytes(readModelBytes(file), { ...options, config, source: file, modelFile: file });
    cache.set(key, entry);
    entry.catch(() => cache.delete(key)); // a failed attempt is not remembered
  }
  return entry;
}

/** Forgets every cached inspected model (their sessions are released). */
export async function clearInspectCache(): Promise<void> {
  const entries = [...cache.values()];
  cache.clear();
  for (const entry of entries) {
    const model = await entry.catch(() => undefined);
    // A caller may have released a cached session itself (a test done with it): there is nothing left to free.
    await model?.session.release().catch((error: unknown) => {
      if (!/already disposed/i.test((error as Error).message)) throw error;
    });
  }
}

/** How many edited sessions are cached (for tests and notebooks that want to see the cache work). */
export function inspectCacheSize(): number {
  return cache.size;
}
