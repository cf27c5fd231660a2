/**
 * The course's workbook executed once by the runner on the offline demo models, shared by every test that reads
 * executed notebooks (the workbook checks, the nbclient parity test, the course site built from it, …).
 *
 * `npm test` executes it once at the start (fresh) and hands the directory to every test file in
 * TEST_WORKBOOK_DIR. A test file run alone gets the same thing from a cache in build/test/workbook-<key>/, where
 * the key hashes everything the run depends on (notebooks, dist/, the runner, the demo models, the lockfile,
 * node's version); a lock makes parallel test files wait for one execution instead of starting their own.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { CellError, helperSha256, readNotebook, runNotebooks, serializeNotebook, stampProvenance, type Notebook, type NotebookOutcome } from "../../scripts/runner";
import { modelsDir, projectRoot } from "../../src/model";
import { allDemoModels } from "./demo-model";
import { TranscriptRecorder } from "./transcript";
import { withLock } from "./lock";

/** How one notebook of the shared run went. */
export interface ExecutedNotebook {
  /** File name in notebooks/, e.g. "01-pipeline.ipynb". */
  name: string;
  /** The source notebook. */
  source: string;
  /** sha256 of the source's bytes just before the run, and just after it (a run must not touch its sources). */
  sourceSha256: string;
  sourceSha256After: string;
  /** The executed copy (partially executed when `error` is set and a cell failed), or null if nothing ran. */
  executed: string | null;
  /** The kernel's messages for each executed cell (test/helpers/transcript.ts); null if the notebook failed. */
  transcript: string | null;
  /** Why a notebook that ran to its end has no transcript, or null. */
  transcriptError: string | null;
  /** The runner's error message, or null when every cell ran. */
  error: string | null;
  cellsRun: number;
  cellsToRun: number;
  seconds: number;
}

/** The shared run: where it is, and each notebook's outcome in notebook order. */
export interface ExecutedWorkbook {
  dir: string;
  notebooks: ExecutedNotebook[];
  /** Wall time of the whole run, kernel start-ups included. */
  seconds: number;
}

const RUN_FILE = "run.json";
const TRANSCRIPTS_DIR = "transcripts";
const NOTEBOOKS_DIR = () => path.join(projectRoot(), "notebooks");
/** The same cell timeout the runner's tests always used for the workbook: generous, as the machine may be busy. */
const CELL_TIMEOUT_S = 180;

/** The course's notebooks, in order (dot-files are editors' scratch copies). */
export function workbookNames(): string[] {
  return fs.readdirSync(NOTEBOOKS_DIR()).filter((name) => name.endsWith(".ipynb") && !name.startsWith(".")).sort();
}

/**
 * The executed workbook: the directory npm test passed in TEST_WORKBOOK_DIR, else the cached run for the current
 * sources (executing it now if there is none). With `fresh`, an existing run is discarded and executed again.
 */
export async function executedWorkbook(options: { fresh?: boolean } = {}): Promise<ExecutedWorkbook> {
  const given = process.env.TEST_WORKBOOK_DIR;
  // The key hashes the demo models' manifests, so they are built (if needed) before it is taken.
  if (!given) allDemoModels();
  const dir = given ? path.resolve(given) : path.join(projectRoot(), "build", "test", `workbook-${workbookKey()}`);
  return withLock(`${dir}.lock`, async () => {
    if (options.fresh) fs.rmSync(dir, { recursive: true, force: true });
    const done = readRun(dir);
    if (done) return done;
    if (!given) removeOtherRuns(dir);
    return execute(dir);
  });
}

/** One executed notebook parsed, or a clear error when the run did not produce it. */
export function executedNotebook(workbook: ExecutedWorkbook, name: string): Notebook {
  const entry = workbook.notebooks.find((n) => n.name === name);
  if (!entry) throw new Error(`${name} is not part of the shared workbook run in ${workbook.dir}`);
  if (!entry.executed) throw new Error(`${name} did not execute: ${entry.error}`);
  return JSON.parse(fs.readFileSync(entry.executed, "utf8")) as Notebook;
}

function readRun(dir: string): ExecutedWorkbook | null {
  try {
    return JSON.parse(fs.readFileSync(path.join(dir, RUN_FILE), "utf8")) as ExecutedWorkbook;
  } catch {
    return null;
  }
}

