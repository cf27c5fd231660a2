// The whole bench: load the model the workbook would load, measure each figure against its peer, and gather
// the figures with the machine and versions into one report. Settings differ between the full run and the
// quick smoke run only in sizes and repeat counts.
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { COURSE_SENTENCES } from "../../src/course";
import { loadSentimentModel, projectRoot, type ModelChoice, type SentimentModel } from "../../src/model";
import { loadAverage, machineInfo, versions } from "./environment";
import { firstResultUnavailable, measureFirstResult } from "../book/try-it/measure";
import { benchBookRebuild, bookRebuildFigure } from "./book-rebuild";
import { benchExplain } from "./explain";
import { benchEditLargeModel, benchExposedVsPlain, writeDistilbertSizeModel } from "./inspect";
import { benchNotebooks, DEFAULT_PYTHON, writeTinyNotebook, type ExecutorRun } from "./notebooks";
import { makeFigure, type BenchReport, type Figure, type ModelInfo } from "./report";
import { mixedLengthSentences } from "./sentences";
import type { RepeatOptions } from "./stats";
import { benchThroughput } from "./throughput";
import { benchTokenizer } from "./tokenizer";
import { benchWalkthroughVsPipeline } from "./walkthrough";

/** Sizes and repeat counts of every figure group; null leaves a group out. */
export interface BenchSettings {
  readonly walkthrough: RepeatOptions;
  readonly inspect: RepeatOptions;
  /** Logit lens, occlusion and Shapley values against a plain forward pass, on the course batch. */
  readonly explain: RepeatOptions;
  /** Exposed vs plain on a DistilBERT-size look-alike (random weights, ~270 MB), and editing it. */
  readonly lookalike: RepeatOptions | null;
  readonly edit: RepeatOptions | null;
  readonly throughput: RepeatOptions & { readonly sentences: number; readonly batchSizes: readonly number[] };
  readonly tokenizer: RepeatOptions & { readonly sentences: number };
  /** `workbook`: every notebooks/*.ipynb; `tiny`: one generated one-cell notebook. */
  readonly notebooks: (RepeatOptions & { readonly set: "workbook" | "tiny" }) | null;
  /** `npm run book` after touching one notebook (`touch`, if in the set) vs `npm run workbook` on it alone. */
  readonly book: (RepeatOptions & { readonly touch: string }) | null;
  /** The book's try-it panel: page load → first result in headless Chromium, a fresh context per run. */
  readonly tryIt?: RepeatOptions | null;
}

/** The real measurement: enough repeats for stable medians on a shared 2-core machine (about 10 minutes). */
export const FULL_SETTINGS: BenchSettings = {
  walkthrough: { runs: 40, warmup: 5 },
  inspect: { runs: 40, warmup: 5 },
  explain: { runs: 20, warmup: 3 },
  lookalike: { runs: 20, warmup: 3 },
  // Ten runs: the edit's median is checked against a target, and a verdict needs MIN_RUNS_FOR_VERDICT runs.
  edit: { runs: 10, warmup: 1 },
  throughput: { runs: 5, warmup: 1, sentences: 256, batchSizes: [1, 2, 4, 8, 16, 32, 64] },
  tokenizer: { runs: 5, warmup: 1, sentences: 10_000 },
  notebooks: { runs: 3, warmup: 1, set: "workbook" },
  // Ten rounds: the ratio is checked against a target (about 12 minutes on the whole workbook). No warm-up
  // round: the untimed full build before them already warms every cache they use.
  book: { runs: 10, warmup: 0, touch: "05-softmax.ipynb" },
  // Ten cold page loads: the median is checked against the 3 s target.
  tryIt: { runs: 10, warmup: 1 },
};

/** The smoke run `npm test` does: every code path once or twice, on small inputs. */
export const QUICK_SETTINGS: BenchSettings = {
  walkthrough: { runs: 5, warmup: 1 },
  inspect: { runs: 5, warmup: 1 },
  explain: { runs: 2, warmup: 1 },
  lookalike: null,
  edit: null,
  throughput: { runs: 2, warmup: 1, sentences: 16, batchSizes: [1, 4] },
  tokenizer: { runs: 2, warmup: 1, sentences: 200 },
  notebooks: { runs: 1, warmup: 0, set: "tiny" },
  book: { runs: 1, warmup: 0, touch: "tiny.ipynb" },
  tryIt: { runs: 1, warmup: 0 },
};

