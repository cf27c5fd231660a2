// One loader for every checkpoint kind (the sentiment classifier, T5, …). The skeleton is the same for all: if the
// default checkpoint's Hub cannot be reached (probed with a timeout first, so a silent network does not hang the
// notebook), the kind's demo model stands in; the choice is made loadable (demo model built, directory checked,
// transformers.js's env pointed at it); then the kind loads its own parts, and every failure names the file and the fix.
import * as fs from "node:fs";
import * as path from "node:path";
import type { ModelChoice } from "./choice";
import { ensureDemoModel } from "./demo-model";
import { firstLine, ModelLoadError } from "./errors";
import { demoModelDir } from "./paths";
import { OFFLINE_KEYWORD } from "./select";
import { applyTransformersEnv } from "./transformers-env";

/** How long the loaders wait for the Hub before falling back to the demo model. */
export const DEFAULT_HUB_TIMEOUT_MS = 5000;

/** The text files every transformers.js checkpoint ships. */
export const TEXT_FILES = ["config.json", "tokenizer.json", "tokenizer_config.json"] as const;

/** What differs between checkpoint kinds: the files they need, their demo model, and how their parts load. */
export interface CheckpointKind<P> {
  /** The demo model that stands in for the default checkpoint when the Hub cannot be reached. */
  readonly demoModel: string;
  /** Files a model directory (or the Hub cache) must hold, relative to the model's root. */
  readonly files: readonly string[];
  /** What the files make, for messages: "a transformers.js model directory", "a transformers.js T5". */
  readonly needs: string;
  /** How to get a directory with those files, for messages. */
  readonly exportHint: string;
  /** Loads the parts once the choice is loadable; wrap each file's loading in `loadStep`. */
  load(choice: ModelChoice): Promise<P>;
}

/** Options of `openCheckpoint`. */
export interface OpenOptions {
  /** How long to wait for the Hub before falling back to the demo model (default 5000 ms). */
  hubTimeoutMs?: number;
  /** Called with the demo-model choice when it replaces the default checkpoint. */
  onFallback?: (choice: ModelChoice) => void;
}

type HubChoice = Extract<ModelChoice, { kind: "hub" }>;

/** Where a model file is on disk: in the model's directory, or in the Hub cache (which mirrors the repo layout). */
export function localFile(choice: ModelChoice, file: string): string {
  return choice.kind === "hub" ? path.join(choice.cacheDir, ...choice.id.split("/"), ...file.split("/")) : path.join(choice.dir, file);
}

/** True when every file is already in transformers.js's Hub cache, so the Hub need not answer. */
export function isHubModelCached(choice: HubChoice, files: readonly string[]): boolean {
  return files.every((file) => fs.existsSync(localFile(choice, file)));
}

/** Why the Hub cannot serve `choice` right now (network error, timeout, server error), or null if it answers. */
export async function hubProblem(choice: HubChoice, timeoutMs: number): Promise<string | null> {
  const url = `${choice.endpoint}${choice.id}/resolve/main/config.json`;
  try {
    const response = await fetch(url, { method: "HEAD", signal: AbortSignal.timeout(timeoutMs) });
    return response.status >= 500 ? `${url} answered HTTP ${response.status}` : null;
  } catch (error) {
    return (error as Error).name === "TimeoutError" ? `no answer from ${choice.endpoint} within ${timeoutMs} ms` : firstLine(error);
  }
}

/** Throws naming every file a model directory lacks, and the fix. */
export function assertDirectoryHolds(dir: string, kind: Pick<CheckpointKind<unknown>, "files" | "needs" | "exportHint">): void {
  const missing = kind.files.filter((file) => !fs.statSync(path.join(dir, file), { throwIfNoEntry: false })?.isFile());
  if (missing.length > 0) {
    throw new ModelLoadError(
      `Model directory ${dir} is missing ${missing.join(", ")}. ${kind.needs} needs ${kind.files.join(", ")}. ` +
        `${kind.exportHint}, or set WORKBOOK_MODEL=${OFFLINE_KEYWORD} for the demo model.`,
      dir,
    );
  }
}

