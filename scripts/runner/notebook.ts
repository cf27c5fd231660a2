/**
 * The notebook model (nbformat 4) and reading it from disk with clear errors.
 * In memory every multi-line string is one string, as after nbformat.read; nbjson.ts splits them for writing.
 */
import { randomUUID } from "node:crypto";
import { readFile } from "node:fs/promises";
import { isSafeNumber, LosslessNumber, parse as parseLossless } from "lossless-json";
import { NotebookInputError } from "./errors";
import { pythonNumberText } from "./nbjson";

/** A mime bundle: mime type → payload (string for text and base64 images, any JSON for +json types). */
export type MimeBundle = Record<string, unknown>;

export interface StreamOutput {
  output_type: "stream";
  name: "stdout" | "stderr" | string;
  text: string;
}
export interface DisplayDataOutput {
  output_type: "display_data";
  data: MimeBundle;
  metadata: Record<string, unknown>;
}
export interface ExecuteResultOutput {
  output_type: "execute_result";
  data: MimeBundle;
  metadata: Record<string, unknown>;
  execution_count: number | null;
}
export interface ErrorOutput {
  output_type: "error";
  ename: string;
  evalue: string;
  traceback: string[];
}
export type Output = StreamOutput | DisplayDataOutput | ExecuteResultOutput | ErrorOutput;

/** Cell metadata; `tags` and `execution` are the fields the runner reads or writes. */
export interface CellMetadata {
  tags?: string[];
  execution?: Record<string, string>;
  [key: string]: unknown;
}
export interface CodeCell {
  cell_type: "code";
  id?: string;
  metadata: CellMetadata;
  source: string;
  outputs: Output[];
  execution_count: number | null;
}
export interface TextCell {
  cell_type: "markdown" | "raw";
  id?: string;
  metadata: CellMetadata;
  source: string;
  attachments?: Record<string, MimeBundle>;
}
export type Cell = CodeCell | TextCell;

export interface KernelSpec {
  name: string;
  display_name?: string;
  language?: string;
}
export interface NotebookMetadata {
  kernelspec?: KernelSpec;
  language_info?: Record<string, unknown>;
  [key: string]: unknown;
}
export interface Notebook {
  nbformat: 4;
  nbformat_minor: number;
  metadata: NotebookMetadata;
  cells: Cell[];
}

/** Kernel names this runner can start, and whether tslab needs `--js` for them. */
export const SUPPORTED_KERNELS: Record<string, { js: boolean }> = { tslab: { js: false }, jslab: { js: true } };

/** Reads and validates a notebook file; throws NotebookInputError naming the file and the problem. */
export async function readNotebook(path: string): Promise<Notebook> {
  return parseNotebookBytes(await readNotebookBytes(path), path);
}

/** The raw bytes of a notebook file (hashed for provenance); NotebookInputError if it cannot be read. */
export async function readNotebookBytes(path: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new NotebookInputError(path, "no such file; check the path (notebooks live in notebooks/)");
    if (code === "EISDIR") throw new NotebookInputError(path, "is a directory, not a .ipynb file");
    throw new NotebookInputError(path, `cannot be read (${(error as Error).message})`);
  }
}

/** Decodes strict UTF-8 (nbformat refuses anything else) and parses the notebook. */
export function parseNotebookBytes(bytes: Uint8Array, path: string): Notebook {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    const at = firstInvalidUtf8(bytes);
    throw new NotebookInputError(path, `is not valid UTF-8 (bad byte 0x${bytes[at].toString(16).padStart(2, "0")} at offset ${at}); save it as UTF-8, as Jupyter does`);
  }
  return parseNotebook(text, path);
}