/** Options of `runBench`. */
export interface BenchOptions {
  readonly mode: "full" | "quick";
  readonly settings: BenchSettings;
  readonly skipNotebooks?: boolean;
  /** Notebooks for the runner vs nbclient figures instead of the settings' set (absolute or project-relative paths). */
  readonly notebooks?: readonly string[];
  /** Environment the model is chosen from and the notebooks run in (default process.env). */
  readonly env?: NodeJS.ProcessEnv;
  /** The command line, recorded in the report. */
  readonly command: string;
  /** Progress lines (default: stderr). */
  readonly log?: (line: string) => void;
}

function modelInfo(model: SentimentModel): ModelInfo {
  const choice: ModelChoice = model.choice;
  const name = choice.kind === "hub" ? choice.id : choice.kind === "demo" ? choice.name : choice.dir;
  return { real: choice.kind !== "demo", kind: choice.kind, name, banner: model.banner };
}

/** The notebooks' environment: the same model the bench measured (the demo one without asking the Hub again). */
function notebookEnv(env: NodeJS.ProcessEnv, choice: ModelChoice): NodeJS.ProcessEnv {
  return choice.kind === "demo" ? { ...env, WORKBOOK_MODEL: "offline" } : { ...env };
}

const MB = 2 ** 20;

/** Runs every figure group the settings ask for and returns the report (nothing is printed or written here). */
export async function runBench(options: BenchOptions): Promise<BenchReport> {
  const loadAtStart = loadAverage();
  const env = options.env ?? process.env;
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const s = options.settings;
  const python = env.PYTHON || DEFAULT_PYTHON;
  const figures: Figure[] = [];
  const skipped: { id: string; reason: string }[] = [];
  const repeats: Record<string, RepeatOptions> = {};

  // The banner says everything the loader's fallback line would (which model, and why), so print it once.
  const model = await loadSentimentModel({ env, log: () => {} });
  log(model.banner);
  const onnxFile = model.onnxPath("fp32");

  log(`walkthrough vs pipeline() on the course batch (${s.walkthrough.runs} runs)…`);
  const walk = await benchWalkthroughVsPipeline(model, COURSE_SENTENCES, s.walkthrough);
  repeats.walkthrough = s.walkthrough;
  figures.push(makeFigure({
    id: "walkthrough-vs-pipeline",
    title: "course batch: hand-made walkthrough vs pipeline()",
    unit: "ms",
    better: "lower",
    subject: { label: "by hand", samples: walk.handMadeMs },
    peer: { label: "pipeline()", samples: walk.pipelineMs },
    target: { of: "ratio", max: 1.05 },
  }));

  log(`inspection session vs plain session (${s.inspect.runs} runs)…`);
  const inspected = await benchExposedVsPlain({ modelPath: onnxFile, runs: s.inspect.runs, warmup: s.inspect.warmup });
  repeats.inspect = s.inspect;
  figures.push(makeFigure({
    id: "inspect-vs-plain",
    title: `course batch, ${modelInfo(model).real ? "model" : "demo model"}: all hidden states + attentions vs logits only`,
    unit: "ms",
    better: "lower",
    subject: { label: `${inspected.exposedOutputs} outputs`, samples: inspected.exposedSamples },
    peer: { label: "logits", samples: inspected.plainSamples },
    target: { of: "ratio", max: 1.15 },
  }));

  log(`logit lens and attributions vs a plain forward pass on the course batch (${s.explain.runs} runs)…`);
  const explain = await benchExplain(model, COURSE_SENTENCES, s.explain);
  repeats.explain = s.explain;
  const plainSide = { label: "forward pass", samples: explain.plainMs };
  figures.push(makeFigure({
    id: "lens-vs-forward",
    title: `course batch: logit lens (${explain.layers + 1} readings, all hidden states exposed) vs a plain forward pass`,
    unit: "ms",
    better: "lower",
    subject: { label: "lens", samples: explain.lensMs },
    peer: plainSide,
  }));
  figures.push(makeFigure({
    id: "occlusion-vs-forward",
    title: `course batch: occlusion, ${explain.occlusionVariants} variants in one batch, vs a plain forward pass`,
    unit: "ms",
    better: "lower",
    subject: { label: "occlusion", samples: explain.occlusionMs },
    peer: plainSide,
    notes: { variants: explain.occlusionVariants },
  }));
  figures.push(makeFigure({
    id: "shapley-vs-forward",
    title: `course batch: Shapley values, ${explain.shapleySubsets} subsets in one batch, vs a plain forward pass`,
    unit: "ms",
    better: "lower",
    subject: { label: "Shapley", samples: explain.shapleyMs },
    peer: plainSide,
    notes: { subsets: explain.shapleySubsets, method: explain.shapleyMethod },
  }));

  if (s.lookalike || s.edit) {
    log("writing a DistilBERT-size look-alike model (~270 MB, random weights)…");
    const large = writeDistilbertSizeModel();
    try {
      if (s.lookalike) {
        log(`inspection vs plain on the look-alike (${s.lookalike.runs} runs)…`);
        const r = await benchExposedVsPlain({ modelPath: large.file, runs: s.lookalike.runs, warmup: s.lookalike.warmup });
        repeats.lookalike = s.lookalike;
        figures.push(makeFigure({
          id: "inspect-vs-plain-lookalike",
          title: "course batch, DistilBERT-size look-alike: all hidden states + attentions vs logits only",
          unit: "ms",
          better: "lower",
          subject: { label: `${r.exposedOutputs} outputs`, samples: r.exposedSamples },
          peer: { label: "logits", samples: r.plainSamples },
          target: { of: "ratio", max: 1.15 },
        }));
      }
      if (s.edit) {
        log(`editing the look-alike in a child process (${s.edit.warmup} + ${s.edit.runs} runs)…`);
        const runs = [];
        for (let i = 0; i < s.edit.warmup + s.edit.runs; i++) {
          const r = await benchEditLargeModel({ modelPath: large.file });
          if (i >= s.edit.warmup) runs.push(r);
        }
        repeats.edit = s.edit;
        const fileMb = runs[0].fileBytes / MB;
        figures.push(makeFigure({
          id: "inspect-edit-time",
          title: `edit a ${fileMb.toFixed(0)} MB model: read, find, splice outputs`,
          unit: "ms",
          better: "lower",
          subject: { label: "edit", samples: runs.map((r) => r.editMs) },
          target: { of: "median", max: 1500 },
          notes: { openSessionMs: Math.round(runs.map((r) => r.sessionMs).sort((a, b) => a - b)[Math.floor(runs.length / 2)]) },
        }));
        figures.push(makeFigure({
          id: "inspect-edit-memory",
          title: `edit a ${fileMb.toFixed(0)} MB model: extra peak RSS vs file size`,
          unit: "MB",
          better: "lower",
          subject: { label: "extra RSS", samples: runs.map((r) => r.extraBytes / MB) },
          peer: { label: "file", samples: runs.map(() => fileMb) },
          target: { of: "ratio", max: 3 },
        }));
      }
    } finally {
      large.cleanup();
    }
  }

  const sentences = mixedLengthSentences(Math.max(s.throughput.sentences, s.tokenizer.sentences));

  log(`tokenizer on ${s.tokenizer.sentences} sentences (${s.tokenizer.runs} runs)…`);
  const tok = await benchTokenizer(model.tokenizer, sentences.slice(0, s.tokenizer.sentences), s.tokenizer);
  repeats.tokenizer = s.tokenizer;
  figures.push(makeFigure({
    id: "tokenizer",
    title: `tokenizer, ${s.tokenizer.sentences} sentences: one padded batch call vs one call per sentence`,
    unit: "sentences/s",
    better: "higher",
    subject: { label: "batch call", samples: tok.batchPerSecond },
    peer: { label: "per sentence", samples: tok.onePerCallPerSecond },
  }));

  if (s.notebooks && !options.skipNotebooks) {
    await withNotebookSet(s.notebooks.set, options.notebooks ?? [], async (notebooks, setName) => {
      const nbEnv = notebookEnv(env, model.choice);
      const result = await notebookFigures(s.notebooks!, notebooks, setName, nbEnv, python, log);
      figures.push(...result.figures);
      skipped.push(...result.skipped);
      if (result.figures.length > 0) repeats.notebooks = s.notebooks!;
      if (s.book) {
        const book = await bookFigure(s.book, notebooks, setName, nbEnv, log);
        if ("figure" in book) {
          figures.push(book.figure);
          repeats.book = { runs: s.book.runs, warmup: s.book.warmup };
        } else skipped.push(book.skipped);
      }
    });
  } else if (s.notebooks) {
    skipped.push({ id: "runner-vs-nbclient", reason: "--skip-notebooks" });
    if (s.book) skipped.push({ id: "book-rebuild", reason: "--skip-notebooks" });
  }

  if (s.tryIt) {
    const unavailable = firstResultUnavailable();
    if (unavailable) skipped.push({ id: "try-it-first-result", reason: unavailable });
    else {
      log(`the book's try-it panel: page load → first result, fresh browser context (${s.tryIt.warmup} + ${s.tryIt.runs} loads)…`);
      try {
        const tryIt = await measureFirstResult(model.banner, s.tryIt.runs, s.tryIt.warmup);
        repeats.tryIt = s.tryIt;
        const middle = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
        const steps = Object.keys(tryIt.timelines[0] ?? {});
        figures.push(makeFigure({
          id: "try-it-first-result",
          title: "book try-it panel: navigation start → first result on screen (cold cache, headless Chromium, opened once the browser is idle)",
          unit: "ms",
          better: "lower",
          subject: { label: "first result", samples: tryIt.firstResultMs },
          target: { of: "median", max: 3000 },
          notes: {
            siteBytes: tryIt.siteBytes,
            workerPipelineLoadMedianMs: Math.round(middle(tryIt.loadMs)),
            // When each loading step of the worker ended (median over runs, ms since navigation start).
            workerTimelineMedianMs: JSON.stringify(Object.fromEntries(steps.map((k) => [k, middle(tryIt.timelines.map((t) => t[k]))]))),
            loadAverageMedian: Number(middle(tryIt.loadAverages).toFixed(2)),
          },
        }));
      } catch (error) {
        skipped.push({ id: "try-it-first-result", reason: (error as Error).message.split("\n")[0] });
      }
    }
  }

  log(`throughput on ${s.throughput.sentences} sentences, batch sizes ${s.throughput.batchSizes.join(", ")} (${s.throughput.runs} runs)…`);
  const throughput = await benchThroughput(model, sentences.slice(0, s.throughput.sentences), s.throughput.batchSizes, s.throughput);
  repeats.throughput = s.throughput;
  for (const t of throughput) {
    figures.push(makeFigure({
      id: `throughput-b${t.batchSize}`,
      title: `throughput, batch size ${t.batchSize}: sorted by length vs input order`,
      unit: "sentences/s",
      better: "higher",
      subject: { label: "sorted", samples: t.sortedPerSecond },
      peer: { label: "plain", samples: t.plainPerSecond },
      notes: {
        batchSize: t.batchSize,
        sentences: s.throughput.sentences,
        realTokens: t.realTokens,
        plainPadding: t.plainPadding,
        sortedPadding: t.sortedPadding,
        paddingSaved: t.plainPadding - t.sortedPadding,
      },
    }));
  }
  await model.model.dispose();

  return {
    schema: 1,
    createdAt: new Date().toISOString(),
    command: options.command,
    mode: options.mode,
    machine: machineInfo(loadAtStart),
    versions: versions(python),
    model: modelInfo(model),
    repeats,
    figures,
    skipped,
  };
}

