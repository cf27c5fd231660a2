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
  // Saved twice per output (JSON and HTML): six significant digits are far past what a plot or its hover shows.
  const compact: Figure = {
    ...figure,
    data: roundFloats(figure.data),
    layout: roundFloats(figure.layout),
    ...(figure.frames ? { frames: roundFloats(figure.frames) } : {}),
  };
  return {
    [PLOTLY_MIME]: {
      data: compact.data, layout: compact.layout,
      ...(compact.config ? { config: compact.config } : {}), ...(compact.frames ? { frames: compact.frames } : {}),
    },
    "text/html": figureHtml(compact, { includePlotly: options.includePlotly ?? false }),
    "text/plain": figureText(compact),
  };
}

/** A copy of `value` with every non-integer number rounded to 6 significant digits (typed arrays become arrays). */
function roundFloats<T>(value: T): T {
  if (typeof value === "number") return (Number.isInteger(value) || !Number.isFinite(value) ? value : Number(value.toPrecision(6))) as T;
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) return Array.from(value as unknown as ArrayLike<number>, roundFloats) as T;
  if (Array.isArray(value)) return value.map(roundFloats) as T;
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, roundFloats(v)])) as T;
  }
  return value;
}

/** Shows a figure in one display message (plotly JSON + HTML + text); outside a notebook prints the text summary. */
// Returns nothing: tslab prints a cell's last value, and a returned value would add noise under every figure.
export function show(figure: Figure, options: ShowOptions = {}): void {
  const includePlotly = options.includePlotly ?? (!plotlySent && inJupyter());
  const target = displayBundle(figureBundle(figure, { includePlotly }));
  if (target === "jupyter" && includePlotly) plotlySent = true;
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
