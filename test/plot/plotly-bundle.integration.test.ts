// The workbook's partial plotly.js (vendor/plotly/): it holds exactly the trace types the figure builders draw, it
// draws each of them from file:// in Chromium, and show() refuses a trace type it does not hold.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { entrySource } from "../../scripts/plotly/build";
import { temperatureFigure } from "../../src/plot/logits";
import { figureBundle, figureHtml, heatmap, layerLines, probabilityBars, tokenRows, tokenTable, type Figure } from "../../src/plot";
import { inlinePlotlySource, plotlyBundlePath } from "../../src/plot/plotly-bundle";
import { PLOTLY_TRACE_TYPES, PLOTLY_VERSION, unsupportedTraceTypes } from "../../src/plot/plotly-traces";
import { chromiumMissing, launchBrowser, openPage } from "../book/browser";
import { skipFor } from "../helpers/skip";

/** One figure from each builder the notebooks call, keyed by what it is. */
function builderFigures(): Record<string, Figure> {
  return {
    probabilityBars: probabilityBars(["I love it", "I hate it"], ["NEGATIVE", "POSITIVE"], [[0.1, 0.9], [0.8, 0.2]]),
    heatmap: heatmap([[1, 2], [3, 4]]),
    layerLines: layerLines([[1, 2], [2, 3], [3, 5]], { series: ["[CLS]", "love"] }),
    tokenTable: tokenTable(tokenRows(["[CLS]", "love", "[PAD]"], [101, 2293, 0], [1, 1, 0])),
    temperatureFigure: temperatureFigure([1, -1], ["NEGATIVE", "POSITIVE"], [0.5, 1, 2]),
  };
}

test("the vendored bundle says which plotly.js and which trace types it holds, and the build entry registers the same", () => {
  const firstLines = fs.readFileSync(plotlyBundlePath(), "utf8").slice(0, 400);
  assert.match(firstLines, new RegExp(`plotly\\.js v${PLOTLY_VERSION.replaceAll(".", "\\.")}, partial bundle for this workbook: ${PLOTLY_TRACE_TYPES.join(", ")}\\n`));
  assert.match(firstLines, /Licensed under the MIT license/);
  for (const trace of PLOTLY_TRACE_TYPES.filter((t) => t !== "scatter")) assert.match(entrySource(), new RegExp(`require\\("plotly\\.js/lib/${trace}"\\)`));
});

test("every figure builder draws only trace types the bundle holds", () => {
  const used = new Set<string>();
  for (const [name, figure] of Object.entries(builderFigures())) {
    assert.deepEqual(unsupportedTraceTypes(figure.data), [], name);
    for (const trace of figure.data) used.add(trace.type ?? "scatter");
  }
  assert.deepEqual([...used].sort(), [...PLOTLY_TRACE_TYPES].sort(), "the bundle holds nothing the builders do not use");
});

test("show() refuses a trace type the bundle cannot draw, naming it and what to do", () => {
  assert.throws(() => figureBundle({ data: [{ type: "pie", values: [1, 2] }], layout: {} }), (error: Error) =>
    /trace type pie is not in the workbook's plotly\.js/.test(error.message) && /PLOTLY_TRACE_TYPES/.test(error.message) && /npm run plotly-bundle/.test(error.message));
  assert.deepEqual(unsupportedTraceTypes([{ x: [1] }, { type: "bar" }]), [], "a trace without a type is a scatter");
});

test("the inlined bundle is a quarter of the full plotly.js: under 1.3 MB", () => {
  assert.ok(Buffer.byteLength(inlinePlotlySource()) < 1.3e6, `${Buffer.byteLength(inlinePlotlySource())} bytes`);
});

test("in Chromium, the bundle registers exactly these trace types and draws a figure of each from file://", { skip: skipFor(chromiumMissing()) }, async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "plotly-bundle-"));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const figures = Object.values(builderFigures());
  const body = figures.map((figure, i) => figureHtml(figure, { includePlotly: i === 0 })).join("\n");
  const file = path.join(dir, "figures.html");
  fs.writeFileSync(file, `<!doctype html><html><head><meta charset="utf-8"></head><body>${body}</body></html>`);
  const browser = await launchBrowser();
  t.after(() => browser.close());
  const { page, log, figures: shown, drawn } = await openPage(browser.context, file, "plotly-bundle-traces.png");
  assert.deepEqual(log, { consoleErrors: [], pageErrors: [], dialogs: [], networkRequests: [] });
  assert.equal(shown, figures.length);
  assert.equal(drawn, figures.length);
  const registered = await page.evaluate(() => Object.keys((window as unknown as { Plotly: { PlotSchema: { get(): { traces: object } } } }).Plotly.PlotSchema.get().traces));
  assert.deepEqual(registered.sort(), [...PLOTLY_TRACE_TYPES].sort());
  // Each trace type leaves its own mark: bars, heatmap image, scatter lines, table cells.
  for (const selector of [".barlayer .point", ".hm image", ".scatterlayer .js-line", ".table .cell-text"]) {
    assert.ok(await page.locator(selector).count() > 0, `${selector} drawn`);
  }
});
