import { test } from "node:test";
import assert from "node:assert/strict";
import { mixedLengthSentences } from "../../scripts/bench/sentences";

const wordCount = (s: string) => s.split(" ").length;

test("the same seed gives the same sentences; another seed other ones", () => {
  assert.deepEqual(mixedLengthSentences(50), mixedLengthSentences(50));
  assert.notDeepEqual(mixedLengthSentences(50, 1), mixedLengthSentences(50, 2));
});

test("a longer list starts with the shorter one, so sizes can be compared", () => {
  assert.deepEqual(mixedLengthSentences(300).slice(0, 100), mixedLengthSentences(100));
});

test("lengths are mixed: short, medium and long sentences of 3 to 90 words", () => {
  const counts = mixedLengthSentences(1000).map(wordCount);
  assert.ok(Math.min(...counts) >= 3 && Math.max(...counts) <= 90, `${Math.min(...counts)}–${Math.max(...counts)}`);
  const share = (lo: number, hi: number) => counts.filter((n) => n >= lo && n <= hi).length / counts.length;
  assert.ok(share(3, 10) > 0.4 && share(11, 30) > 0.25 && share(31, 90) > 0.08, "all three length groups are present");
});

test("sentences read as sentences: capitalised, ending with . or !", () => {
  for (const s of mixedLengthSentences(100)) assert.match(s, /^[A-Z].*[.!]$/);
  assert.throws(() => mixedLengthSentences(-1), /count must be an integer ≥ 0/);
});
