// Each reference figure carries the output the course printed; parsing that text back must give the value the
// notebooks compare with, so a mistyped digit in either place fails here.
import assert from "node:assert/strict";
import { test } from "node:test";
import { COURSE_FIGURES, COURSE_URL } from "../../src/course/reference";

/** Every number in a printed output, in order (Python's and torch's formats: 1.6123, 4.0195e-02, 999). */
const numbers = (printed: string): number[] => [...printed.matchAll(/-?\d+(?:\.\d+)?(?:e[-+]?\d+)?/g)].map((m) => Number(m[0]));

test("the printed logits, probabilities, token ids and mask are the values, number for number", () => {
  for (const name of ["inputIds", "attentionMask", "logits", "probabilities"] as const) {
    const { value, source } = COURSE_FIGURES[name];
    assert.deepEqual(numbers(source.printed), value.flat(), `${name}: the printed text (${source.section}) and the value differ`);
  }
});

test("the printed shape is the value", () => {
  assert.deepEqual(numbers(COURSE_FIGURES.hiddenShape.source.printed), [...COURSE_FIGURES.hiddenShape.value]);
});

test("the printed pipeline and hand-made results are the labels and scores, to the last digit", () => {
  for (const name of ["pipelineResult", "result"] as const) {
    const { value, source } = COURSE_FIGURES[name];
    const labels = [...source.printed.matchAll(/POSITIVE|NEGATIVE/g)].map((m) => m[0]);
    assert.deepEqual(labels, value.map((r) => r.label), name);
    assert.deepEqual(numbers(source.printed), value.map((r) => r.score), name);
  }
});

test("the printed sentences, id2label and checkpoint are the values", () => {
  assert.deepEqual(COURSE_FIGURES.sentences.source.printed.split("\n"), [...COURSE_FIGURES.sentences.value]);
  const printedLabels = Object.fromEntries([...COURSE_FIGURES.id2label.source.printed.matchAll(/(\d+): '([^']*)'/g)].map((m) => [m[1], m[2]]));
  assert.deepEqual(printedLabels, { ...COURSE_FIGURES.id2label.value });
  // transformers.js loads the course's checkpoint from Xenova's ONNX mirror of it: same name after the owner.
  assert.equal(COURSE_FIGURES.checkpoint.value.split("/")[1], COURSE_FIGURES.checkpoint.source.printed);
});

test("every figure names its course section and the call it came from", () => {
  assert.match(COURSE_URL, /^https:\/\/huggingface\.co\/learn\//);
  for (const [name, { source }] of Object.entries(COURSE_FIGURES)) {
    assert.match(source.section, /^Step [0-5]: /, name);
    assert.ok(source.cell.length > 0 && source.printed.length > 0, name);
  }
});
