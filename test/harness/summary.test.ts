import assert from "node:assert/strict";
import { test } from "node:test";
import { formatSeconds } from "./summary";

test("formatSeconds: two decimals under 10 s, one under 2 min, then minutes and whole seconds", () => {
  assert.equal(formatSeconds(2.345), "2.35 s");
  assert.equal(formatSeconds(61.94), "61.9 s");
  assert.equal(formatSeconds(125), "2 min 05 s");
  // Seconds are rounded before they are split into minutes, so no line reads "3 min 60 s".
  assert.equal(formatSeconds(239.6), "4 min 00 s");
  assert.equal(formatSeconds(599.4), "9 min 59 s");
});
