// The figures the course's Python walkthrough printed ("Behind the pipeline", chapter 2 of the Hugging Face course,
// COURSE_URL below), each with where it comes from: the course section, the Python call whose output it is, and
// the output as printed. Notebooks compare against the values: token ids always (the offline model uses the same
// vocabulary), logits and scores only when the real checkpoint is loaded. test/course/reference.test.ts parses
// every `printed` text back and checks it is the value, so a figure cannot drift from its source.

/** The course page these figures come from. */
export const COURSE_URL = "https://huggingface.co/learn/llm-course/chapter2/2";

/** Where a reference figure comes from. */
export interface FigureSource {
  /** The course's step, e.g. "Step 3: the model with its classification head". */
  readonly section: string;
  /** The Python call whose result was printed. */
  readonly cell: string;
  /** The output as the course printed it (whitespace aside). */
  readonly printed: string;
}

/** One figure of the course: its value, and its provenance. */
export interface ReferenceFigure<T> {
  readonly value: T;
  readonly source: FigureSource;
}

const figure = <T>(value: T, source: FigureSource): ReferenceFigure<T> => ({ value, source });

/** Every figure the notebooks compare with, by name (the exported constants below are their values). */
export const COURSE_FIGURES = {
  checkpoint: figure("Xenova/distilbert-base-uncased-finetuned-sst-2-english", {
    section: "Step 0: the pipeline in one call",
    cell: 'pipeline("sentiment-analysis") (no model named: the task\'s default checkpoint)',
    printed: "distilbert-base-uncased-finetuned-sst-2-english",
  }),
  sentences: figure<readonly string[]>([
    "I've been waiting for a HuggingFace course my whole life.",
    "I hate this so much!",
  ], {
    section: "Step 0: the pipeline in one call",
    cell: "classifier([sentence1, sentence2])",
    printed: "I've been waiting for a HuggingFace course my whole life.\nI hate this so much!",
  }),
  pipelineResult: figure<readonly { label: string; score: number }[]>([
    { label: "POSITIVE", score: 0.9598049521446228 },
    { label: "NEGATIVE", score: 0.9994558691978455 },
  ], {
    section: "Step 0: the pipeline in one call",
    cell: "classifier([sentence1, sentence2])",
    printed: "[{'label': 'POSITIVE', 'score': 0.9598049521446228}, {'label': 'NEGATIVE', 'score': 0.9994558691978455}]",
  }),
  inputIds: figure<readonly (readonly number[])[]>([
    [101, 1045, 1005, 2310, 2042, 3403, 2005, 1037, 17662, 12172, 2607, 2026, 2878, 2166, 1012, 102],
    [101, 1045, 5223, 2023, 2061, 2172, 999, 102, 0, 0, 0, 0, 0, 0, 0, 0],
  ], {
    section: "Step 1: tokenizer",
    cell: 'tokenizer(raw_inputs, padding=True, truncation=True, return_tensors="pt")["input_ids"]',
    printed: [
      "[ 101, 1045, 1005, 2310, 2042, 3403, 2005, 1037, 17662, 12172, 2607, 2026, 2878, 2166, 1012, 102 ]",
      "[ 101, 1045, 5223, 2023, 2061, 2172,  999,  102,     0,     0,    0,    0,    0,    0,    0,   0 ]",
    ].join("\n"),
  }),
  attentionMask: figure<readonly (readonly number[])[]>([
    Array(16).fill(1),
    [...Array(8).fill(1), ...Array(8).fill(0)],
  ], {
    section: "Step 1: tokenizer",
    cell: 'tokenizer(raw_inputs, padding=True, truncation=True, return_tensors="pt")["attention_mask"]',
    printed: [
      "[1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]",
      "[1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0]",
    ].join("\n"),
  }),
  hiddenShape: figure<readonly number[]>([2, 16, 768], {
    section: "Step 2: the base model (no head)",
    cell: "AutoModel.from_pretrained(checkpoint)(**inputs).last_hidden_state.shape",
    printed: "torch.Size([2, 16, 768])",
  }),
  logits: figure<readonly (readonly number[])[]>([
    [-1.5607, 1.6123],
    [4.1692, -3.3464],
  ], {
    section: "Step 3: the model with its classification head",
    cell: "AutoModelForSequenceClassification.from_pretrained(checkpoint)(**inputs).logits",
    printed: "[[-1.5607,  1.6123],\n [ 4.1692, -3.3464]]",
  }),
  probabilities: figure<readonly (readonly number[])[]>([
    [4.0195e-2, 9.5981e-1],
    [9.9946e-1, 5.4419e-4],
  ], {
    section: "Step 4: softmax",
    cell: "torch.nn.functional.softmax(outputs.logits, dim=-1)",
    printed: "[[4.0195e-02, 9.5981e-01],\n [9.9946e-01, 5.4419e-04]]",
  }),
  id2label: figure<Readonly<Record<number, string>>>({ 0: "NEGATIVE", 1: "POSITIVE" }, {
    section: "Step 5: id2label and the pipeline's output",
    cell: "model.config.id2label",
    printed: "{0: 'NEGATIVE', 1: 'POSITIVE'}",
  }),
  result: figure<readonly { label: string; score: number }[]>([
    { label: "POSITIVE", score: 0.9598050713539124 },
    { label: "NEGATIVE", score: 0.9994558691978455 },
  ], {
    section: "Step 5: id2label and the pipeline's output",
    cell: "id2label[prediction.argmax().item()], prediction.max().item() for each row (on CPU)",
    printed: "POSITIVE 0.9598050713539124\nNEGATIVE 0.9994558691978455",
  }),
} as const;

/** The checkpoint the course uses, as transformers.js names it on the Hub (the course's own id, Xenova's mirror). */
export const COURSE_CHECKPOINT = COURSE_FIGURES.checkpoint.value;

/** The course's two example sentences, in its order. */
export const COURSE_SENTENCES = COURSE_FIGURES.sentences.value;

/** What `pipeline("sentiment-analysis")` returned on the two sentences in the course (step 0). */
export const COURSE_PIPELINE_RESULT = COURSE_FIGURES.pipelineResult.value;

/** The tokenizer's `input_ids` for the two sentences, padded to 16 (step 1). */
export const COURSE_INPUT_IDS = COURSE_FIGURES.inputIds.value;

/** The matching `attention_mask`: 1 for real tokens, 0 for padding (step 1). */
export const COURSE_ATTENTION_MASK = COURSE_FIGURES.attentionMask.value;

/** `last_hidden_state` shape: batch × sequence × hidden size (step 2). */
export const COURSE_HIDDEN_SHAPE = COURSE_FIGURES.hiddenShape.value;

/** The classification head's logits, as printed to four decimals (step 3). */
export const COURSE_LOGITS = COURSE_FIGURES.logits.value;

/** Softmax of the logits, as printed (step 4). */
export const COURSE_PROBABILITIES = COURSE_FIGURES.probabilities.value;

/** The hand-made result of the last step, computed on CPU (step 5). */
export const COURSE_RESULT = COURSE_FIGURES.result.value;

/** True when a model choice is the course's own checkpoint, so its numbers must match the course's. */
export function usesCourseCheckpoint(choice: { kind: string; id?: string }): boolean {
  return choice.kind === "hub" && choice.id === COURSE_CHECKPOINT;
}