/** What to do about a failure, depending on where the model came from. */
export function fixHint(choice: ModelChoice): string {
  switch (choice.kind) {
    case "demo":
      return `rebuild it with \`npm run demo-models\``;
    case "directory":
      return `replace the damaged file (re-export the model), or set WORKBOOK_MODEL=${OFFLINE_KEYWORD} for the demo model`;
    case "hub":
      return `delete ${path.join(choice.cacheDir, choice.id)} to download it again, or set WORKBOOK_MODEL=${OFFLINE_KEYWORD} for the demo model`;
  }
}

/** Rewords a transformers.js/onnxruntime failure into one naming the file, the problem and the fix. */
export function loadFailure(choice: ModelChoice, file: string, error: unknown): ModelLoadError {
  if (choice.kind === "hub") {
    const cached = localFile(choice, file);
    if (choice.offline && !fs.existsSync(cached)) {
      return new ModelLoadError(
        `${choice.id}: ${file} is not in ${choice.cacheDir} and ${choice.reason.split(", ").pop()} forbids downloading it. ` +
          `Run once online to download it, or set WORKBOOK_MODEL=${OFFLINE_KEYWORD} for the demo model.`,
        choice.id,
        { cause: error },
      );
    }
    if (!fs.existsSync(cached)) {
      return new ModelLoadError(
        `Could not get ${file} of "${choice.id}" from ${choice.endpoint} (${firstLine(error)}). Check that ${choice.endpoint}${choice.id} exists ` +
          `and ships ${file}, or set WORKBOOK_MODEL=${OFFLINE_KEYWORD} for the demo model.`,
        choice.id,
        { cause: error },
      );
    }
  }
  const where = localFile(choice, file);
  return new ModelLoadError(`Could not load ${where}: ${firstLine(error)}. The file is damaged or not what its name says; ${fixHint(choice)}.`, where, { cause: error });
}

/** Runs one loading step; a failure becomes `loadFailure` for `file` (a function decides only after the failure). */
export async function loadStep<T>(choice: ModelChoice, file: string | (() => string), load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (error) {
    throw loadFailure(choice, typeof file === "string" ? file : file(), error);
  }
}

/** The demo model `name` standing in for the default checkpoint, because the Hub could not be reached. */
export function fallbackChoice(name: string, problem: string): ModelChoice {
  const dir = demoModelDir(name);
  return { kind: "demo", name, dir, source: dir, reason: "fallback", hubProblem: problem };
}

/** Builds the demo model, checks a directory, refuses an offline Hub model that is not cached; then points transformers.js at it. */
export function makeLoadable(choice: ModelChoice, kind: Pick<CheckpointKind<unknown>, "files" | "needs" | "exportHint">): void {
  if (choice.kind === "demo") ensureDemoModel(choice.name, choice.dir === demoModelDir(choice.name) ? {} : { dir: choice.dir });
  if (choice.kind === "directory") assertDirectoryHolds(choice.dir, kind);
  if (choice.kind === "hub" && choice.offline) {
    const missing = kind.files.find((file) => !fs.existsSync(localFile(choice, file)));
    if (missing) throw loadFailure(choice, missing, new Error("not cached"));
  }
  applyTransformersEnv(choice);
}

/**
 * Opens a checkpoint of one kind: falls back to the kind's demo model when the default Hub checkpoint cannot be
 * reached (not cached, and the Hub does not answer within the timeout, or loading from it fails), makes the choice
 * loadable and loads its parts.
 */
export async function openCheckpoint<P>(kind: CheckpointKind<P>, choice: ModelChoice, options: OpenOptions = {}): Promise<{ choice: ModelChoice; parts: P }> {
  if (choice.kind === "hub" && choice.isDefault && !choice.offline) {
    let problem = isHubModelCached(choice, kind.files) ? null : await hubProblem(choice, options.hubTimeoutMs ?? DEFAULT_HUB_TIMEOUT_MS);
    if (problem === null) {
      try {
        makeLoadable(choice, kind);
        return { choice, parts: await kind.load(choice) };
      } catch (error) {
        problem = firstLine(error);
      }
    }
    const fallback = fallbackChoice(kind.demoModel, problem);
    options.onFallback?.(fallback);
    choice = fallback;
  }
  makeLoadable(choice, kind);
  return { choice, parts: await kind.load(choice) };
}