/**
 * Calls `use` with the notebooks the notebook figures execute: the chosen ones, every notebooks/*.ipynb, or a
 * generated one-cell notebook (deleted afterwards), and a name for that set.
 */
async function withNotebookSet(set: "workbook" | "tiny", chosen: readonly string[], use: (notebooks: string[], setName: string) => Promise<void>): Promise<void> {
  const tiny = chosen.length === 0 && set === "tiny" ? mkdtempSync(join(tmpdir(), "bench-tiny-")) : null;
  try {
    const notebooksDir = join(projectRoot(), "notebooks");
    const notebooks = tiny
      ? [writeTinyNotebook(tiny)]
      : chosen.length > 0
        ? chosen.map((p) => resolve(projectRoot(), p))
        : readdirSync(notebooksDir).filter((n) => n.endsWith(".ipynb")).sort().map((n) => join(notebooksDir, n));
    const setName = tiny ? "a one-cell notebook" : chosen.length > 0 ? `${notebooks.length} notebook(s)` : `the workbook (${notebooks.length} notebooks)`;
    await use(notebooks, setName);
  } finally {
    if (tiny) rmSync(tiny, { recursive: true, force: true });
  }
}

/** The book-rebuild figure; a failing build or a rebuild that ran the wrong notebooks skips it with the reason. */
async function bookFigure(
  settings: NonNullable<BenchSettings["book"]>,
  notebooks: readonly string[],
  setName: string,
  env: NodeJS.ProcessEnv,
  log: (line: string) => void,
): Promise<{ figure: Figure } | { skipped: { id: string; reason: string } }> {
  log(`${setName}: the book rebuilt after touching one notebook vs that notebook alone (${settings.warmup} + ${settings.runs} rounds)…`);
  try {
    const result = await benchBookRebuild({ notebooks, touch: settings.touch, repeat: settings, env, log });
    return { figure: bookRebuildFigure(result, setName) };
  } catch (error) {
    log(`book rebuild: skipped: ${(error as Error).message}`);
    return { skipped: { id: "book-rebuild", reason: (error as Error).message } };
  }
}

