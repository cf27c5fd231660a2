/**
 * Contract 1, the runner's side: `metadata.workbook` in every executed notebook says which source bytes and which
 * helper build it ran, whether the run succeeded, which cells failed and whether output was lost.
 * (The same algorithm as scripts/provenance.ts on the book's side; kept here so the runner stands alone.)
 */
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Notebook } from "./notebook";

/** `metadata.workbook` as the runner writes it. */
export interface WorkbookProvenance {
  source_sha256: string;
  helper_sha256?: string;
  outcome: "ok" | "failed";
  failed_cells: number[];
  lost_output?: true;
}

/** The helper module notebooks import as "../dist": the project's build output. */
export const HELPER_DIR = join(__dirname, "..", "..", "dist");

/** Hex sha256 of a source notebook's bytes, exactly as read from disk. */
export function sourceSha256(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/** Hex sha256 over the files under `dir`, sorted by relative path ("/"-separated), each as path, NUL, bytes. */
export function helperSha256(dir: string = HELPER_DIR): string | undefined {
  if (!existsSync(dir)) return undefined;
  const hash = createHash("sha256");
  for (const rel of filesUnder(dir)) {
    hash.update(rel, "utf8");
    hash.update(Buffer.from([0]));
    hash.update(readFileSync(join(dir, rel)));
  }
  return hash.digest("hex");
}

function filesUnder(dir: string, prefix = ""): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(join(dir, prefix), { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) files.push(...filesUnder(dir, rel));
    else if (entry.isFile()) files.push(rel);
  }
  return files.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** What one run leaves for provenance. */
export interface RunRecord {
  sourceSha256: string;
  helperSha256?: string;
  /** True when the run stopped on an error, or anything failed or was lost. */
  failed: boolean;
  failedCells: number[];
  lostOutput: boolean;
}

/** Writes `metadata.workbook` into an executed notebook (replacing any copied from the source). */
export function stampProvenance(notebook: Notebook, run: RunRecord): WorkbookProvenance {
  const failed = run.failed || run.failedCells.length > 0 || run.lostOutput;
  const provenance: WorkbookProvenance = {
    source_sha256: run.sourceSha256,
    ...(run.helperSha256 === undefined ? {} : { helper_sha256: run.helperSha256 }),
    outcome: failed ? "failed" : "ok",
    failed_cells: [...new Set(run.failedCells)].sort((a, b) => a - b),
    ...(run.lostOutput ? { lost_output: true as const } : {}),
  };
  notebook.metadata.workbook = provenance;
  return provenance;
}
