import { test } from "node:test";
import assert from "node:assert/strict";
import { candidateBars } from "../../src/plot";

test("candidateBars: one bar per candidate in the order given, axis named for pieces, not sentences or labels", () => {
  const figure = candidateBars([{ piece: "▁cat", logit: 9, probability: 0.9 }, { piece: "▁cat", logit: 4, probability: 0.05 }, { piece: "<b>", logit: 3, probability: 0.01 }]);
  const bar = figure.data[0] as { x: number[]; y: number[]; customdata: string[][]; hovertemplate: string };
  assert.deepEqual(bar.x, [0, 1, 2], "a repeated piece keeps its own bar");
  assert.deepEqual(bar.y, [0.9, 0.05, 0.01]);
  assert.deepEqual(figure.layout.xaxis?.ticktext, ["▁cat", "▁cat", "&lt;b&gt;"]);
  assert.equal(figure.layout.xaxis?.title && (figure.layout.xaxis.title as { text: string }).text, "candidate next token");
  assert.equal(figure.layout.legend, undefined);
  assert.deepEqual(bar.customdata[2], ["&lt;b&gt;", "3.000"]);
});

test("candidateBars refuses an empty list and a probability outside [0, 1], naming the candidate", () => {
  assert.throws(() => candidateBars([]), /at least one candidate/);
  assert.throws(() => candidateBars([{ piece: "a", logit: 1, probability: 0.5 }, { piece: "b", logit: 2, probability: 1.5 }]), /candidate 1 needs a probability in \[0, 1\]/);
});
