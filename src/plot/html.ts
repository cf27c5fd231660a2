import { randomUUID } from "node:crypto";
import { escapeHtml, jsonForScript } from "./escape";
import type { Figure } from "./figure";
import { plotlyLoaderScript } from "./plotly-bundle";
import { figureText } from "./summary";

/** Options for `figureHtml`. */
export interface FigureHtmlOptions {
  /** Prepend the inlined plotly.js loader (once per page is enough). */
  includePlotly?: boolean;
  /** The element id; random by default so figures never collide on a page. */
  id?: string;
}

/** The default Plotly config: responsive, no cloud/logo buttons. */
export const defaultConfig = { responsive: true, displaylogo: false } as const;

/** What a figure shows when its script never runs: why, what to do, and its numbers as text. */
export const UNDRAWN_NOTE = "Figure not drawn: its script did not run (JupyterLab runs no scripts in an untrusted notebook).\n" +
  "Run the cell, or trust the notebook, to draw it. Its data:";

/**
 * A div plus a script that draws the figure with `window.Plotly` once it exists. The figure travels as escaped JSON,
 * so no label can close the script. It waits up to 10 s (the loader may sit in an earlier output) and then says why
 * nothing is drawn instead of leaving a blank space.
 *
 * The div starts out holding a text fallback, which the script replaces. A front end that strips scripts (JupyterLab
 * with an untrusted notebook: an executed notebook from CI or a download) still picks this HTML, so without the
 * fallback it would show an empty box. Only div tags, so a sanitizer keeps it.
 */
export function figureHtml(figure: Figure, options: FigureHtmlOptions = {}): string {
  const id = options.id ?? `btp-figure-${randomUUID()}`;
  const height = typeof figure.layout.height === "number" ? figure.layout.height : 420;
  const spec = jsonForScript({ data: figure.data, layout: figure.layout, config: { ...defaultConfig, ...figure.config }, frames: figure.frames ?? [] });
  const draw = `<script>(function () {
  var fig = ${spec};
  var tries = 0;
  // Frames (for sliders that animate between precomputed states) are added once the plot exists.
  function plot(P, el) {
    var drawn = P.newPlot(el, fig.data, fig.layout, fig.config);
    if (fig.frames.length) Promise.resolve(drawn).then(function () { P.addFrames(el, fig.frames); });
  }
  function draw() {
    var el = document.getElementById(${jsonForScript(id)});
    var P = window.Plotly;
    if (el && P && typeof P.newPlot === "function") { el.textContent = ""; plot(P, el); return; }
    if (++tries < 200) { setTimeout(draw, 50); return; }
    if (el) el.textContent = "plotly.js is not loaded on this page, so this figure cannot be drawn. Restart the kernel and run all cells: the first figure of a session carries plotly.js.";
  }
  draw();
})();</script>`;
  const fallback = `<div class="btp-figure-fallback" style="white-space:pre;font-family:monospace;color:#555">${escapeHtml(`${UNDRAWN_NOTE}\n${figureText(figure)}`)}</div>`;
  const div = `<div id="${id}" class="btp-figure" style="width:100%">${fallback}</div>`;
  return `${options.includePlotly ? plotlyLoaderScript() : ""}${div}${draw}`;
}
