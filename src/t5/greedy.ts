import type { PreTrainedTokenizer, Tensor } from "@huggingface/transformers";
import { logSumExp } from "../tensor/softmax";
import { assertNonEmptyFloat, type TensorLike } from "../tensor/types";
import { idsTensor, withDecoderStart } from "./decoder-inputs";
import { encodeOnce, type T5Runner } from "./forward";
import { pieceOf } from "./pieces";

/** One greedy decision: the highest-scoring token of the last logits row, with its logit and probability. */
export interface GreedyChoice {
  tokenId: number;
  logit: number;
  probability: number;
}

/**
 * Greedy step: from logits [batch, target, vocab], the argmax of row `batch` at the last position (the
 * scores for the token after the last decoder input). Ties go to the lower id, as `generate()` does.
 */
export function greedyStep(logits: TensorLike, batch = 0): GreedyChoice {
  assertNonEmptyFloat(logits, "logits", "greedyStep");
  if (logits.dims.length !== 3) throw new RangeError(`greedyStep: logits must be [batch, target, vocab]; got dims [${logits.dims.join(", ")}]`);
  const [batches, length, vocab] = logits.dims;
  if (!(batch >= 0 && batch < batches)) throw new RangeError(`greedyStep: batch ${batch} is outside logits [${logits.dims.join(", ")}]`);
  const start = (batch * length + length - 1) * vocab;
  const row = Array.from({ length: vocab }, (_, v) => Number(logits.data[start + v]));
  let tokenId = 0;
  for (let v = 1; v < vocab; v++) if (row[v] > row[tokenId]) tokenId = v;
  return { tokenId, logit: row[tokenId], probability: Math.exp(row[tokenId] - logSumExp(row)) };
}

/** One step of decoding by hand: what the decoder was fed and what it chose. */
export interface DecodeStep extends GreedyChoice {
  step: number;
  piece: string;
  /** Length of the decoder input at this step (start token + tokens chosen so far). */
  decoderLength: number;
}

/** The result of greedy decoding by hand. */
export interface GreedyDecode {
  /** The decoder start token followed by every chosen token: what `generate()` returns as its sequence. */
  sequence: number[];
  steps: DecodeStep[];
  /** True when the model chose `</s>` before running out of steps. */
  finished: boolean;
}

function checkSingle(inputs: { input_ids: Tensor }, what: string): void {
  if (inputs.input_ids.dims[0] !== 1) {
    throw new RangeError(`${what} decodes one text at a time; input_ids has batch ${inputs.input_ids.dims[0]}. Loop over the texts (or slice one row).`);
  }
}

/**
 * Greedy decoding by hand, at most `maxNewTokens` steps: run the encoder once, then at each step feed
 * the start token plus everything chosen so far, take the argmax of the last logits row, and stop at
 * `</s>`. No cache (each step recomputes the decoder over the whole prefix), so it is slow but plain.
 */
export async function greedyDecodeByHand(
  t5: T5Runner & { tokenizer: PreTrainedTokenizer },
  inputs: { input_ids: Tensor; attention_mask: Tensor },
  maxNewTokens: number,
): Promise<GreedyDecode> {
  checkSingle(inputs, "greedyDecodeByHand");
  if (!(Number.isInteger(maxNewTokens) && maxNewTokens >= 1)) throw new RangeError(`greedyDecodeByHand: maxNewTokens must be a positive integer; got ${maxNewTokens}`);
  const { decoderStartTokenId, eosTokenId } = t5.spec;
  const encoderOutputs = await encodeOnce(t5.model, inputs);
  const chosen: number[] = [];
  const steps: DecodeStep[] = [];
  for (let step = 0; step < maxNewTokens; step++) {
    const decoderInputIds = withDecoderStart(chosen, decoderStartTokenId);
    const outputs = (await t5.model({ encoder_outputs: encoderOutputs, attention_mask: inputs.attention_mask, decoder_input_ids: idsTensor([decoderInputIds]) })) as Record<string, Tensor>;
    const choice = greedyStep(outputs.logits);
    steps.push({ step, decoderLength: decoderInputIds.length, piece: pieceOf(t5.tokenizer, choice.tokenId), ...choice });
    chosen.push(choice.tokenId);
    if (choice.tokenId === eosTokenId) break;
  }
  return { sequence: withDecoderStart(chosen, decoderStartTokenId), steps, finished: chosen.at(-1) === eosTokenId };
}

/** transformers.js's own greedy decoding (`generate()` without sampling, one beam; it uses the cache), as plain ids. */
export async function generateGreedy(t5: T5Runner, inputs: { input_ids: Tensor; attention_mask: Tensor }, maxNewTokens: number): Promise<number[]> {
  checkSingle(inputs, "generateGreedy");
  const sequences = (await t5.model.generate({ ...inputs, max_new_tokens: maxNewTokens, do_sample: false, num_beams: 1 })) as Tensor;
  return Array.from(sequences.data as BigInt64Array, Number);
}
