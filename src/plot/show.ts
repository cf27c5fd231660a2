import { displayBundle, inJupyter } from "./display";
import { escapeHtml } from "./escape";
import type { Figure } from "./figure";
import { figureHtml } from "./html";
import { PLOTLY_TRACE_TYPES, unsupportedTraceTypes } from "./plotly-traces";
import { figureText } from "./summary";
import { textTable } from "./text";
import { tokenTableHtml, tokenTableText, type TokenRow } from "./tokens";

/** The plotly MIME type JupyterLab's plotly extension and VS Code render natively. */
export const PLOTLY_MIME = "application/vnd.plotly.v1+json";

/** Options for `show` and `figureBundle`. */
export interface ShowOptions {
  /** Inline plotly.js in this output's HTML. Default: only in the first figure shown by this kernel. */
  includePlotly?: boolean;
}

// One kernel process = one notebook session, so the first figure it shows carries plotly.js for the page.
let plotlySent = false;

/** The MIME bundle `show` sends: the figure as plotly JSON, as HTML (div + script), and as a text summary. */
export function figureBundle(figure: Figure, options: ShowOptions = {}): Record<string, unknown> {
  if (!figure || !Array.isArray(figure.data) || typeof figure.layout !== "object") {
    throw new TypeError("figure must be a Plotly figure { data: [...], layout: {...} }, e.g. from probabilityBars() or heatmap()");
  }
  const missing = unsupportedTraceTypes(figure.data);
  if (missing.length > 0) {
    throw new TypeError(
      `trace type ${missing.join(", ")} is not in the workbook's plotly.js, which holds ${PLOTLY_TRACE_TYPES.join(", ")}: ` +
        "add it to PLOTLY_TRACE_TYPES in src/plot/plotly-traces.ts and run `npm run plotly-bundle`",
    );
  }
  return {
    [PLOTLY_MIME]: {
      data: figure.data, layout: figure.layout,
      ...(figure.config ? { config: figure.config } : {}), ...(figure.frames ? { frames: figure.frames } : {}),
    },
    "text/html": figureHtml(figure, { includePlotly: options.includePlotly ?? false }),
    "text/plain": figureText(figure),
  };
}

/** Shows a figure in one display message (plotly JSON + HTML + text); outside a notebook prints the text summary. */
// Returns nothing: tslab prints a cell's last value, and a returned value would add noise under every figure.
export function show(figure: Figure, options: ShowOptions = {}): void {
  const includePlotly = options.includePlotly ?? (!plotlySent && inJupyter());
  const target = displayBundle(figureBundle(figure, { includePlotly }));
  if (target === "jupyter" && includePlotly) plotlySent = true;
}

/** Shows trusted HTML (escape any user text first), with a text fallback for consoles. */
export function showHtml(html: string, plain = "(HTML output: open this notebook in Jupyter to see it)"): void {
  displayBundle({ "text/html": html, "text/plain": plain });
}

/** A table cell's display text. */
function cellText(value: unknown): string {
  if (value === null || value === undefined) return "";
  return typeof value === "object" ? JSON.stringify(value) : String(value);
}

/** Rows of records as an HTML table (columns from the first row; every value escaped) and as text. */
export function tableBundle(rows: readonly Record<string, unknown>[]): { html: string; text: string } {
  if (!Array.isArray(rows) || rows.length === 0) throw new RangeError("rows must be a non-empty array of objects, one per table row");
  const columns = Object.keys(rows[0]);
  const cells = rows.map((row) => columns.map((c) => cellText(row[c])));
  const style = "padding:2px 10px;border-bottom:1px solid #ddd;text-align:left";
  const head = columns.map((c) => `<th style="${style};border-bottom:2px solid #888">${escapeHtml(c)}</th>`).join("");
  const body = cells.map((r) => `<tr>${r.map((c) => `<td style="${style}">${escapeHtml(c)}</td>`).join("")}</tr>`).join("");
  return { html: `<table style="border-collapse:collapse"><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`, text: textTable(columns, cells) };
}

/** Shows rows of records as a table (HTML in notebooks, aligned text elsewhere). */
export function showTable(rows: readonly Record<string, unknown>[]): void {
  const { html, text } = tableBundle(rows);
  displayBundle({ "text/html": html, "text/plain": text });
}

/** Shows token rows (from `tokenRows`) as a table with padding greyed out and labelled. */
export function showTokens(rows: readonly TokenRow[]): void {
  displayBundle({ "text/html": tokenTableHtml(rows), "text/plain": tokenTableText(rows) });
}
