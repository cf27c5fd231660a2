// Rebuilding the book after one notebook changed, against running that notebook alone: `npm run book` re-executes
// only notebooks whose source or helper hash changed, so its rebuild should cost little more than the one run.
// Everything happens in a scratch folder the bench makes, marks and deletes, under build/ because the notebooks
// import "@huggingface/transformers" from the project's node_modules above them; the user's notebooks/ and
// build/book are never written, and the touched notebook is a scratch copy.
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { projectRoot } from "../../src/model";
import { markerOf, markOutputDir } from "../output-dir";
import { makeFigure, type Figure } from "./report";
import { runCommand, outputTail } from "./run-command";
import { checkRepeat, summarize, type RepeatOptions } from "./stats";

/** The tool named in the scratch folder's marker: the bench deletes a folder only while it carries this name. */
export const BENCH_TOOL = "npm run bench";

/** The two sides of one round, in the order they run. */
export type Side = "book" | "alone";

/** Which side goes first in measured-or-warm-up round `round` (0-based): alternating, so both see the same load. */
export function roundOrder(round: number): [Side, Side] {
  return round % 2 === 0 ? ["book", "alone"] : ["alone", "book"];
}

/**
 * The touched notebook's bytes for round `round`: the original with a trailing newline on even rounds, without
 * on odd ones, so every round's source differs from the one executed in the round before (the JSON is unchanged).
 */
export function touchedBytes(original: Buffer, round: number): Buffer {
  const trimmed = original.subarray(0, original.length - (original.at(-1) === 0x0a ? 1 : 0));
  return round % 2 === 0 ? Buffer.concat([trimmed, Buffer.from("\n\n")]) : Buffer.concat([trimmed, Buffer.from("\n")]);
}

/** The notebook to touch: `preferred` when the set has it, else the set's first; throws on an empty set. */
export function pickTouched(names: readonly string[], preferred: string): string {
  if (names.length === 0) throw new Error("the book rebuild needs at least one notebook");
  return names.includes(preferred) ? preferred : names[0];
}

/**
 * Checks the book's log of a rebuild: it must have executed exactly the touched notebook (otherwise the figure
 * would time something else); returns the problem, or null.
 */
export function rebuildProblem(stdout: string, touched: string, total: number): string | null {
  const executing = /executing (\d+) of (\d+) notebooks into [^\n]*:\n((?: {2}[^\s:]+\.ipynb: [^\n]*\n?)*)/.exec(stdout);
  if (!executing) return `the book executed nothing after ${touched} changed`;
  const listed = executing[3].split("\n").filter((l) => l.trim() !== "").map((l) => l.trim().split(": ")[0]);
  if (executing[1] !== "1" || listed.length !== 1 || listed[0] !== touched) {
    return `the book executed ${executing[1]} of ${executing[2]} notebooks (${listed.join(", ")}), not only ${touched}`;
  }
  if (Number(executing[2]) !== total) return `the book saw ${executing[2]} notebooks, not the ${total} copied`;
  return null;
}

/** Samples of both sides, warm-up rounds left out; each side's function times one run and returns its sample. */
export async function alternateRounds<T>(repeat: RepeatOptions, run: (side: Side, round: number) => Promise<T>): Promise<Record<Side, T[]>> {
  checkRepeat(repeat, "book rebuild");
  const measured: Record<Side, T[]> = { book: [], alone: [] };
  for (let round = 0; round < repeat.warmup + repeat.runs; round++) {
    for (const side of roundOrder(round)) {
      const seconds = await run(side, round);
      if (round >= repeat.warmup) measured[side].push(seconds);
    }
  }
  return measured;
}

/** A new scratch folder in `parent` (created if needed), marked as the bench's. */
export function makeScratch(parent: string): string {
  mkdirSync(parent, { recursive: true });
  const dir = mkdtempSync(join(parent, ".bench-book-"));
  markOutputDir(dir, BENCH_TOOL);
  return dir;
}

/** Deletes a scratch folder only while it carries the bench's marker; otherwise leaves it and says so. */
export function removeScratch(dir: string): boolean {
  if (markerOf(dir) !== BENCH_TOOL) return false;
  rmSync(dir, { recursive: true, force: true });
  return true;
}

/** One timed command: seconds from spawn to exit, CPU seconds of its whole tree (null without /proc), its stdout. */
interface Timed {
  readonly seconds: number;
  readonly cpuSeconds: number | null;
  readonly stdout: string;
}

