import type { PreTrainedModel, PreTrainedTokenizer, Tensor } from "@huggingface/transformers";
import * as ort from "onnxruntime-node";
import { prepareFeeds, toTensor } from "../../onnx/session";
import { assertDecoderStart } from "./decoder-inputs";
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
  assertDecoderStart(inputs.decoder_input_ids, t5.spec.decoderStartTokenId);
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
