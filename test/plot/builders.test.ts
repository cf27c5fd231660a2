import { test } from "node:test";
import assert from "node:assert/strict";
import { Tensor } from "@huggingface/transformers";
import {
  attentionHeatmap, heatmap, hiddenStateHeatmap, layerHeatmap, layerLines, probabilityBars,
} from "../../src/plot";

const sentences = ["I've been waiting for a HuggingFace course my whole life.", "I hate this so much!"];
const labels = ["NEGATIVE", "POSITIVE"];
const probabilities = [[0.0402, 0.9598], [0.9995, 0.0005]];

// Loose views for reading traces back; the builders' return type is the strict Plotly one.
type Trace = Record<string, any>;
const traces = (fig: { data: unknown[] }) => fig.data as Trace[];

test("probability bars: one trace per label, one group per sentence, values taken column by column", () => {
  const fig = probabilityBars(sentences, labels, probabilities);
  assert.deepEqual(traces(fig).map((t) => t.type), ["bar", "bar"]);
  assert.deepEqual(traces(fig).map((t) => t.name), labels);
  assert.deepEqual(traces(fig)[1].y, probabilities.map((row) => row[1]));
  assert.deepEqual(traces(fig)[0].x, [0, 1]);
  assert.equal(fig.layout.barmode, "group");
  assert.deepEqual(fig.layout.xaxis?.tickvals, [0, 1]);
  assert.equal(fig.layout.xaxis?.ticktext?.length, sentences.length);
  assert.ok(String(fig.layout.xaxis?.ticktext?.[0]).endsWith("…"), "a long sentence is shortened on the axis");
  assert.deepEqual(traces(fig)[0].customdata, sentences, "the full sentence stays in the hover");
});

test("probability bars accept a [sentences, labels] tensor", () => {
  const tensor = new Tensor("float32", Float32Array.from(probabilities.flat()), [2, 2]);
  const fig = probabilityBars(sentences, labels, tensor);
  assert.deepEqual(traces(fig)[0].y, [Math.fround(0.0402), Math.fround(0.9995)]);
});

test("attention heatmap is tokens × tokens with the tokens on both axes, first token on top", () => {
  const tokens = ["[CLS]", "hi", "[SEP]"];
  const weights = [[0.2, 0.3, 0.5], [0.1, 0.8, 0.1], [0.3, 0.3, 0.4]];
  const fig = attentionHeatmap(weights, tokens);
  const [trace] = traces(fig);
  assert.equal(trace.type, "heatmap");
  assert.deepEqual(trace.z, weights);
  assert.deepEqual(fig.layout.xaxis?.ticktext, tokens);
  assert.deepEqual(fig.layout.yaxis?.ticktext, tokens);
  assert.equal(fig.layout.yaxis?.autorange, "reversed");
  assert.deepEqual([trace.zmin, trace.zmax], [0, 1]);
});

test("repeated tokens (two [PAD]s) stay separate categories: axes use positions, not the labels", () => {
  const tokens = ["[CLS]", "[PAD]", "[PAD]"];
  const fig = attentionHeatmap([[1, 0, 0], [0.5, 0.5, 0], [0.2, 0.3, 0.5]], tokens);
  const [trace] = traces(fig);
  assert.deepEqual(trace.x, [0, 1, 2]);
  assert.deepEqual(fig.layout.xaxis?.tickvals, [0, 1, 2]);
  assert.deepEqual(fig.layout.xaxis?.ticktext, tokens);
  assert.notEqual(trace.text[1][1], trace.text[1][2], "hover text tells the two [PAD] columns apart");
});

test("a batch-of-one attention tensor [1, seq, seq] is accepted; [1, heads, seq, seq] asks for one head", () => {
  const one = new Tensor("float32", new Float32Array([0.5, 0.5, 0.25, 0.75]), [1, 2, 2]);
  assert.deepEqual(traces(attentionHeatmap(one, ["a", "b"]))[0].z, [[0.5, 0.5], [0.25, 0.75]]);
  const heads = new Tensor("float32", new Float32Array(8), [1, 2, 2, 2]);
  assert.throws(() => attentionHeatmap(heads, ["a", "b"]), /weights must be 2-D .*dims \[1, 2, 2, 2\].*one head/);
});

test("hidden-state heatmap is tokens × dims on a diverging scale centred at 0; maxDims keeps the first columns", () => {
  const hidden = new Tensor("float32", Float32Array.from({ length: 3 * 6 }, (_, i) => i - 9), [1, 3, 6]);
  const fig = hiddenStateHeatmap(hidden, ["[CLS]", "ok", "[SEP]"], { maxDims: 4 });
  const [trace] = traces(fig);
  assert.equal(trace.z.length, 3);
  assert.ok(trace.z.every((row: number[]) => row.length === 4));
  assert.deepEqual(trace.z[0], [-9, -8, -7, -6]);
  assert.equal(trace.zmid, 0);
  assert.deepEqual(fig.layout.yaxis?.ticktext, ["[CLS]", "ok", "[SEP]"]);
  assert.equal(fig.layout.xaxis?.tickvals, undefined, "dimensions get a plain numeric axis");
});

