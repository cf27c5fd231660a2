import { test } from "node:test";
import assert from "node:assert/strict";
import { Tensor } from "@huggingface/transformers";
import { check, checkAll, checkClose, checkEqual, CheckFailedError, checkShape, COURSE_ATTENTION_MASK, COURSE_INPUT_IDS } from "../../src/course";

function quietly<T>(fn: () => T): { value: T; printed: string } {
  const original = console.log;
  let printed = "";
  console.log = (...args: unknown[]) => { printed += `${args.join(" ")}\n`; };
  try {
    return { value: fn(), printed };
  } finally {
    console.log = original;
  }
}

test("checkEqual passes on equal int64 tensor and nested array, printing a ✓ line", () => {
  const ids = new Tensor("int64", BigInt64Array.from(COURSE_INPUT_IDS.flat().map(BigInt)), [2, 16]);
  assert.match(quietly(() => checkEqual(ids, COURSE_INPUT_IDS, "input_ids")).printed, /^✓ input_ids \(32 values\)\n$/);
});

test("checkEqual names the first differing element", () => {
  const mask = COURSE_ATTENTION_MASK.map((row) => [...row]);
  mask[1][8] = 1;
  assert.throws(() => checkEqual(mask, COURSE_ATTENTION_MASK, "attention_mask"), (e: unknown) =>
    e instanceof CheckFailedError && /attention_mask: element 24 is 1, expected 0/.test(e.message));
});

test("checkEqual rejects a different shape even when the values line up", () => {
  assert.throws(() => checkEqual([[1, 2], [3, 4]], [1, 2, 3, 4], "x"), /shape \[2, 2\] != expected \[4\]/);
});

test("checkClose reports the largest difference and fails beyond the tolerance", () => {
  const { printed } = quietly(() => checkClose([1, 2.00005], [1, 2], 1e-4, "logits"));
  assert.match(printed, /largest difference 5\.00e-5 ≤ 0\.0001/);
  assert.throws(() => checkClose([1, 2.001], [1, 2], 1e-4, "logits"), /logits: element 1 is 2\.001, expected 2/);
});

test("checkClose treats NaN as a failure, never a pass", () => {
  assert.throws(() => checkClose([NaN], [0], 1, "p"), CheckFailedError);
});

test("checkShape and check fail loudly with what was expected", () => {
  const t = new Tensor("float32", new Float32Array(4), [2, 2]);
  assert.throws(() => checkShape(t, [2, 16, 768], "last_hidden_state"), /dims \[2, 2\], expected \[2, 16, 768\]/);
  assert.throws(() => check(false, "rows sum to 1", "row 0 sums to 0.9"), /check failed: rows sum to 1: row 0 sums to 0\.9/);
});

test("usesCourseCheckpoint is true only for the course's Hub checkpoint", async () => {
  const { usesCourseCheckpoint, COURSE_CHECKPOINT } = await import("../../src/course");
  assert.equal(usesCourseCheckpoint({ kind: "hub", id: COURSE_CHECKPOINT }), true);
  assert.equal(usesCourseCheckpoint({ kind: "hub", id: "someone/other-model" }), false);
  assert.equal(usesCourseCheckpoint({ kind: "demo" }), false);
});

test("checkAll prints one ✓ line for a group of passing checks, and throws the first failure of a group", () => {
  const ids = new Tensor("int64", BigInt64Array.from(COURSE_INPUT_IDS.flat().map(BigInt)), [2, 16]);
  const { printed } = quietly(() => checkAll("the batch is the course's", () => {
    checkShape(ids, [2, 16], "shape");
    checkEqual(ids, COURSE_INPUT_IDS, "ids");
  }));
  assert.equal(printed, "✓ the batch is the course's\n");
  let failed = "";
  const after = quietly(() => {
    try {
      checkAll("the batch is the course's", () => {
        checkShape(ids, [2, 16], "shape");
        checkEqual(ids, COURSE_ATTENTION_MASK, "ids equal the mask");
      });
    } catch (error) {
      failed = (error as Error).message;
    }
  });
  assert.match(failed, /ids equal the mask: element 0 is 101, expected 1/);
  assert.equal(after.printed, "", "a failing group prints no ✓ line");
  assert.equal(quietly(() => check(true, "alone")).printed, "✓ alone\n", "after a group, single checks print again");
});
