import type { TensorLike } from "../tensor/types";

/** The part of a transformers.js tokenizer this module needs. */
export interface VocabSource {
  get_vocab(): Map<string, number> | Record<string, number>;
}

const inverseVocabs = new WeakMap<object, string[]>();

function inverseVocab(tokenizer: VocabSource): string[] {
  let byId = inverseVocabs.get(tokenizer);
  if (!byId) {
    const vocab = tokenizer.get_vocab();
    const entries = vocab instanceof Map ? [...vocab.entries()] : Object.entries(vocab);
    byId = [];
    for (const [token, id] of entries) byId[id] = token;
    inverseVocabs.set(tokenizer, byId);
  }
  return byId;
}

/** The vocabulary entries behind token ids, e.g. 101 → `[CLS]`, 12172 → `##face` (a row of input_ids, or an array). */
export function idsToTokens(tokenizer: VocabSource, ids: TensorLike | ArrayLike<number | bigint>): string[] {
  const values = "dims" in ids ? (ids as TensorLike).data : ids;
  const byId = inverseVocab(tokenizer);
  return Array.from(values as ArrayLike<number | bigint>, (v) => {
    const token = byId[Number(v)];
    if (token === undefined) throw new RangeError(`token id ${String(v)} is not in the tokenizer's vocabulary (size ${byId.length})`);
    return token;
  });
}
