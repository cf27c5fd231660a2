// What every attribution method returns, and the choice of which positions are explained.

/** One sentence's attribution: a share of the score for each explained position. */
export interface TokenAttribution {
  /** The sentence's token ids, as given (with [CLS] and [SEP]). */
  readonly ids: readonly number[];
  /** The positions explained (default: every position but the first and the last, i.e. not [CLS]/[SEP]). */
  readonly positions: readonly number[];
  /** One contribution per explained position, in the score's units: > 0 pushes the score up. */
  readonly scores: readonly number[];
  /** The score of the sentence as given. */
  readonly full: number;
  /** The score with every explained position removed or masked (the baseline the method compares with). */
  readonly baseline: number;
}

/** A batch of attributions and what computing them cost. */
export interface AttributionRun {
  readonly method: string;
  readonly sentences: readonly TokenAttribution[];
  /** Variant sentences scored, over all sentences. */
  readonly variants: number;
  readonly forwardPasses: number;
}

/** Options shared by the attribution methods. */
export interface PositionOptions {
  /** Positions to explain, per sentence; default every position but the first and last ([CLS] and [SEP]). */
  readonly positions?: readonly (readonly number[])[];
}

/** The positions to explain in sentence `s`, checked against its length. */
export function explainedPositions(ids: readonly number[], s: number, options: PositionOptions): number[] {
  const given = options.positions?.[s];
  const positions = given ? [...given] : Array.from({ length: Math.max(0, ids.length - 2) }, (_, i) => i + 1);
  positions.forEach((p) => {
    if (!Number.isInteger(p) || p < 0 || p >= ids.length) {
      throw new RangeError(`sentence ${s}: position ${p} is outside its ${ids.length} tokens (0..${ids.length - 1})`);
    }
  });
  if (new Set(positions).size !== positions.length) throw new RangeError(`sentence ${s}: positions [${positions.join(", ")}] repeat a position`);
  return positions;
}

/** Checks the sentences are non-empty rows of token ids (unpadded: one row per sentence, as the tokenizer gives one text). */
export function assertSentences(sentences: readonly (readonly number[])[]): void {
  if (!Array.isArray(sentences) || sentences.length === 0) {
    throw new RangeError("sentences must be a non-empty array of token-id rows, e.g. [tokenizer(text).input_ids.tolist()[0].map(Number)]");
  }
  sentences.forEach((row, s) => {
    if (!Array.isArray(row) || row.length === 0) throw new RangeError(`sentence ${s} must be a non-empty array of token ids`);
  });
}
