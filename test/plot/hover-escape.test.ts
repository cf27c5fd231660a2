// Every figure builder that puts user text (class names, tokens, labels, pieces) into hover text must show a
// name like "%{y}" as written. Plotly fills in `%{…}` inside a hovertemplate in one pass; what it substitutes
// (text, customdata) is not read again. So the test fills in each trace's template as Plotly would, for every
// point, and looks for the name, literally, in what a learner would see on hover.
import assert from "node:assert/strict";
import { test } from "node:test";
import { Tensor } from "@huggingface/transformers";
import type { Figure } from "../../src/plot/figure";
import {
  attentionHeatmap, candidateBars, headView, heatmap, hiddenStateHeatmap, layerHeatmap, layerLines, probabilityBars,
  scoreScatter, sigmoidSlider, temperatureFigure,
} from "../../src/plot";

const NAME = "%{y}";

// Plotly's own pattern for template variables (src/lib/index.js, TEMPLATE_STRING_REGEX).
const TEMPLATE_VARIABLE = /%{([^\s%{}:]*)([:||][^}]*)?}/g;

type Trace = Record<string, unknown>;

/** The value at point `i` of a per-point array (or the scalar itself); heatmaps index [row][column]. */
function at(value: unknown, point: number[]): unknown {
  let v = value;
  for (const k of point) if (Array.isArray(v)) v = v[k];
  return v;
}

/** The hover text Plotly shows for one point of a trace: template variables filled in, zero-width spaces dropped. */
function hoverAt(trace: Trace, point: number[]): string {
  const template = trace.hovertemplate;
  if (typeof template !== "string") return typeof trace.text === "string" ? trace.text : String(at(trace.text, point) ?? "");
  const filled = template.replace(TEMPLATE_VARIABLE, (_, key: string) => {
    const indexed = /^(\w+)\[(\d+)\]$/.exec(key);
    if (indexed) return String((at(trace[indexed[1]], point) as unknown[])[Number(indexed[2])]);
    if (key === "x" || key === "y") return String(at(trace[key], point.slice(-1)) ?? "");
    return String(at(trace[key], point) ?? "");
  });
  return filled.replace(/\u200b/g, "").replace(/<extra>.*<\/extra>/, "");
}

/** Every hover text of every trace (and frame trace) of a figure. */
function hovers(figure: Figure): string[] {
  const traces = [...figure.data, ...(figure.frames ?? []).flatMap((f) => f.data)] as Trace[];
  return traces.flatMap((trace) => {
    const z = trace.z as number[][] | undefined;
    const points: number[][] = Array.isArray(z)
      ? z.flatMap((row, i) => row.map((_, j) => [i, j]))
      : Array.from({ length: Math.max(1, (trace.y as unknown[] | undefined)?.length ?? 1) }, (_, i) => [i]);
    return points.map((p) => hoverAt(trace, p));
  });
}

/** Plotly decodes these entities when it draws hover text. */
const shown = (text: string) => text.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");

function assertShownLiterally(figure: Figure, builder: string): void {
  const texts = hovers(figure).map(shown);
  assert.ok(texts.some((t) => t.includes(NAME)), `${builder}: no hover shows "${NAME}" as written; hovers: ${JSON.stringify(texts.slice(0, 4))}`);
}

const tokens = ["[CLS]", NAME];

test("probabilityBars shows a class named %{y} literally on hover", () => {
  assertShownLiterally(probabilityBars(["a sentence"], ["NEGATIVE", NAME], [[0.25, 0.75]]), "probabilityBars");
});

test("probabilityBars shows a sentence %{y} literally on hover", () => {
  assertShownLiterally(probabilityBars([NAME], ["NEGATIVE", "POSITIVE"], [[0.25, 0.75]]), "probabilityBars");
});

test("heatmap shows a row label and a value name %{y} literally", () => {
  assertShownLiterally(heatmap([[1, 2]], { rowLabels: [NAME], columnLabels: ["a", "b"] }), "heatmap rowLabels");
  assertShownLiterally(heatmap([[1, 2]], { valueName: NAME }), "heatmap valueName");
});

test("attentionHeatmap and hiddenStateHeatmap show a token %{y} literally", () => {
  assertShownLiterally(attentionHeatmap([[0.5, 0.5], [0.25, 0.75]], tokens), "attentionHeatmap");
  assertShownLiterally(hiddenStateHeatmap([[0.1, 0.2, 0.3], [0.4, 0.5, 0.6]], tokens), "hiddenStateHeatmap");
});

test("layerLines and layerHeatmap show a series named %{y} literally", () => {
  assertShownLiterally(layerLines([[1, 2], [3, 4]], { series: tokens }), "layerLines");
  assertShownLiterally(layerLines([[1, 2], [3, 4]], { series: ["a", "b"], valueName: NAME }), "layerLines valueName");
  assertShownLiterally(layerHeatmap([[1, 2], [3, 4]], { series: tokens }), "layerHeatmap");
});

test("headView shows a token %{y} literally", () => {
  const attention = new Tensor("float32", new Float32Array([0.5, 0.5, 0.25, 0.75]), [1, 1, 2, 2]);
  assertShownLiterally(headView([attention], tokens), "headView");
});

test("sigmoidSlider shows a mark labelled %{y} literally", () => {
  assertShownLiterally(sigmoidSlider({ marks: [{ label: NAME, difference: 1.5 }] }), "sigmoidSlider");
});

test("temperatureFigure shows a class named %{y} literally", () => {
  assertShownLiterally(temperatureFigure([1, 2], ["cat", NAME], [0.5, 1, 2]), "temperatureFigure");
});

test("scoreScatter shows a group, a point label and an axis title %{y} literally", () => {
  assertShownLiterally(scoreScatter([{ name: NAME, x: [1], y: [2] }], { xTitle: "x", yTitle: "y" }), "scoreScatter group");
  assertShownLiterally(scoreScatter([{ name: "g", x: [1], y: [2], labels: [NAME] }], { xTitle: "x", yTitle: "y" }), "scoreScatter labels");
  assertShownLiterally(scoreScatter([{ name: "g", x: [1], y: [2] }], { xTitle: NAME, yTitle: "y" }), "scoreScatter xTitle");
});

test("candidateBars shows a piece %{y} literally", () => {
  assertShownLiterally(candidateBars([{ piece: NAME, logit: 3, probability: 0.5 }, { piece: "▁cat", logit: 2, probability: 0.2 }]), "candidateBars");
});

test("the check itself fails on a template that fills the name in (so it can catch the bug)", () => {
  const unescaped: Figure = { data: [{ type: "bar", x: [0], y: [0.5], hovertemplate: `${NAME}: %{y}` }], layout: {} };
  assert.throws(() => assertShownLiterally(unescaped, "unescaped"), /no hover shows/);
});