test("layer lines: one line per token, x runs over the layers", () => {
  const norms = [[1, 2, 3], [4, 5, 6]]; // [layers, tokens]
  const fig = layerLines(norms, { series: ["[CLS]", "[PAD]", "[PAD]"], layerLabels: ["embeddings", "layer 1"] });
  assert.equal(fig.data.length, 3);
  assert.deepEqual(traces(fig).map((t) => t.y), [[1, 4], [2, 5], [3, 6]]);
  assert.deepEqual(traces(fig).map((t) => t.name), ["0: [CLS]", "1: [PAD]", "2: [PAD]"]);
  assert.deepEqual(fig.layout.xaxis?.ticktext, ["embeddings", "layer 1"]);
});

test("layer heatmap: layers as rows from the bottom up, tokens as columns", () => {
  const fig = layerHeatmap([[1, 2], [3, 4], [5, 6]], { series: ["a", "b"] });
  const [trace] = traces(fig);
  assert.deepEqual(trace.z, [[1, 2], [3, 4], [5, 6]]);
  assert.deepEqual(fig.layout.yaxis?.ticktext, ["0", "1", "2"]);
  assert.notEqual(fig.layout.yaxis?.autorange, "reversed");
});

test("labels that look like markup are escaped for Plotly, which would otherwise draw <b> or <br>", () => {
  const fig = heatmap([[1]], { rowLabels: ["<br>"], columnLabels: ["<b>x</b>"] });
  assert.deepEqual(fig.layout.yaxis?.ticktext, ["&lt;br&gt;"]);
  assert.deepEqual(fig.layout.xaxis?.ticktext, ["&lt;b&gt;x&lt;/b&gt;"]);
});

test("user text inside a hover template is not read as a template variable: a label \"%{y}\" stays literal", () => {
  const variables = (template: string) => [...template.matchAll(/%\{([^}]*)\}/g)].map((m) => m[1]);
  const bars = probabilityBars(["s"], ["%{y}"], [[1]]);
  assert.deepEqual(variables(traces(bars)[0].hovertemplate), ["customdata", "y:.4f"]);
  const lines = layerLines([[0.5]], { series: ["%{x}"], valueName: "%{y}" });
  assert.deepEqual(variables(traces(lines)[0].hovertemplate), ["x", "y:.4f"]);
  const map = heatmap([[1]], { rowLabels: ["a"], columnLabels: ["b"], valueName: "%{z}" });
  assert.deepEqual(variables(traces(map)[0].hovertemplate), ["text", "z:.4f"]);
  assert.match(traces(bars)[0].hovertemplate, /%\u200b\{y\}/, "the label is still there, with a zero-width space after %");
});

test("mismatched lengths name the argument and both sizes", () => {
  assert.throws(() => probabilityBars(sentences, ["only one"], probabilities), /labels has 1 entries but the columns of probabilities number 2/);
  assert.throws(() => probabilityBars(["one"], labels, probabilities), /sentences has 1 entries but the rows of probabilities number 2/);
  assert.throws(() => attentionHeatmap([[1, 0], [0, 1]], ["a", "b", "c"]), /tokens has 3 entries but the rows of weights number 2/);
  assert.throws(() => heatmap([[1, 2], [3]]), /values is ragged: row 0 has 2 values but row 1 has 1/);
  assert.throws(() => layerLines([[1, 2]], { series: ["a", "b"], layerLabels: ["x", "y"] }), /options.layerLabels has 2 entries/);
});

test("NaN and infinities are refused with the argument and position", () => {
  assert.throws(() => probabilityBars(sentences, labels, [[0.5, 0.5], [NaN, 1]]), /probabilities\[1\]\[0\] is NaN/);
  const tensor = new Tensor("float32", new Float32Array([0, Infinity]), [1, 2]);
  assert.throws(() => hiddenStateHeatmap(tensor, ["a"]), /hidden\[0\]\[1\] is Infinity/);
});

test("an empty tensor or array is refused, naming the argument", () => {
  assert.throws(() => heatmap(new Tensor("float32", new Float32Array(0), [0, 4])), /values is empty/);
  assert.throws(() => probabilityBars([], labels, []), /probabilities is empty/);
  assert.throws(() => layerLines([[]], { series: [] }), /values is empty/);
});
