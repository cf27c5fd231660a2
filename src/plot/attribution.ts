// Attributions as coloured text, the way Captum's visualisation and bertviz-style tools show them: each
// token on a background whose colour says which way it pushes the score and whose strength says how far.
import { displayBundle } from "./display";
import { escapeHtml } from "./escape";

/** One sentence to colour: its tokens and one score per token (null = not explained, e.g. [CLS]). */
export interface AttributionRow {
  readonly label: string;
  readonly tokens: readonly string[];
  readonly scores: readonly (number | null)[];
}

/** Names of the two directions, for the legend. */
export interface AttributionTextOptions {
  /** What a positive score pushes toward, e.g. "POSITIVE". */
  readonly up?: string;
  /** What a negative score pushes toward, e.g. "NEGATIVE". */
  readonly down?: string;
  /** Largest |score| mapped to full colour; default the largest in the rows (so rows are comparable). */
  readonly scale?: number;
}

const UP = [33, 102, 172]; // blue
const DOWN = [214, 96, 77]; // red, told apart from blue without colour vision by the +/− in each tooltip and in the text

function assertRows(rows: readonly AttributionRow[]): void {
  if (!Array.isArray(rows) || rows.length === 0) throw new RangeError("rows must be a non-empty array of { label, tokens, scores }");
  rows.forEach((row, r) => {
    if (!Array.isArray(row.tokens) || !Array.isArray(row.scores) || row.tokens.length !== row.scores.length) {
      throw new RangeError(`rows[${r}] needs as many scores as tokens; got ${row.tokens?.length} tokens and ${row.scores?.length} scores`);
    }
    row.scores.forEach((v: number | null, i: number) => {
      if (v !== null && !Number.isFinite(v)) throw new RangeError(`rows[${r}].scores[${i}] is ${String(v)}; use null for a token that is not explained`);
    });
  });
}

const signed = (v: number) => `${v >= 0 ? "+" : "−"}${Math.abs(v).toFixed(2)}`;

/** Wraps words into lines of at most `width` characters. */
function wrap(words: readonly string[], width: number, indent: string): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of words) {
    if (line && [...line].length + 1 + [...word].length > width) {
      lines.push(line);
      line = indent + word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(line);
  return lines;
}

/** Coloured-text HTML (every token and label escaped) and a plain-text version (token(+0.42) …, lines ≤ 100 chars). */
export function attributionText(rows: readonly AttributionRow[], options: AttributionTextOptions = {}): { html: string; text: string } {
  assertRows(rows);
  const largest = Math.max(1e-12, ...rows.flatMap((row) => row.scores.filter((v): v is number => v !== null).map(Math.abs)));
  const scale = options.scale ?? largest;
  if (!(scale > 0)) throw new RangeError(`scale must be a positive number; got ${scale}`);
  const up = options.up ?? "a higher score";
  const down = options.down ?? "a lower score";
  const span = (token: string, v: number | null) => {
    const base = "display:inline-block;margin:1px;padding:1px 4px;border-radius:3px;font-family:monospace";
    if (v === null) return `<span style="${base};color:#777">${escapeHtml(token)}</span>`;
    const strength = Math.min(1, Math.abs(v) / scale);
    const [r, g, b] = v >= 0 ? UP : DOWN;
    const colour = strength > 0.55 ? "#fff" : "#111";
    return `<span title="${escapeHtml(`${token}: ${signed(v)}`)}" style="${base};background:rgba(${r},${g},${b},${strength.toFixed(3)});color:${colour}">${escapeHtml(token)}</span>`;
  };
  const legend = `<div style="font-size:90%;color:#555;margin-bottom:4px">` +
    `<span style="background:rgb(${UP.join(",")});color:#fff;padding:0 4px">blue</span> pushes toward ${escapeHtml(up)}, ` +
    `<span style="background:rgb(${DOWN.join(",")});color:#fff;padding:0 4px">red</span> toward ${escapeHtml(down)}; ` +
    `full colour = ${scale.toFixed(2)}; hover a token for its value</div>`;
  const body = rows.map((row) =>
    `<div style="margin:2px 0"><span style="display:inline-block;min-width:7em;color:#555">${escapeHtml(row.label)}</span>` +
    `${row.tokens.map((t, i) => span(t, row.scores[i])).join("")}</div>`).join("");
  const text = rows.flatMap((row) => wrap([`${row.label}:`, ...row.tokens.map((t, i) => (row.scores[i] === null ? t : `${t}(${signed(row.scores[i]!)})`))], 100, "    "));
  return {
    html: `<div class="btp-attribution">${legend}${body}</div>`,
    text: [`(+ pushes toward ${up}, − toward ${down})`, ...text].join("\n"),
  };
}

/** Shows attributions as coloured text in a notebook (plain text elsewhere). */
export function showAttribution(rows: readonly AttributionRow[], options: AttributionTextOptions = {}): void {
  const { html, text } = attributionText(rows, options);
  displayBundle({ "text/html": html, "text/plain": text });
}