async function execute(dir: string): Promise<ExecutedWorkbook> {
  allDemoModels();
  if (!fs.existsSync(path.join(projectRoot(), "dist", "index.js"))) throw new Error("dist/index.js is missing: the notebooks import the helper module from ../dist; run `npm run build`");
  const names = workbookNames();
  const inputs = await Promise.all(names.map(async (name) => {
    const file = path.join(NOTEBOOKS_DIR(), name);
    return { path: file, notebook: await readNotebook(file) };
  }));
  const before = inputs.map((input) => sha256File(input.path));
  const recorders = new Map(inputs.map((input) => [input.path, new TranscriptRecorder()]));
  const started = performance.now();
  const outcomes = await runNotebooks(inputs, {
    env: { ...process.env, WORKBOOK_MODEL: "offline" },
    timeout: CELL_TIMEOUT_S,
    onKernelMessage: (input, channel, message, direction) => recorders.get(input.path)!.observe(channel, message, direction),
  });
  const seconds = (performance.now() - started) / 1000;
  const after = inputs.map((input) => sha256File(input.path));

  // Written beside the final directory and renamed into place: a reader sees a whole run or none.
  const staging = `${dir}.tmp-${process.pid}`;
  fs.rmSync(staging, { recursive: true, force: true });
  fs.mkdirSync(staging, { recursive: true });
  const helper = helperSha256();
  const notebooks = outcomes.map((outcome, i) => ({
    ...record(names[i], outcome, staging, dir, before[i], helper, recorders.get(outcome.path)!),
    sourceSha256: before[i],
    sourceSha256After: after[i],
  }));
  fs.writeFileSync(path.join(staging, RUN_FILE), `${JSON.stringify({ dir, notebooks, seconds }, null, 1)}\n`);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.renameSync(staging, dir);
  return { dir, notebooks, seconds };
}

function sha256File(file: string): string {
  return createHash("sha256").update(fs.readFileSync(file)).digest("hex");
}

/** Writes the executed copy as `npm run workbook` does, with its provenance (metadata.workbook, contract 1), and its transcript. */
function record(
  name: string,
  outcome: NotebookOutcome,
  staging: string,
  dir: string,
  sourceSha256: string,
  helper: string | undefined,
  recorder: TranscriptRecorder,
): Omit<ExecutedNotebook, "sourceSha256" | "sourceSha256After"> {
  const failure = outcome.error instanceof CellError ? outcome.error : undefined;
  const notebook = outcome.result?.notebook ?? failure?.notebook;
  let transcript: string | null = null;
  let transcriptError: string | null = null;
  // Kept for a notebook that ran to its end (the parity test replays it); a failed one is reported as failed. A
  // transcript that cannot be made fails the parity test, which reads why, not every test of the shared run.
  if (notebook && !outcome.error) {
    const file = path.join(TRANSCRIPTS_DIR, name.replace(/\.ipynb$/, ".json"));
    try {
      const text = JSON.stringify(recorder.transcript());
      fs.mkdirSync(path.join(staging, TRANSCRIPTS_DIR), { recursive: true });
      fs.writeFileSync(path.join(staging, file), text);
      transcript = path.join(dir, file);
    } catch (error) {
      transcriptError = (error as Error).message;
    }
  }
  if (notebook) {
    stampProvenance(notebook, {
      sourceSha256,
      helperSha256: helper,
      failed: outcome.error !== undefined,
      failedCells: outcome.result?.failedCells ?? failure?.failedCells ?? [],
      lostOutput: outcome.result?.lostOutput ?? failure?.lostOutput ?? false,
      model: outcome.model,
    });
    fs.writeFileSync(path.join(staging, name), serializeNotebook(notebook));
  }
  return {
    name,
    source: outcome.path,
    executed: notebook ? path.join(dir, name) : null,
    transcript,
    transcriptError,
    error: outcome.error ? outcome.error.message : null,
    cellsRun: outcome.cellsRun,
    cellsToRun: outcome.cellsToRun,
    seconds: outcome.seconds,
  };
}

/** Earlier cached runs (other keys) are out of date: this helper made them, so it removes them. */
function removeOtherRuns(keep: string): void {
  const parent = path.dirname(keep);
  for (const entry of fs.readdirSync(parent, { withFileTypes: true })) {
    const full = path.join(parent, entry.name);
    if (entry.isDirectory() && /^workbook-[0-9a-f]{16}$/.test(entry.name) && full !== keep && !fs.existsSync(`${full}.lock`)) {
      fs.rmSync(full, { recursive: true, force: true });
    }
  }
}

/** Hash of everything the workbook's execution depends on, so a cached run is reused only when it would not change. */
export function workbookKey(): string {
  const root = projectRoot();
  const hash = createHash("sha256");
  hash.update(`node ${process.version}\0`);
  const add = (file: string) => {
    hash.update(path.relative(root, file));
    hash.update("\0");
    hash.update(fs.readFileSync(file));
    hash.update("\0");
  };
  for (const name of workbookNames()) add(path.join(NOTEBOOKS_DIR(), name));
  // What a run records (executed copies, transcripts) is decided here: a change to it is a new run.
  for (const file of ["workbook.ts", "transcript.ts"]) add(path.join(__dirname, file));
  for (const dir of ["dist", path.join("scripts", "runner")]) for (const file of filesUnder(path.join(root, dir))) add(file);
  add(path.join(root, "package-lock.json"));
  // Each demo model's manifest holds the hashes of its files and sources.
  for (const file of filesUnder(modelsDir()).filter((f) => path.basename(f) === "demo-model-manifest.json")) add(file);
  return hash.digest("hex").slice(0, 16);
}

function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return (fs.readdirSync(dir, { recursive: true, withFileTypes: true }) as fs.Dirent[])
    .filter((entry) => entry.isFile() && !entry.name.startsWith("."))
    .map((entry) => path.join(entry.parentPath ?? entry.path, entry.name))
    .filter((file) => !file.split(path.sep).some((part) => part.startsWith(".")))
    .sort();
}
