/**
 * Serialises a notebook byte-for-byte the way nbformat 5 writes it: multi-line strings split into lists of lines
 * (Python `splitlines(True)` rules), keys sorted, one-space indent, raw non-ASCII, trailing newline.
 */
import type { Notebook } from "./notebook";

// Python's str.splitlines boundaries besides "\r\n": \n \r \v \f \x1c \x1d \x1e \x85 \u2028 \u2029.
const LINE_BREAKS = new Set(["\n", "\r", "\v", "\f", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029"]);

// Mime types that are not text/* but are still stored as lists of lines.
const SPLIT_MIMES = new Set(["application/javascript", "image/svg+xml"]);

/** Splits like Python's `s.splitlines(True)`: line ends are kept, "" gives []. */
export function splitLinesKeepEnds(text: string): string[] {
  const lines: string[] = [];
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (char === "\r" && text[i + 1] === "\n") {
      lines.push(text.slice(start, i + 2));
      i++;
      start = i + 1;
    } else if (LINE_BREAKS.has(char)) {
      lines.push(text.slice(start, i + 1));
      start = i + 1;
    }
  }
  if (start < text.length) lines.push(text.slice(start));
  return lines;
}

/** The exact text nbformat.write would produce for this notebook. */
export function serializeNotebook(notebook: Notebook): string {
  const copy = splitForWriting(structuredClone(notebook));
  return `${stringifySorted(copy)}\n`;
}

/** nbformat's split_lines: sources, stream text and text-like mime payloads become lists of lines. */
function splitForWriting(notebook: Notebook): Notebook {
  for (const cell of notebook.cells as unknown as Record<string, unknown>[]) {
    if (typeof cell.source === "string") cell.source = splitLinesKeepEnds(cell.source);
    const attachments = cell.attachments as Record<string, Record<string, unknown>> | undefined;
    if (attachments) for (const bundle of Object.values(attachments)) splitBundle(bundle);
    if (cell.cell_type !== "code") continue;
    for (const output of cell.outputs as Record<string, unknown>[]) {
      if (output.output_type === "execute_result" || output.output_type === "display_data") {
        splitBundle((output.data ?? {}) as Record<string, unknown>);
      } else if (output.output_type === "stream" && typeof output.text === "string") {
        output.text = splitLinesKeepEnds(output.text);
      }
    }
  }
  return notebook;
}

/** Splits the string payloads of text/* and the listed mime types. */
function splitBundle(bundle: Record<string, unknown>): void {
  for (const [mime, value] of Object.entries(bundle)) {
    if (typeof value === "string" && (mime.startsWith("text/") || SPLIT_MIMES.has(mime))) {
      bundle[mime] = splitLinesKeepEnds(value);
    }
  }
}

/**
 * JSON with a one-space indent and keys in code-point order, like Python's `json.dumps(indent=1, sort_keys=True)`.
 * Written by hand because JS objects always enumerate integer-like keys first, whatever order they are added in.
 */
function stringifySorted(value: unknown, depth = 0): string {
  if (isLosslessNumberLike(value)) return pythonNumberText(value.value);
  if (typeof value === "number") return pythonNumberText(JSON.stringify(value));
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  const inner = "\n" + " ".repeat(depth + 1);
  const outer = "\n" + " ".repeat(depth);
  if (Array.isArray(value)) {
    if (value.length === 0) return "[]";
    return `[${inner}${value.map((item) => stringifySorted(item, depth + 1)).join(`,${inner}`)}${outer}]`;
  }
  const entries = Object.entries(value)
    .filter(([, item]) => item !== undefined)
    .sort(([a], [b]) => compareCodePoints(a, b));
  if (entries.length === 0) return "{}";
  const members = entries.map(([key, item]) => `${JSON.stringify(key)}: ${stringifySorted(item, depth + 1)}`);
  return `{${inner}${members.join(`,${inner}`)}${outer}}`;
}

/** A lossless-json number, also after structuredClone (which keeps its fields but not its class). */
function isLosslessNumberLike(value: unknown): value is { value: string } {
  return (
    value !== null &&
    typeof value === "object" &&
    (value as { isLosslessNumber?: unknown }).isLosslessNumber === true &&
    typeof (value as { value?: unknown }).value === "string"
  );
}

/**
 * A JSON number as Python's json module writes it after reading it (what nbformat does): an integer literal stays
 * an int with every digit (no precision lost, "-0" becomes "0"); anything else is a float written as repr() does —
 * shortest round-trip digits, "1.0" for integral values, an exponent below 1e-4 or from 1e16 on ("1e-07", "1e+16").
 */
export function pythonNumberText(json: string): string {
  if (/^-?\d+$/.test(json)) return BigInt(json).toString();
  const value = Number(json);
  if (Number.isNaN(value)) return "NaN";
  if (!Number.isFinite(value)) return value > 0 ? "Infinity" : "-Infinity";
  if (value === 0) return Object.is(value, -0) ? "-0.0" : "0.0";
  // toExponential() with no argument gives the shortest digits that round-trip, like Python's repr.
  const [mantissa, exponentText] = value.toExponential().split("e");
  const exponent = Number(exponentText);
  const negative = mantissa.startsWith("-");
  const digits = mantissa.replace(/^-/, "").replace(".", "");
  let text: string;
  if (exponent < -4 || exponent >= 16) {
    const fraction = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    text = `${fraction}e${exponent < 0 ? "-" : "+"}${String(Math.abs(exponent)).padStart(2, "0")}`;
  } else if (exponent < 0) {
    text = `0.${"0".repeat(-exponent - 1)}${digits}`;
  } else if (digits.length <= exponent + 1) {
    text = `${digits}${"0".repeat(exponent + 1 - digits.length)}.0`;
  } else {
    text = `${digits.slice(0, exponent + 1)}.${digits.slice(exponent + 1)}`;
  }
  return negative ? `-${text}` : text;
}

/** Orders strings by Unicode code point, as Python compares str (JS `<` compares UTF-16 units). */
function compareCodePoints(a: string, b: string): number {
  const left = Array.from(a);
  const right = Array.from(b);
  for (let i = 0; i < Math.min(left.length, right.length); i++) {
    const diff = left[i].codePointAt(0)! - right[i].codePointAt(0)!;
    if (diff !== 0) return diff;
  }
  return left.length - right.length;
}