/** Times `npm run --silent <script> -- args`; throws with the tail of its output if it fails. */
async function timeNpm(script: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<Timed> {
  const run = await runCommand("npm", ["run", "--silent", script, "--", ...args], { env });
  if (run.code !== 0) throw new Error(`\`npm run ${script}\` exited with code ${run.code}:\n${outputTail(run, 12)}`);
  return run;
}

/** Options of `benchBookRebuild`. */
export interface BookRebuildOptions {
  /** The book's notebooks (copied into the scratch folder; the originals are only read). */
  readonly notebooks: readonly string[];
  /** File name of the one to touch, if the set has it (else the first). */
  readonly touch: string;
  readonly repeat: RepeatOptions;
  readonly env: NodeJS.ProcessEnv;
  readonly log?: (line: string) => void;
}

/** What `benchBookRebuild` measured. */
export interface BookRebuild {
  readonly touched: string;
  readonly notebooks: number;
  /** The untimed-for-the-ratio first full build, in seconds. */
  readonly firstBuildSeconds: number;
  readonly bookSeconds: number[];
  readonly aloneSeconds: number[];
  /** CPU seconds (user + system, whole process tree) of the same runs, when /proc gives them. */
  readonly bookCpuSeconds?: number[];
  readonly aloneCpuSeconds?: number[];
}

/**
 * Copies the notebooks into a scratch notebooks/ (with dist/ linked beside it, as "../dist" imports need), builds
 * the book once in full, then in each round touches one notebook and times `npm run book` against
 * `npm run workbook -- <that notebook>`, alternating which goes first. The scratch folder is deleted at the end.
 */
export async function benchBookRebuild(options: BookRebuildOptions): Promise<BookRebuild> {
  checkRepeat(options.repeat, "book rebuild");
  const log = options.log ?? (() => {});
  const names = options.notebooks.map((nb) => basename(nb));
  const duplicate = names.find((n, i) => names.indexOf(n) !== i);
  if (duplicate) throw new Error(`two notebooks are named ${duplicate}: the book's scratch copy needs distinct file names`);
  const touched = pickTouched(names, options.touch);
  const scratch = makeScratch(join(projectRoot(), "build"));
  try {
    const notebooksDir = join(scratch, "notebooks");
    mkdirSync(notebooksDir);
    options.notebooks.forEach((nb, i) => copyFileSync(nb, join(notebooksDir, names[i])));
    // The notebooks import "../dist" and the book hashes <notebooks>/../dist: the project's built helper module.
    symlinkSync(join(projectRoot(), "dist"), join(scratch, "dist"), "dir");
    const touchedFile = join(notebooksDir, touched);
    const original = readFileSync(touchedFile);
    const executed = join(scratch, "executed");
    const bookArgs = ["--executed", executed, "--notebooks", notebooksDir, "--out", join(scratch, "book")];
    const aloneArgs = [touchedFile, "--out", join(scratch, "alone")];

    log(`book rebuild: first full build of ${names.length} notebook(s) in ${scratch}…`);
    const first = await timeNpm("book", bookArgs, options.env);
    const samples = await alternateRounds(options.repeat, async (side, round): Promise<Timed> => {
      const kind = round < options.repeat.warmup ? "warm-up" : "run";
      const total = options.repeat.warmup + options.repeat.runs;
      const cpu = (r: Timed) => (r.cpuSeconds === null ? "" : `, ${r.cpuSeconds.toFixed(1)} s CPU`);
      if (side === "book") {
        writeFileSync(touchedFile, touchedBytes(original, round));
        const r = await timeNpm("book", bookArgs, options.env);
        const problem = rebuildProblem(r.stdout, touched, names.length);
        if (problem) throw new Error(problem);
        log(`book rebuild: book after touching ${touched}, ${kind} ${round + 1}/${total}: ${r.seconds.toFixed(1)} s${cpu(r)}`);
        return r;
      }
      const r = await timeNpm("workbook", aloneArgs, options.env);
      log(`book rebuild: ${touched} alone, ${kind} ${round + 1}/${total}: ${r.seconds.toFixed(1)} s${cpu(r)}`);
      return r;
    });
    const cpuOf = (runs: Timed[]) => (runs.every((r) => r.cpuSeconds !== null) ? runs.map((r) => r.cpuSeconds!) : undefined);
    return {
      touched, notebooks: names.length, firstBuildSeconds: first.seconds,
      bookSeconds: samples.book.map((r) => r.seconds), aloneSeconds: samples.alone.map((r) => r.seconds),
      bookCpuSeconds: cpuOf(samples.book), aloneCpuSeconds: cpuOf(samples.alone),
    };
  } finally {
    if (!removeScratch(scratch)) log(`book rebuild: ${scratch} lost the bench's marker; left in place`);
  }
}

/** The figure: the book's rebuild against the notebook alone, seconds from spawn to exit, target ratio ≤ 1.3. */
export function bookRebuildFigure(result: BookRebuild, setName: string): Figure {
  return makeFigure({
    id: "book-rebuild",
    title: `${setName}: \`npm run book\` after touching ${result.touched} vs \`npm run workbook\` on it alone`,
    unit: "s",
    better: "lower",
    subject: { label: "book", samples: result.bookSeconds },
    peer: { label: "alone", samples: result.aloneSeconds },
    target: { of: "ratio", max: 1.3 },
    notes: {
      touched: result.touched, notebooks: result.notebooks, firstBuildSeconds: Number(result.firstBuildSeconds.toFixed(2)),
      // CPU time is what a loaded machine disturbs least: the same ratio, over user + system seconds.
      ...(result.bookCpuSeconds && result.aloneCpuSeconds
        ? { cpuRatio: Number((summarize(result.bookCpuSeconds).median / summarize(result.aloneCpuSeconds).median).toFixed(3)) }
        : {}),
    },
  });
}
