// Which model a notebook ran on, recorded where the choice is made (not guessed later from the banner's wording):
// `npm run workbook` names a file in WORKBOOK_MODEL_RECORD for each notebook's kernel, every loader appends one JSON
// line to it, and the runner writes the first into the executed notebook's metadata.workbook.model (contract 1).
import * as fs from "node:fs";
import type { Env, ModelChoice } from "./choice";

/** The environment variable naming the file a kernel records its model choices in (set by the runner). */
export const MODEL_RECORD_VARIABLE = "WORKBOOK_MODEL_RECORD";

/** What metadata.workbook.model holds: which model ran and the banner the notebook printed about it. */
export interface ModelRecord {
  kind: "hub" | "demo" | "directory";
  /** The Hub id, the demo model's name, or the directory's path. */
  name: string;
  /** The string handed to transformers.js's `from_pretrained`. */
  source: string;
  banner: string;
}

/** The record of a model choice and the banner printed about it. */
export function modelRecord(choice: ModelChoice, banner: string): ModelRecord {
  const name = choice.kind === "hub" ? choice.id : choice.kind === "demo" ? choice.name : choice.dir;
  return { kind: choice.kind, name, source: choice.source, banner };
}

/** Appends the record to the file WORKBOOK_MODEL_RECORD names; does nothing outside `npm run workbook`. */
export function recordModel(record: ModelRecord, env: Env = process.env): void {
  const file = env[MODEL_RECORD_VARIABLE];
  if (!file) return;
  try {
    fs.appendFileSync(file, `${JSON.stringify(record)}\n`);
  } catch {
    // Recording is for the book's note only: a notebook must not fail because the runner's file went away.
  }
}
