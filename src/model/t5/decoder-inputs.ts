import type { Tensor } from "@huggingface/transformers";
import { makeTensor } from "../../tensor/types";

/**
 * A `decoder_input_ids` row that does not begin with the decoder start token. This is an error, not a
 * warning: the model would still return logits, but every row of them would answer a question it was
 * never trained on (T5 always starts decoding from `<pad>`, id 0), so the numbers look fine and are wrong.
 */
export class DecoderStartError extends Error {
  override name = "DecoderStartError";

  constructor(readonly row: number, readonly found: number, readonly expected: number) {
    super(
      `decoder_input_ids row ${row} starts with id ${found}, but the decoder start token is ${expected} ` +
        `(config.decoder_start_token_id; for T5 it is the pad token). Build the decoder inputs with shiftRight(labels, ${expected}), ` +
        `which puts the start token first and shifts the target right by one.`,
    );
  }
}

type Ids = readonly (number | bigint)[];

/**
 * T5's `_shift_right`: the decoder input for a target is the start token followed by the target without
 * its last token. So `logits[t]` (computed from inputs 0…t) is the model's score for `labels[t]`.
 */
export function shiftRight(labels: Ids, decoderStartTokenId: number): number[] {
  if (labels.length === 0) throw new RangeError("shiftRight: labels is empty; a target needs at least one token (T5 targets end with </s>)");
  return [decoderStartTokenId, ...labels.slice(0, -1).map(Number)];
}

/** The decoder input for continuing after `generated` tokens: the start token, then those tokens. */
export function withDecoderStart(generated: Ids, decoderStartTokenId: number): number[] {
  return [decoderStartTokenId, ...generated.map(Number)];
}

/** Rows of ids as an int64 tensor [rows, length]; all rows must have the same length. */
export function idsTensor(rows: readonly Ids[]): Tensor {
  if (rows.length === 0) throw new RangeError("idsTensor: no rows given");
  const length = rows[0].length;
  const bad = rows.findIndex((r) => r.length !== length);
  if (bad >= 0) throw new RangeError(`idsTensor: row ${bad} has ${rows[bad].length} ids, row 0 has ${length}; pad them to one length first`);
  return makeTensor("int64", BigInt64Array.from(rows.flatMap((r) => r.map((v) => BigInt(v)))), [rows.length, length]);
}

/** Throws DecoderStartError unless every row of `decoderInputIds` [batch, length] begins with the start token. */
export function assertDecoderStart(decoderInputIds: { dims: readonly number[]; data: ArrayLike<number | bigint> }, decoderStartTokenId: number): void {
  const [rows, length] = decoderInputIds.dims;
  if (decoderInputIds.dims.length !== 2 || length === 0) {
    throw new RangeError(`decoder_input_ids must be [batch, length] with length ≥ 1 (at least the start token ${decoderStartTokenId}); got dims [${decoderInputIds.dims.join(", ")}]`);
  }
  for (let row = 0; row < rows; row++) {
    const first = Number(decoderInputIds.data[row * length]);
    if (first !== decoderStartTokenId) throw new DecoderStartError(row, first, decoderStartTokenId);
  }
}