/** Offset of the first byte that does not start a valid UTF-8 sequence (RFC 3629: no overlongs, no surrogates). */
function firstInvalidUtf8(bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length; ) {
    const lead = bytes[i];
    if (lead < 0x80) {
      i++;
      continue;
    }
    const extra = lead >= 0xc2 && lead <= 0xdf ? 1 : lead >= 0xe0 && lead <= 0xef ? 2 : lead >= 0xf0 && lead <= 0xf4 ? 3 : 0;
    if (extra === 0 || i + extra >= bytes.length) return i;
    let codePoint = lead & (0x3f >> extra);
    for (let k = 1; k <= extra; k++) {
      if ((bytes[i + k] & 0xc0) !== 0x80) return i;
      codePoint = (codePoint << 6) | (bytes[i + k] & 0x3f);
    }
    const shortest = [0, 0x80, 0x800, 0x10000][extra];
    if (codePoint < shortest || codePoint > 0x10ffff || (codePoint >= 0xd800 && codePoint <= 0xdfff)) return i;
    i += extra + 1;
  }
  return 0;
}

/**
 * Parses notebook JSON text; `path` is only used in error messages. Numbers are read losslessly: each keeps its
 * text (1.0, 1e-07, a 23-digit id) so that metadata is written back as nbformat would write it.
 */
export function parseNotebook(text: string, path: string): Notebook {
  let raw: unknown;
  try {
    raw = parseLossless(text, null, readNumber);
  } catch (error) {
    throw new NotebookInputError(path, `is not valid JSON (${(error as Error).message}); is it really a .ipynb file?`);
  }
  normalizeVersionNumbers(raw);
  const notebook = validateNotebook(raw, path);
  rejoinLines(notebook);
  stripTransient(notebook);
  ensureCellIds(notebook);
  return notebook;
}

/**
 * A plain number when it writes back as nbformat would write the original (7, 0.5, 1e-07), else a LosslessNumber
 * that keeps the text (1.0 would become 1; a 23-digit integer would lose digits).
 */
function readNumber(digits: string): number | LosslessNumber {
  const value = Number(digits);
  return pythonNumberText(JSON.stringify(value)) === pythonNumberText(digits) ? value : new LosslessNumber(digits);
}

/** nbformat and nbformat_minor as plain numbers (the runner compares them); every other number keeps its text. */
function normalizeVersionNumbers(raw: unknown): void {
  if (!isObject(raw)) return;
  for (const key of ["nbformat", "nbformat_minor"]) {
    const value = raw[key];
    if (value instanceof LosslessNumber && isSafeNumber(value.value)) raw[key] = value.valueOf();
  }
}

/**
 * True when nbclient would skip the cell as blank: `not source.strip()` in Python, whose whitespace differs from
 * JavaScript's trim() (Python strips \x1c-\x1f and \x85; JavaScript strips \ufeff).
 */
export function isBlankSource(source: string): boolean {
  return PYTHON_WHITESPACE_ONLY.test(source);
}

