import * as fs from "node:fs";

/** The parts of an nbformat 4 notebook the book reads; JSON text fields may be a string or a list of lines. */
export type MultilineString = string | string[];

export interface StreamOutput { output_type: "stream"; name: "stdout" | "stderr" | string; text: MultilineString }
export interface DataOutput { output_type: "display_data" | "execute_result"; data: Record<string, unknown>; metadata?: Record<string, unknown> }
export interface ErrorOutput { output_type: "error"; ename: string; evalue: string; traceback: string[] }
export type Output = StreamOutput | DataOutput | ErrorOutput;

export interface CodeCell { cell_type: "code"; source: MultilineString; execution_count: unknown; outputs: Output[]; metadata: { tags?: string[]; jupyter?: Record<string, unknown> } }
export interface TextCell { cell_type: "markdown" | "raw"; source: MultilineString; metadata: Record<string, unknown>; attachments?: Record<string, Record<string, unknown>> }
export type Cell = CodeCell | TextCell;

export interface Notebook {
  cells: Cell[];
  metadata: { workbook?: { model?: unknown }; [key: string]: unknown };
  nbformat: number;
}

/** Joins a notebook text field that may be stored as a list of lines. */
export function text(value: MultilineString | undefined): string {
  // Malformed notebooks may hold numbers or objects here: they count as no text rather than crashing the book.
  if (Array.isArray(value)) return value.filter((line) => typeof line === "string").join("");
  return typeof value === "string" ? value : "";
}

/** Reads and minimally checks an executed notebook; the error names the file and what is wrong. */
export function readNotebook(file: string): Notebook {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (error) {
    throw new Error(`${file} is not a readable notebook: ${(error as Error).message}`);
  }
  const nb = raw as Notebook;
  if (typeof nb !== "object" || nb === null || !Array.isArray(nb.cells) || nb.nbformat !== 4) {
    throw new Error(`${file} is not an nbformat 4 notebook (expected an object with nbformat: 4 and a cells array)`);
  }
  nb.metadata ??= {};
  return nb;
}
