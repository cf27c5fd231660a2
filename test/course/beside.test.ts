import { test } from "node:test";
import assert from "node:assert/strict";
import { besideCourse, COURSE_INPUT_IDS, COURSE_LOGITS, COURSE_PROBABILITIES, COURSE_RESULT } from "../../src/course";

test("besideCourse puts the course's row and this run's side by side, four decimals like the course", () => {
  const text = besideCourse("logits", COURSE_LOGITS, [[-0.4, 0.41], [2.88, -2.85]]);
  assert.equal(text, [
    "logits      course              this run",
    "----------  ------------------  ------------------",
    "sentence 1  [-1.5607,  1.6123]  [-0.4000,  0.4100]",
    "sentence 2  [ 4.1692, -3.3464]  [ 2.8800, -2.8500]",
  ].join("\n"));
});

test("one value below 1e-3 puts the whole table in scientific notation, as the course printed its probabilities", () => {
  const text = besideCourse("softmax", COURSE_PROBABILITIES, [[0.3089, 0.6911], [0.9967, 0.0033]]);
  assert.match(text, /sentence 2  \[9\.9946e-01, 5\.4419e-04\]  \[9\.9670e-01, 3\.3000e-03\]/);
  assert.doesNotMatch(besideCourse("p", [[0.5, 0.5]], [[0.25, 0.75]]), /e-/);
});

test("predictions print as label and score; rows wider than the limit are stacked, ids aligned by position", () => {
  assert.match(besideCourse("pipeline", COURSE_RESULT, [{ label: "POSITIVE", score: 0.69 }, { label: "NEGATIVE", score: 0.99 }]),
    /sentence 1  POSITIVE 0\.9598  POSITIVE 0\.6900/);
  const ids = besideCourse("input_ids", COURSE_INPUT_IDS, COURSE_INPUT_IDS);
  const lines = ids.split("\n");
  assert.deepEqual(lines.slice(0, 2), ["input_ids", "sentence 1"]);
  assert.ok(lines.every((line) => line.length <= 100), ids);
  const [course, run] = [lines[2], lines[3]];
  assert.match(course, /^  course    101 1045/);
  assert.equal(course.slice(10), run.slice(10), "this run's ids are written exactly under the course's");
  assert.equal(lines[5].indexOf("999") + 3, lines[2].indexOf("2005") + 4, "numbers end in the same column across sentences");
});

test("besideCourse refuses tables whose two columns have different numbers of rows", () => {
  assert.throws(() => besideCourse("logits", COURSE_LOGITS, [[1, 2]]), /2 course rows but 1 rows of this run/);
});
