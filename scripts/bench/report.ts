// The bench's result: figures (median, min, max of each side, ratio to the peer, target), the machine and
// versions they were measured on; printed as tables and written as JSON atomically.
import { mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import Table from "cli-table3";
import type { MachineInfo, Versions } from "./environment";
import { summarize, type Summary } from "./stats";

/** Units the figures are given in. */
export type Unit = "ms" | "s" | "sentences/s" | "MB";

/** One side of a figure: what was measured and its summary. */
export interface Measured extends Summary {
  readonly label: string;
}

/** A bound the figure should stay under: on the ratio, or on the subject's median. */
export interface Target {
  readonly of: "ratio" | "median";
  readonly max: number;
  /** Whether the median (or the ratio of medians) is within the bound: a verdict only when `enoughRuns`. */
  readonly met: boolean;
  /** Whether every side has MIN_RUNS_FOR_VERDICT measured runs; if not, the figure is printed as "not enough runs". */
  readonly enoughRuns: boolean;
}

/**
 * Measured runs a side needs before its median is marked ✓ or ✗ against a target: on a shared machine a median of
 * a handful of runs moves by more than the margins the targets care about.
 */
export const MIN_RUNS_FOR_VERDICT = 10;

/** The widest line `npm run bench` prints: its tables fit a 100-column terminal (and the README). */
export const MAX_LINE_WIDTH = 100;

/** One figure: the subject measured against its peer. `ratio` is subject median / peer median. */
export interface Figure {
  readonly id: string;
  readonly title: string;
  readonly unit: Unit;
  /** Whether a lower or a higher value of the unit is better (times vs throughputs). */
  readonly better: "lower" | "higher";
  readonly subject: Measured;
  readonly peer: Measured | null;
  readonly ratio: number | null;
  /**
   * The same ratio over each side's best run (least time, or most throughput): on a machine shared with other
   * jobs, medians carry their load; best runs come closest to the cost of the work itself.
   */
  readonly bestCaseRatio: number | null;
  readonly target: Target | null;
  readonly notes: Readonly<Record<string, number | string>>;
}

/** What `makeFigure` takes: raw samples per side (warm-up runs already left out). */
export interface FigureSpec {
  readonly id: string;
  readonly title: string;
  readonly unit: Unit;
  readonly better: "lower" | "higher";
  readonly subject: { readonly label: string; readonly samples: readonly number[] };
  readonly peer?: { readonly label: string; readonly samples: readonly number[] };
  readonly target?: { readonly of: "ratio" | "median"; readonly max: number };
  readonly notes?: Record<string, number | string>;
}

/** The model the figures were measured on. */
export interface ModelInfo {
  /** True for a real checkpoint (Hub or local directory), false for the offline demo model. */
  readonly real: boolean;
  /** `hub`, `directory` or `demo`, as `selectModel` says. */
  readonly kind: string;
  readonly name: string;
  readonly banner: string;
}

/** Everything `npm run bench` writes to build/bench.json. */
export interface BenchReport {
  readonly schema: 1;
  readonly createdAt: string;
  readonly command: string;
  readonly mode: "full" | "quick";
  readonly machine: MachineInfo;
  readonly versions: Versions;
  readonly model: ModelInfo;
  /** Measured runs and discarded warm-up runs per figure group. */
  readonly repeats: Readonly<Record<string, { runs: number; warmup: number }>>;
  readonly figures: readonly Figure[];
  /** Figures that could not be measured here, and why. */
  readonly skipped: readonly { readonly id: string; readonly reason: string }[];
}

/** Summarises both sides and derives the ratio and whether the target is met. */
export function makeFigure(spec: FigureSpec): Figure {
  const subject = { label: spec.subject.label, ...summarize(spec.subject.samples) };
  const peer = spec.peer ? { label: spec.peer.label, ...summarize(spec.peer.samples) } : null;
  const ratio = peer ? subject.median / peer.median : null;
  const best = (m: Measured) => (spec.better === "lower" ? m.min : m.max);
  const bestCaseRatio = peer ? best(subject) / best(peer) : null;
  let target: Target | null = null;
  if (spec.target) {
    const value = spec.target.of === "ratio" ? ratio : subject.median;
    if (value === null) throw new Error(`figure ${spec.id}: a target on the ratio needs a peer`);
    const sides = spec.target.of === "ratio" && peer ? [subject, peer] : [subject];
    target = { ...spec.target, met: value <= spec.target.max, enoughRuns: sides.every((side) => side.runs >= MIN_RUNS_FOR_VERDICT) };
  }
  return { id: spec.id, title: spec.title, unit: spec.unit, better: spec.better, subject, peer, ratio, bestCaseRatio, target, notes: spec.notes ?? {} };
}

/** A value in its unit, with the precision that unit deserves. */
export function formatValue(value: number, unit: Unit): string {
  switch (unit) {
    case "ms":
      return `${value.toFixed(value < 10 ? 2 : 1)} ms`;
    case "s":
      return `${value.toFixed(2)} s`;
    case "sentences/s":
      return `${value.toFixed(0)}/s`;
    case "MB":
      return `${value.toFixed(0)} MB`;
  }
}

function formatMeasured(m: Measured | null, unit: Unit): string {
  if (!m) return "—";
  const range = m.runs > 1 ? `\n${formatValue(m.min, unit)} – ${formatValue(m.max, unit)}` : "";
  return `${m.label}:\n${formatValue(m.median, unit)}${range}\nn=${m.runs}`;
}

/** The target and its verdict: ✓ or ✗ on medians of enough runs, otherwise "not enough runs". */
export function formatTarget(figure: Figure): string {
  if (!figure.target) return "";
  const what = figure.target.of === "ratio" ? `ratio ≤ ${figure.target.max}` : `≤ ${formatValue(figure.target.max, figure.unit)}`;
  if (!figure.target.enoughRuns) {
    const runs = Math.min(figure.subject.runs, figure.target.of === "ratio" && figure.peer ? figure.peer.runs : Infinity);
    return `${what}\nnot enough runs\n(n=${runs}; needs ${MIN_RUNS_FOR_VERDICT})`;
  }
  return `${what} ${figure.target.met ? "✓" : "✗"}`;
}

function formatRatio(figure: Figure): string {
  if (figure.ratio === null) return "—";
  return `${figure.ratio.toFixed(3)}×\nbest:\n${figure.bestCaseRatio?.toFixed(3)}×`;
}

// No colours: the tables must read the same in a CI log and in a README.
const PLAIN_STYLE = { head: [] as string[], border: [] as string[] };

/** The main table: one row per figure (throughput rows go to their own table); at most MAX_LINE_WIDTH wide. */
export function figuresTable(figures: readonly Figure[]): string {
  // Column widths include cli-table3's one-space padding; with the 6 border characters they add up to 100.
  const table = new Table({
    head: ["figure", "measured: median,\nmin – max, runs", "peer: median,\nmin – max, runs", "ratio of\nmedians", "target"],
    colWidths: [28, 19, 19, 11, 17],
    wordWrap: true,
    style: PLAIN_STYLE,
  });
  for (const figure of figures) {
    table.push([figure.title, formatMeasured(figure.subject, figure.unit), formatMeasured(figure.peer, figure.unit), formatRatio(figure), formatTarget(figure)]);
  }
  return table.toString();
}

/** The throughput table: sentences/s per batch size, plain vs sorted, padding saved and speed-up. */
export function throughputTable(figures: readonly Figure[]): string {
  const table = new Table({
    head: ["batch", "plain\n(sent/s)", "sorted\n(sent/s)", "speed-up", "best\nruns", "padding\nplain", "padding\nsorted", "padding\nsaved"],
    colAligns: ["right", "right", "right", "right", "right", "right", "right", "right"],
    colWidths: [7, 17, 17, 10, 7, 11, 11, 11],
    wordWrap: true,
    style: PLAIN_STYLE,
  });
  for (const figure of figures) {
    const n = figure.notes;
    const range = (m: Measured | null) => (m ? `${m.median.toFixed(0)} (${m.min.toFixed(0)}–${m.max.toFixed(0)})` : "—");
    table.push([String(n.batchSize), range(figure.peer), range(figure.subject), `${figure.ratio?.toFixed(2)}×`, `${figure.bestCaseRatio?.toFixed(2)}×`, String(n.plainPadding), String(n.sortedPadding), String(n.paddingSaved)]);
  }
  return table.toString();
}

/** Header lines, the figures table, the throughput table and what was skipped: what `npm run bench` prints. */
export function formatReport(report: BenchReport): string {
  const { machine, versions, model } = report;
  const load = (l: number[]) => l.map((v) => v.toFixed(2)).join(" ");
  const lines = [
    `Model: ${model.real ? "real checkpoint" : "offline demo model (not the real checkpoint: its timings are not DistilBERT's)"} — ${model.name}`,
    `Machine: ${machine.cores} cores (${machine.cpuModel}), load average ${load(machine.loadAverage.start)} at start, ${load(machine.loadAverage.end)} at end`,
    `Versions: Node ${versions.node}, onnxruntime-node ${versions.onnxruntimeNode}, transformers.js ${versions.transformers}, tslab ${versions.tslab}` +
      (versions.nbclient ? `, nbclient ${versions.nbclient} (Python ${versions.python})` : ""),
    `Mode: ${report.mode}; medians over the measured runs, warm-up runs excluded; ratio = measured / peer (medians); ` +
      `best = the same over each side's fastest run (less affected by other jobs' load); a target is marked ` +
      `✓ or ✗ only when each side has at least ${MIN_RUNS_FOR_VERDICT} measured runs.`,
  ].map((line) => wrapText(line, MAX_LINE_WIDTH));
  const throughput = report.figures.filter((f) => f.id.startsWith("throughput-"));
  const others = report.figures.filter((f) => !f.id.startsWith("throughput-"));
  const parts = [lines.join("\n"), figuresTable(others)];
  if (throughput.length > 0) {
    const sentences = throughput[0].notes.sentences;
    parts.push(`Throughput on ${sentences} sentences of mixed length (text → logits), input order vs sorted by length:\n${throughputTable(throughput)}`);
  }
  if (report.skipped.length > 0) parts.push(report.skipped.map((s) => wrapText(`skipped ${s.id}: ${s.reason}`, MAX_LINE_WIDTH)).join("\n"));
  return parts.join("\n\n");
}

/** `text` broken at spaces into lines of at most `width` characters, continuation lines indented by two. */
export function wrapText(text: string, width: number): string {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(" ")) {
    const candidate = line === "" ? word : `${line} ${word}`;
    if ([...candidate].length <= width || line === "") line = candidate;
    else {
      lines.push(line);
      line = `  ${word}`;
    }
  }
  lines.push(line);
  return lines.join("\n");
}

/** Writes `text` to `file` through a temporary file in the same folder and a rename, so readers never see half of it. */
export function writeFileAtomic(file: string, text: string): void {
  const temp = `${file}.${process.pid}.tmp`;
  try {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(temp, text);
    renameSync(temp, file);
  } catch (error) {
    try {
      rmSync(temp, { force: true });
    } catch {
      // The folder itself is unusable: there is no temporary file to remove.
    }
    throw new Error(`cannot write ${file} (${(error as Error).message}); choose another path with --out`);
  }
}
