/**
 * Contract 1: where an executed notebook came from. The runner writes `metadata.workbook` into every executed copy;
 * the book reads it to refuse stale, failed or unproven pages.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import type { ModelRecord } from "../src/model/record";

/** `metadata.workbook` of an executed notebook, as the runner records it. */
export interface Provenance {
  /** Hex sha256 of the source .ipynb file's bytes. */
  source_sha256: string;
  /** Hex sha256 over the helper module the kernel imported (see helperSha256); omitted if unknown. */
  helper_sha256?: string;
  outcome: "ok" | "failed";
  /** Execution numbers (In [n]) of cells that raised or timed out. */
  failed_cells: number[];
  /** True only when some output was lost. */
  lost_output?: true;
  /** Which model the notebook ran on, as its loader recorded it; omitted when it loaded none (or an older runner wrote it). */
  model?: ModelRecord;
}

/** Hex sha256 of a source notebook's bytes (read the file as a Buffer: no decoding, no newline changes). */
export function sourceSha256(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/** Every file under `dir`, as paths relative to it with "/" separators, sorted by code unit. */
function filesUnder(dir: string, prefix = ""): string[] {
  const files: string[] = [];
  for (const entry of fs.readdirSync(path.join(dir, prefix), { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) files.push(...filesUnder(dir, rel));
    else if (entry.isFile()) files.push(rel);
  }
  return files.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * Hex sha256 over a helper module's built files (e.g. dist/): files sorted by their path relative to `dir`
 * ("/" separators), each hashed as path, NUL, bytes. Undefined when `dir` does not exist.
 */
export function helperSha256(dir: string): string | undefined {
  if (!fs.existsSync(dir)) return undefined;
  const hash = createHash("sha256");
  for (const rel of filesUnder(dir)) {
    hash.update(rel, "utf8");
    hash.update(Buffer.from([0]));
    hash.update(fs.readFileSync(path.join(dir, rel)));
  }
  return hash.digest("hex");
}

const HEX64 = /^[0-9a-f]{64}$/;

/**
 * Reads and checks `metadata.workbook` of a parsed notebook. Returns the provenance, or a sentence saying what is
 * missing or malformed (a copy without valid provenance must not be published as clean).
 */
export function readProvenance(notebook: { metadata?: unknown }): Provenance | { problem: string } {
  const metadata = notebook.metadata;
  const workbook = metadata && typeof metadata === "object" ? (metadata as Record<string, unknown>).workbook : undefined;
  if (!workbook || typeof workbook !== "object") return { problem: "has no metadata.workbook (it was not written by `npm run workbook`, or by an older version)" };
  const w = workbook as Record<string, unknown>;
  if (typeof w.source_sha256 !== "string" || !HEX64.test(w.source_sha256)) return { problem: "has no valid metadata.workbook.source_sha256" };
  if (w.helper_sha256 !== undefined && (typeof w.helper_sha256 !== "string" || !HEX64.test(w.helper_sha256))) return { problem: "has a malformed metadata.workbook.helper_sha256" };
  if (w.outcome !== "ok" && w.outcome !== "failed") return { problem: "has no valid metadata.workbook.outcome (\"ok\" or \"failed\")" };
  const failed = w.failed_cells ?? [];
  if (!Array.isArray(failed) || !failed.every((n) => Number.isInteger(n))) return { problem: "has a malformed metadata.workbook.failed_cells" };
  const model = w.model === undefined ? undefined : modelOf(w.model);
  if (model === null) return { problem: "has a malformed metadata.workbook.model (expected {kind, name, source, banner})" };
  return {
    source_sha256: w.source_sha256,
    ...(typeof w.helper_sha256 === "string" ? { helper_sha256: w.helper_sha256 } : {}),
    outcome: w.outcome,
    failed_cells: failed as number[],
    ...(w.lost_output === true ? { lost_output: true as const } : {}),
    ...(model ? { model } : {}),
  };
}

/** A well-formed metadata.workbook.model, or null. */
function modelOf(value: unknown): ModelRecord | null {
  if (!value || typeof value !== "object") return null;
  const m = value as Record<string, unknown>;
  if (m.kind !== "hub" && m.kind !== "demo" && m.kind !== "directory") return null;
  if (typeof m.name !== "string" || typeof m.source !== "string" || typeof m.banner !== "string") return null;
  return { kind: m.kind, name: m.name, source: m.source, banner: m.banner };
}

/** Narrows readProvenance's result. */
export function isProvenance(value: Provenance | { problem: string }): value is Provenance {
  return !("problem" in value);
}
