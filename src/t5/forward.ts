import type { PreTrainedModel, PreTrainedTokenizer, Tensor } from "@huggingface/transformers";
import * as ort from "onnxruntime-node";
import { prepareFeeds, toTensor } from "../onnx/session";
import { logSumExp } from "../tensor/softmax";
import { assertNonEmptyFloat, makeTensor, type TensorLike } from "../tensor/types";
import { checkDecoderStart } from "./decoder-inputs";
import { pieceOf } from "./pieces";
import type { T5Model } from "./load";

/** What a seq2seq forward pass without labels needs: the encoder's inputs and the decoder's. */
export interface Seq2SeqInputs {
  input_ids: Tensor;
  attention_mask: Tensor;
  decoder_input_ids: Tensor;
}

/** The model part of a T5Model, all the forward helpers need. */
export type T5Runner = Pick<T5Model, "model" | "spec">;

/** What the decoder returned: logits [batch, target, vocab], and the names of every output (the cache included). */
export interface Seq2SeqOutput {
  logits: Tensor;
  outputNames: string[];
}

/**
 * One encoder–decoder forward pass without labels, through transformers.js: `model({ input_ids,
 * attention_mask, decoder_input_ids })`. No labels only means no loss; the logits are computed all the
 * same. Throws DecoderStartError unless every decoder row starts with the start token.
 */
export async function seq2seqForward(t5: T5Runner, inputs: Seq2SeqInputs): Promise<Seq2SeqOutput> {
  checkDecoderStart(inputs.decoder_input_ids, t5.spec.decoderStartTokenId);
  const [batch] = inputs.input_ids.dims;
  if (inputs.decoder_input_ids.dims[0] !== batch || inputs.attention_mask.dims.join() !== inputs.input_ids.dims.join()) {
    throw new RangeError(
      `seq2seqForward: input_ids [${inputs.input_ids.dims.join(", ")}], attention_mask [${inputs.attention_mask.dims.join(", ")}] and ` +
        `decoder_input_ids [${inputs.decoder_input_ids.dims.join(", ")}] must agree on the batch size (and the mask on the length)`,
    );
  }
  const outputs = (await t5.model(inputs)) as Record<string, Tensor>;
  return { logits: outputs.logits, outputNames: Object.keys(outputs) };
}

/**
 * Runs only the encoder session once: last_hidden_state [batch, source, d_model]. Decoding then reuses
 * it at every step (pass it as `encoder_outputs`), which is why transformers.js keeps T5 in two files.
 */
export async function encodeOnce(model: PreTrainedModel, inputs: { input_ids: Tensor; attention_mask: Tensor }): Promise<Tensor> {
  const session = model.sessions.model as ort.InferenceSession;
  const outputs = await session.run(prepareFeeds(session, inputs));
  return toTensor(outputs.last_hidden_state);
}

/** The logits row [vocab] at (batch, position) of logits [batch, target, vocab]. */
export function logitsRow(logits: TensorLike, batch: number, position: number): Tensor {
  assertNonEmptyFloat(logits, "logits", "logitsRow");
  if (logits.dims.length !== 3) throw new RangeError(`logitsRow: logits must be [batch, target, vocab]; got dims [${logits.dims.join(", ")}]`);
  const [batches, length, vocab] = logits.dims;
  if (!(batch >= 0 && batch < batches && position >= 0 && position < length)) {
    throw new RangeError(`logitsRow: (batch ${batch}, position ${position}) is outside logits [${logits.dims.join(", ")}]`);
  }
  const start = (batch * length + position) * vocab;
  return makeTensor("float32", Float32Array.from({ length: vocab }, (_, v) => Number(logits.data[start + v])), [vocab]);
}

/** One candidate token of a logits row: its id, its piece, its logit and its softmax probability. */
export interface TokenScore {
  id: number;
  piece: string;
  logit: number;
  probability: number;
}

/** The `k` highest-scoring tokens of a logits row [vocab], best first, with the tokenizer's piece for each. */
export function topTokens(row: TensorLike, tokenizer: PreTrainedTokenizer, k = 5): TokenScore[] {
  assertNonEmptyFloat(row, "row", "topTokens");
  const values = Array.from(row.data as ArrayLike<number>, Number);
  const normalizer = logSumExp(values);
  const best = values.map((_, id) => id).sort((a, b) => values[b] - values[a] || a - b).slice(0, k);
  return best.map((id) => ({ id, piece: pieceOf(tokenizer, id), logit: values[id], probability: Math.exp(values[id] - normalizer) }));
}

/** The score of token `id` in a logits row: its logit and its softmax probability. */
export function tokenScore(row: TensorLike, id: number): { logit: number; probability: number } {
  assertNonEmptyFloat(row, "row", "tokenScore");
  if (!(id >= 0 && id < row.data.length)) throw new RangeError(`tokenScore: token id ${id} is outside the row's ${row.data.length} entries`);
  const values = Array.from(row.data as ArrayLike<number>, Number);
  return { logit: values[id], probability: Math.exp(values[id] - logSumExp(values)) };
}
