import * as fs from "node:fs";
import * as path from "node:path";
import { helperSha256, isProvenance, readProvenance, sourceSha256 } from "../provenance";

/**
 * Where one notebook's executed copy stands, judged by content hashes (contract 1), never by file times:
 * clean; stale (its source or helper module changed since); failed; unproven (no or bad provenance);
 * missing (a source with no executed copy); orphan (an executed copy whose source was deleted).
 */
export interface CopyState {
  /** File name, e.g. "01-pipeline.ipynb". */
  name: string;
  kind: "clean" | "stale" | "failed" | "unproven" | "missing" | "orphan";
  /** One sentence for the reader and the build log; empty when clean. */
  why: string;
  source?: string;
  executed?: string;
}

/** The .ipynb files of a directory, sorted; empty when it does not exist. */
function notebookNames(dir: string | undefined): string[] {
  if (dir === undefined || !fs.existsSync(dir)) return [];
  return fs.readdirSync(dir).filter((f) => f.endsWith(".ipynb")).sort();
}

/** Reads an executed copy's metadata; a copy that cannot be parsed counts as unproven (the site build names the error). */
function readMetadata(file: string): { metadata?: unknown } | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, "utf8")) as { metadata?: unknown };
  } catch {
    return undefined;
  }
}

/** Judges one executed copy against its source (when known) and the helper module's hash (when known). */
export function judgeCopy(name: string, executed: string, source: string | undefined, helperHash: string | undefined): CopyState {
  const base = { name, executed, source };
  const notebook = readMetadata(executed);
  if (!notebook) return { ...base, kind: "unproven", why: "its executed copy is not readable JSON" };
  const provenance = readProvenance(notebook);
  if (!isProvenance(provenance)) return { ...base, kind: "unproven", why: `its executed copy ${provenance.problem}, so nothing proves it matches the source` };
  if (source !== undefined && provenance.source_sha256 !== sourceSha256(fs.readFileSync(source))) {
    return { ...base, kind: "stale", why: "the notebook changed after this copy was executed" };
  }
  if (helperHash !== undefined && provenance.helper_sha256 !== undefined && provenance.helper_sha256 !== helperHash) {
    return { ...base, kind: "stale", why: "the helper module (dist/) changed after this copy was executed" };
  }
  if (provenance.outcome === "failed") {
    const cells = provenance.failed_cells.length > 0 ? ` (In [${provenance.failed_cells.join("], In [")}])` : "";
    const lost = provenance.lost_output ? "; some output was lost" : "";
    return { ...base, kind: "failed", why: `its run failed${cells}${lost}` };
  }
  return { ...base, kind: "clean", why: "" };
}

/**
 * Every notebook of the workbook: each source of `notebooksDir` (when given) with its executed copy, and each
 * executed copy without a source. `helperDir` is the built helper module the notebooks import (dist/).
 */
export function assessCopies(executedDir: string, notebooksDir?: string, helperDir?: string): CopyState[] {
  const sources = notebookNames(notebooksDir);
  const executed = notebookNames(executedDir);
  const helperHash = helperDir === undefined ? undefined : helperSha256(helperDir);
  const names = [...new Set([...sources, ...executed])].sort();
  return names.map((name): CopyState => {
    const source = sources.includes(name) ? path.join(notebooksDir!, name) : undefined;
    const copy = executed.includes(name) ? path.join(executedDir, name) : undefined;
    if (copy === undefined) return { name, source, kind: "missing", why: "it has not been executed yet" };
    if (notebooksDir !== undefined && source === undefined) {
      return { name, executed: copy, kind: "orphan", why: `its source is not in ${notebooksDir} (deleted or renamed), so it is not published` };
    }
    return judgeCopy(name, copy, source, helperHash);
  });
}

/** True when `npm run book` should execute this notebook before building: anything but clean, when its source exists. */
export function needsRun(state: CopyState): boolean {
  return state.source !== undefined && state.kind !== "clean";
}