/** The runner vs nbclient figures (wall time, kernel start-up, peak memory); a failing notebook skips them with its error. */
async function notebookFigures(
  settings: NonNullable<BenchSettings["notebooks"]>,
  notebooks: readonly string[],
  setName: string,
  env: NodeJS.ProcessEnv,
  python: string,
  log: (line: string) => void,
): Promise<{ figures: Figure[]; skipped: { id: string; reason: string }[] }> {
  log(`${setName}: the runner vs nbclient (${settings.warmup} + ${settings.runs} runs each)…`);
  let nb;
  try {
    nb = await benchNotebooks({ notebooks: notebooks, repeat: settings, env, python, log });
  } catch (error) {
    // A notebook that fails cannot be timed; the other figures still stand.
    log(`notebooks: skipped: ${(error as Error).message}`);
    return { figures: [], skipped: [{ id: "runner-vs-nbclient", reason: (error as Error).message }] };
  }
  const runs = nb.nbclient;
  const peer = (label: string, pick: (r: ExecutorRun) => number) => (runs ? { label, samples: runs.map(pick) } : undefined);
  const figures = [
    makeFigure({
      id: "runner-vs-nbclient",
      title: `${setName}: wall time, runner vs nbclient (process start to exit, same tslab)`,
      unit: "s",
      better: "lower",
      subject: { label: "runner", samples: nb.runner.map((r) => r.wallSeconds) },
      peer: peer("nbclient", (r) => r.wallSeconds),
      target: runs ? { of: "ratio", max: 0.7 } : undefined,
    }),
    makeFigure({
      id: "kernel-start",
      title: "tslab kernel start-up (first notebook: spawn to kernel_info reply)",
      unit: "s",
      better: "lower",
      subject: { label: "runner", samples: nb.runner.map((r) => r.kernelStartSeconds) },
      peer: peer("nbclient", (r) => r.kernelStartSeconds),
    }),
    makeFigure({
      id: "workbook-peak-rss",
      title: `${setName}: peak RSS of executor + kernels (summed over the process tree)`,
      unit: "MB",
      better: "lower",
      subject: { label: "runner", samples: nb.runner.map((r) => r.peakRssBytes / MB) },
      peer: peer("nbclient", (r) => r.peakRssBytes / MB),
      notes: { peakProcessesRunner: Math.max(...nb.runner.map((r) => r.peakProcesses)) },
    }),
  ];
  return { figures, skipped: nb.nbclientSkipped ? [{ id: "runner-vs-nbclient", reason: nb.nbclientSkipped }] : [] };
}
