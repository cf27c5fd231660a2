import type { Data } from "plotly.js";
import { escapeHtml, plotlyText } from "./escape";
import { titleOf, type Figure } from "./figure";
import { textTable } from "./text";
import { validateLabels, toVector, type NumericVector } from "./validate";

/** One token of a tokenized sentence: what the tokenizer produced at this position. */
export interface TokenRow {
  position: number;
  token: string;
  id: number;
  /** 1 for a real token, 0 for padding the model must ignore. */
  attentionMask: number;
}

/** Zips tokens, input ids and an attention mask (default: all 1) into rows, checking the lengths agree. */
export function tokenRows(tokens: readonly string[], inputIds: NumericVector, attentionMask?: NumericVector): TokenRow[] {
  const ids = toVector(inputIds, "inputIds");
  const names = validateLabels(tokens, "tokens", ids.length, "the inputIds");
  const mask = attentionMask === undefined ? ids.map(() => 1) : toVector(attentionMask, "attentionMask");
  if (mask.length !== ids.length) throw new RangeError(`attentionMask has ${mask.length} entries but inputIds has ${ids.length}; they must match one to one`);
  return names.map((token, position) => ({ position, token, id: ids[position], attentionMask: mask[position] }));
}

/** Throws unless `rows` is a non-empty array of token rows. */
function assertRows(rows: readonly TokenRow[]): void {
  if (!Array.isArray(rows) || rows.length === 0) throw new RangeError("rows must be a non-empty array of token rows; build them with tokenRows(tokens, inputIds, attentionMask)");
  rows.forEach((row, i) => {
    if (typeof row?.token !== "string") throw new TypeError(`rows[${i}].token must be a string`);
  });
}

const isPadding = (row: TokenRow) => row.attentionMask === 0;
const maskText = (row: TokenRow) => (isPadding(row) ? "0 (padding)" : String(row.attentionMask));

/** The token table as a Plotly table figure; padding rows are greyed and labelled. */
export function tokenTable(rows: readonly TokenRow[], options: { title?: string } = {}): Figure {
  assertRows(rows);
  const fill = rows.map((row) => (isPadding(row) ? "#e6e6e6" : "white"));
  const font = rows.map((row) => (isPadding(row) ? "#777777" : "#222222"));
  const table: Data = {
    type: "table",
    header: { values: ["#", "token", "id", "attention mask"], align: "left", fill: { color: "#d9e3f0" }, font: { size: 13 } },
    cells: {
      values: [
        rows.map((row) => String(row.position)),
        rows.map((row) => plotlyText(row.token)),
        rows.map((row) => String(row.id)),
        rows.map(maskText),
      ],
      align: "left",
      fill: { color: [fill, fill, fill, fill] },
      font: { color: [font, font, font, font], size: 13 },
      height: 24,
    },
  } as Data;
  return {
    data: [table],
    layout: { title: titleOf(options.title), height: Math.min(800, 90 + 26 * (rows.length + 1)), margin: { l: 10, r: 10, t: options.title ? 40 : 10, b: 10 } },
  };
}

/** The token table as an HTML string (inline styles, so it looks the same in any notebook front end); every token is escaped. */
export function tokenTableHtml(rows: readonly TokenRow[]): string {
  assertRows(rows);
  const cell = "padding:2px 10px;border-bottom:1px solid #ddd;text-align:left";
  const body = rows.map((row) => {
    const style = isPadding(row) ? ` class="padding" style="background:#e6e6e6;color:#777"` : "";
    return `<tr${style}><td style="${cell}">${row.position}</td><td style="${cell};font-family:monospace">${escapeHtml(row.token)}</td>` +
      `<td style="${cell}">${row.id}</td><td style="${cell}">${maskText(row)}</td></tr>`;
  });
  const head = ["#", "token", "id", "attention mask"].map((h) => `<th style="${cell};border-bottom:2px solid #888">${h}</th>`).join("");
  return `<table class="token-table" style="border-collapse:collapse"><thead><tr>${head}</tr></thead><tbody>${body.join("")}</tbody></table>`;
}

/** The token table as fixed-width text; padding rows say so in the mask column. */
export function tokenTableText(rows: readonly TokenRow[]): string {
  assertRows(rows);
  return textTable(["#", "token", "id", "attention mask"], rows.map((row) => [String(row.position), JSON.stringify(row.token), String(row.id), maskText(row)]));
}
