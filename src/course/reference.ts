// The figures the Python walkthrough printed (see shared/reference/behind-the-pipeline.md). Notebooks compare
// against them: token ids always (the offline model uses the same vocabulary), logits and scores only when the
// real checkpoint is loaded.

/** The checkpoint the course uses, as transformers.js names it on the Hub. */
export const COURSE_CHECKPOINT = "Xenova/distilbert-base-uncased-finetuned-sst-2-english";

/** The two example sentences, in the course's order. */
export const COURSE_SENTENCES: readonly string[] = [
  "I've been waiting for a HuggingFace course my whole life.",
  "I hate this so much!",
];

/** The tokenizer's `input_ids` for the two sentences, padded to 16. */
export const COURSE_INPUT_IDS: readonly (readonly number[])[] = [
  [101, 1045, 1005, 2310, 2042, 3403, 2005, 1037, 17662, 12172, 2607, 2026, 2878, 2166, 1012, 102],
  [101, 1045, 5223, 2023, 2061, 2172, 999, 102, 0, 0, 0, 0, 0, 0, 0, 0],
];

/** The matching `attention_mask`: 1 for real tokens, 0 for padding. */
export const COURSE_ATTENTION_MASK: readonly (readonly number[])[] = [
  Array(16).fill(1),
  [...Array(8).fill(1), ...Array(8).fill(0)],
];

/** `last_hidden_state` shape: batch × sequence × hidden size. */
export const COURSE_HIDDEN_SHAPE: readonly number[] = [2, 16, 768];

/** The classification head's logits, as printed (four decimals). */
export const COURSE_LOGITS: readonly (readonly number[])[] = [
  [-1.5607, 1.6123],
  [4.1692, -3.3464],
];

/** Softmax of the logits, as printed. */
export const COURSE_PROBABILITIES: readonly (readonly number[])[] = [
  [4.0195e-2, 9.5981e-1],
  [9.9946e-1, 5.4419e-4],
];

/** The hand-made result of the last step, computed on CPU. */
export const COURSE_RESULT: readonly { label: string; score: number }[] = [
  { label: "POSITIVE", score: 0.9598050713539124 },
  { label: "NEGATIVE", score: 0.9994558691978455 },
];

/** The checkpoint's label names. */
export const COURSE_ID2LABEL: Readonly<Record<number, string>> = { 0: "NEGATIVE", 1: "POSITIVE" };

/** True when a model choice is the course's own checkpoint, so its numbers must match the course's. */
export function usesCourseCheckpoint(choice: { kind: string; id?: string }): boolean {
  return choice.kind === "hub" && choice.id === COURSE_CHECKPOINT;
}
