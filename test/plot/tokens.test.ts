import { test } from "node:test";
import assert from "node:assert/strict";
import { Tensor } from "@huggingface/transformers";
import { tokenRows, tokenTable, tokenTableHtml, tokenTableText } from "../../src/plot";

const hostile = "<img src=x onerror=alert(1)>";
const tokens = ["[CLS]", "i", "hate", "[SEP]", "[PAD]", "[PAD]"];
const ids = new Tensor("int64", BigInt64Array.from([101n, 1045n, 5223n, 102n, 0n, 0n]), [1, 6]);
const mask = new Tensor("int64", BigInt64Array.from([1n, 1n, 1n, 1n, 0n, 0n]), [1, 6]);

test("tokenRows zips tokens, int64 ids and the mask position by position", () => {
  const rows = tokenRows(tokens, ids, mask);
  assert.equal(rows.length, 6);
  assert.deepEqual(rows[2], { position: 2, token: "hate", id: 5223, attentionMask: 1 });
  assert.deepEqual(rows[5], { position: 5, token: "[PAD]", id: 0, attentionMask: 0 });
});

test("tokenRows refuses mismatched lengths, naming the argument", () => {
  assert.throws(() => tokenRows(tokens.slice(1), ids, mask), /tokens has 5 entries but the inputIds number 6/);
  assert.throws(() => tokenRows(tokens, ids, [1, 1]), /attentionMask has 2 entries but inputIds has 6/);
  assert.throws(() => tokenRows([], []), /inputIds is empty/);
});

test("the Plotly token table has four columns and greys out padding rows", () => {
  const fig = tokenTable(tokenRows(tokens, ids, mask));
  const trace = fig.data[0] as Record<string, any>;
  assert.equal(trace.type, "table");
  assert.deepEqual(trace.header.values, ["#", "token", "id", "attention mask"]);
  assert.deepEqual(trace.cells.values[1], tokens);
  assert.deepEqual(trace.cells.values[3].slice(3), ["1", "0 (padding)", "0 (padding)"]);
  const fill = trace.cells.fill.color[0] as string[];
  assert.equal(fill[0], fill[3]);
  assert.notEqual(fill[4], fill[0], "a padding row has its own background");
});

test("the HTML token table marks padding rows and escapes every token", () => {
  const html = tokenTableHtml(tokenRows(["[CLS]", hostile, "[PAD]"], [101, 1026, 0], [1, 1, 0]));
  assert.doesNotMatch(html, /<img/);
  assert.match(html, /&lt;img src=x onerror=alert\(1\)&gt;/);
  assert.equal(html.match(/<tr class="padding"/g)?.length, 1);
  assert.match(html, /0 \(padding\)/);
});

test("the Plotly token table escapes markup in tokens too", () => {
  const trace = tokenTable(tokenRows([hostile], [1])).data[0] as Record<string, any>;
  assert.equal(trace.cells.values[1][0], "&lt;img src=x onerror=alert(1)&gt;");
});

test("the text token table quotes tokens so spaces and empty strings stay visible", () => {
  const text = tokenTableText(tokenRows(["[CLS]", " ", "[PAD]"], [101, 1, 0], [1, 1, 0]));
  const lines = text.split("\n");
  assert.equal(lines.length, 5);
  assert.match(lines[3], /^1 +" " +1 +1$/);
  assert.match(lines[4], /\[PAD\].*0 \(padding\)$/);
});