// Exactly the characters for which Python's str.isspace() is true.
const PYTHON_WHITESPACE_ONLY = /^[\t\n\v\f\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*$/;

/** Checks the nbformat 4 structure the runner relies on, and the kernelspec. */
function validateNotebook(raw: unknown, path: string): Notebook {
  const fail = (problem: string): never => {
    throw new NotebookInputError(path, problem);
  };
  if (!isObject(raw)) return fail("is JSON but not a notebook (expected an object with nbformat, metadata, cells)");
  if (raw.nbformat !== 4) {
    const found = raw.nbformat === undefined ? "no nbformat field" : `nbformat ${JSON.stringify(raw.nbformat)}`;
    return fail(`has ${found}; only nbformat 4 notebooks can be run (save it from a current Jupyter to convert it)`);
  }
  if (typeof raw.nbformat_minor !== "number") fail("has no numeric nbformat_minor");
  if (!isObject(raw.metadata)) fail("has no metadata object");
  if (!Array.isArray(raw.cells)) fail("has no cells array");
  (raw.cells as unknown[]).forEach((cell, index) => validateCell(cell, `cell ${index + 1}`, fail));
  const kernelspec = (raw.metadata as NotebookMetadata).kernelspec;
  const name = isObject(kernelspec) ? kernelspec.name : undefined;
  if (typeof name !== "string" || !(name in SUPPORTED_KERNELS)) {
    const found = typeof name === "string" ? `kernel "${name}"` : "no kernelspec";
    fail(`uses ${found}; this runner runs tslab (TypeScript) or jslab notebooks — set metadata.kernelspec.name to "tslab"`);
  }
  return raw as unknown as Notebook;
}

/** Checks one cell's shape. */
function validateCell(cell: unknown, where: string, fail: (problem: string) => never): void {
  if (!isObject(cell)) fail(`${where} is not an object`);
  const c = cell as Record<string, unknown>;
  if (c.cell_type !== "code" && c.cell_type !== "markdown" && c.cell_type !== "raw") {
    fail(`${where} has cell_type ${JSON.stringify(c.cell_type)}; expected code, markdown or raw`);
  }
  if (!isMultiline(c.source)) fail(`${where} has no source string (or list of strings)`);
  if (!isObject(c.metadata)) fail(`${where} has no metadata object`);
  if (c.cell_type === "code" && !Array.isArray(c.outputs)) fail(`${where} is a code cell without an outputs array`);
}

/** Joins list-of-lines strings back into single strings, as nbformat's rejoin_lines does on read. */
function rejoinLines(notebook: Notebook): void {
  for (const cell of notebook.cells as unknown as Record<string, unknown>[]) {
    if (Array.isArray(cell.source)) cell.source = cell.source.join("");
    if (isObject(cell.attachments)) for (const bundle of Object.values(cell.attachments)) rejoinBundle(bundle);
    if (cell.cell_type !== "code") continue;
    for (const output of cell.outputs as Record<string, unknown>[]) {
      if (output.output_type === "execute_result" || output.output_type === "display_data") {
        if (isObject(output.data)) rejoinBundle(output.data);
      } else if (Array.isArray(output.text)) {
        output.text = output.text.join("");
      }
    }
  }
}

/** Joins list-of-strings payloads, except JSON mime types whose lists are data. */
function rejoinBundle(bundle: unknown): void {
  if (!isObject(bundle)) return;
  for (const [mime, value] of Object.entries(bundle)) {
    const isJsonMime = mime === "application/json" || (mime.startsWith("application/") && mime.endsWith("+json"));
    if (!isJsonMime && Array.isArray(value) && value.every((line) => typeof line === "string")) {
      bundle[mime] = value.join("");
    }
  }
}

/** Drops the fields nbformat never stores (its strip_transient). */
function stripTransient(notebook: Notebook): void {
  delete notebook.metadata.orig_nbformat;
  delete notebook.metadata.orig_nbformat_minor;
  delete notebook.metadata.signature;
  for (const cell of notebook.cells) delete cell.metadata.trusted;
}

/** nbformat ≥ 4.5 requires unique cell ids; like nbformat's validate, fill in missing or duplicate ones. */
function ensureCellIds(notebook: Notebook): void {
  if (notebook.nbformat_minor < 5) return;
  const seen = new Set<string>();
  for (const cell of notebook.cells) {
    if (cell.id === undefined || seen.has(cell.id)) cell.id = randomUUID().replace(/-/g, "").slice(0, 8);
    seen.add(cell.id);
  }
}

/** The cell's tags, or none. */
export function cellTags(cell: Cell): string[] {
  return Array.isArray(cell.metadata.tags) ? cell.metadata.tags : [];
}

/** A deep copy, so executing never mutates the caller's notebook. */
export function cloneNotebook(notebook: Notebook): Notebook {
  return structuredClone(notebook);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function isMultiline(value: unknown): boolean {
  return typeof value === "string" || (Array.isArray(value) && value.every((line) => typeof line === "string"));
}
