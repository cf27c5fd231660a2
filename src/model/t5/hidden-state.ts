import * as fs from "node:fs";
import type { PreTrainedModel, Tensor } from "@huggingface/transformers";
import * as ort from "onnxruntime-node";
import { GraphStructureError } from "../../onnx/errors";
import { exposeTensors } from "../../onnx/expose";
import { decodeModelBytes } from "../../onnx/load";
import { ModelIndex, nodeLabel, type Scope } from "../../onnx/model-index";
import { openSession, toTensor } from "../../onnx/session";
import { makeTensor } from "../../tensor/types";
import { assertDecoderStart } from "./decoder-inputs";
import { encodeOnce, type Seq2SeqInputs } from "./forward";

/** Where the LM head sits in a decoder graph: the tensor it reads (the decoder's last hidden state) and its weight. */
export interface LmHead {
  /** The decoder's last hidden state [batch, target, d_model]: the final layer norm's output. */
  hiddenState: string;
  /** The factor T5 multiplies the hidden state by before the head (d_model^-0.5), or null if there is none. */
  rescale: number | null;
  /** The MatMul node that writes `logits`. */
  matMul: string;
}

/** The tensor a scope's graph output `name` is, following an If into its branches (then-branch first). */
function lmHeadIn(index: ModelIndex, name: string, scope: Scope): LmHead[] {
  const source = index.resolve(name, scope);
  if (source?.kind !== "node") throw new GraphStructureError(`'${name}' is not computed by a node, so there is no LM head behind it`, "an LM head MatMul", [{ tensor: name }]);
  const node = source.node;
  if (node.proto.opType === "If") {
    return ["then_branch", "else_branch"].flatMap((attribute) => {
      const branch = node.scope.children.find((s) => s.owner?.node === node && s.owner.attribute === attribute);
      return branch ? lmHeadIn(index, branch.outputs[source.outputIndex], branch) : [];
    });
  }
  if (node.proto.opType !== "MatMul" || !index.isConstant(node.proto.input?.[1] ?? "", node.scope)) {
    throw new GraphStructureError(`Expected '${name}' to come from a MatMul with a weight (the LM head); it comes from ${nodeLabel(node)}`, "an LM head MatMul", [{ node: node.proto.name ?? "", opType: node.proto.opType ?? "" }]);
  }
  const input = node.proto.input?.[0] ?? "";
  const producer = index.resolve(input, node.scope);
  if (producer?.kind === "node" && producer.node.proto.opType === "Mul") {
    const operands = producer.node.proto.input ?? [];
    const constant = operands.findIndex((o) => index.isConstant(o, producer.node.scope));
    const values = constant >= 0 ? index.constantValues(operands[constant], producer.node.scope) : undefined;
    if (values && values.values.length === 1) return [{ hiddenState: operands[1 - constant], rescale: values.values[0], matMul: node.proto.name ?? "" }];
  }
  return [{ hiddenState: input, rescale: null, matMul: node.proto.name ?? "" }];
}

/**
 * Finds, by structure rather than by name, the tensor a decoder's LM head reads: from `logits` back to
 * the MatMul with a weight, past T5's d_model^-0.5 rescale. In a merged decoder it looks in both
 * branches of the If and requires them to agree on the name (so the tensor can be exposed).
 */
export function findLmHead(decoderBytes: Uint8Array): LmHead {
  const index = new ModelIndex(decodeModelBytes(decoderBytes, "decoder model"));
  if (!index.top.outputs.includes("logits")) throw new GraphStructureError(`The decoder has no 'logits' output; its outputs are [${index.top.outputs.join(", ")}]`, "graph output 'logits'");
  const found = lmHeadIn(index, "logits", index.top);
  const names = new Set(found.map((f) => f.hiddenState));
  if (found.length === 0 || names.size !== 1) {
    throw new GraphStructureError(`The LM head reads differently named tensors in the decoder's branches (${[...names].join(", ")}); expose them one branch at a time`, "one LM-head input");
  }
  return found[0];
}

/** The decoder's last hidden state next to its logits, from one run of the decoder with that tensor exposed. */
export interface DecoderHiddenState {
  lastHiddenState: Tensor;
  logits: Tensor;
  lmHead: LmHead;
}

const exposedSessions = new Map<string, Promise<{ session: ort.InferenceSession; lmHead: LmHead; output: string }>>();

async function exposedDecoder(file: string): Promise<{ session: ort.InferenceSession; lmHead: LmHead; output: string }> {
  let entry = exposedSessions.get(file);
  if (!entry) {
    entry = (async () => {
      const bytes = fs.readFileSync(file);
      const lmHead = findLmHead(bytes);
      const exposed = exposeTensors(bytes, [lmHead.hiddenState]);
      return { session: await openSession(exposed.bytes), lmHead, output: exposed.outputs[lmHead.hiddenState] };
    })();
    entry.catch(() => exposedSessions.delete(file));
    exposedSessions.set(file, entry);
  }
  return entry;
}

/** An empty cache tensor for a `past_key_values.*` input: batch from the inputs, the sequence axis 0. */
function emptyCache(meta: ort.InferenceSession.ValueMetadata, batch: number): ort.Tensor {
  const shape = meta.isTensor ? meta.shape : [];
  const dims = shape.map((d) => (typeof d === "number" ? d : d === "batch_size" ? batch : 0));
  return new ort.Tensor("float32", new Float32Array(0), dims);
}

function ortInt64(t: Tensor): ort.Tensor {
  return new ort.Tensor("int64", BigInt64Array.from(Array.from(t.data as ArrayLike<bigint | number>, (v) => BigInt(v))), [...t.dims]);
}

/**
 * The decoder's last hidden state [batch, target, d_model] for the same inputs a forward pass takes:
 * the merged decoder file is opened with the LM head's input exposed as an extra output (the file on disk is
 * unchanged) and run on its first-step branch, exactly as transformers.js runs it without a cache.
 */
export async function decoderLastHiddenState(model: PreTrainedModel, decoderFile: string, inputs: Seq2SeqInputs): Promise<DecoderHiddenState> {
  const config = model.config as unknown as { decoder_start_token_id?: number; pad_token_id?: number };
  assertDecoderStart(inputs.decoder_input_ids, config.decoder_start_token_id ?? config.pad_token_id ?? 0);
  const { session, lmHead, output } = await exposedDecoder(decoderFile);
  const encoderHiddenStates = await encodeOnce(model, inputs);
  const batch = inputs.input_ids.dims[0];
  const feeds: Record<string, ort.Tensor> = {};
  for (const meta of session.inputMetadata) {
    if (meta.name === "input_ids") feeds[meta.name] = ortInt64(inputs.decoder_input_ids);
    else if (meta.name === "encoder_attention_mask") feeds[meta.name] = ortInt64(inputs.attention_mask);
    else if (meta.name === "encoder_hidden_states") feeds[meta.name] = encoderHiddenStates.ort_tensor as ort.Tensor;
    else if (meta.name === "use_cache_branch") feeds[meta.name] = new ort.Tensor("bool", Uint8Array.of(0), [1]);
    else if (meta.name.startsWith("past_key_values.")) feeds[meta.name] = emptyCache(meta, batch);
    else throw new Error(`decoderLastHiddenState: the decoder wants an input '${meta.name}' this helper does not know how to fill`);
  }
  const results = await session.run(feeds);
  const hidden = results[output];
  return {
    lastHiddenState: makeTensor("float32", Float32Array.from(hidden.data as Float32Array), hidden.dims),
    logits: toTensor(results.logits),
    lmHead,
  };
}
