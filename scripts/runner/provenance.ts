/**
 * Contract 1, the runner's side: `metadata.workbook` in every executed notebook says which source bytes and which
 * helper build it ran, whether the run succeeded, which cells failed and whether output was lost. The format and
 * the hashes live in scripts/provenance.ts, which the book reads with.
 */
import { join } from "node:path";
import { helperSha256 as hashHelperDir, sourceSha256, type Provenance } from "../provenance";
import type { Notebook } from "./notebook";

export { sourceSha256 };
export type WorkbookProvenance = Provenance;

/** The helper module notebooks import as "../dist": the project's build output. */
export const HELPER_DIR = join(__dirname, "..", "..", "dist");

/** Hex sha256 over the helper module's files (by default dist/), or undefined when it is not built. */
export function helperSha256(dir: string = HELPER_DIR): string | undefined {
  return hashHelperDir(dir);
}

/** What one run leaves for provenance. */
export interface RunRecord {
  sourceSha256: string;
  helperSha256?: string;
  /** True when the run stopped on an error, or anything failed or was lost. */
  failed: boolean;
  failedCells: number[];
  lostOutput: boolean;
  /** The model the notebook's loaders recorded, if any. */
  model?: WorkbookProvenance["model"];
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
    ...(run.model ? { model: run.model } : {}),
  };
  notebook.metadata.workbook = provenance;
  return provenance;
}
