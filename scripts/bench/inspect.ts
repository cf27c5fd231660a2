// Benchmarks for src/onnx (issue 5), as functions the `npm run bench` CLI calls:
//  - benchExposedVsPlain: one forward pass with every hidden state and attention exposed vs the plain
//    logits session, on the course batch (2 × 16). Target: ≤ 1.15×.
//  - benchEditLargeModel: reading, analysing and editing a ~270 MB single-file model. Target: < 1.5 s
//    and < 3× the file size in extra memory. Run in a child process so its memory is its own.
import { fork } from "node:child_process";
import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as ort from "onnxruntime-node";
import { COURSE_ATTENTION_MASK, COURSE_INPUT_IDS } from "../../src/course";
import { inspectModelBytes } from "../../src/onnx";
import { exposeRefs } from "../../src/onnx/expose";
import { decodeModelBytes, readModelBytes } from "../../src/onnx/load";
import { ModelIndex } from "../../src/onnx/model-index";
import { openSession } from "../../src/onnx/session";
import { findStructure } from "../../src/onnx/structure";
import { buildLookalike, DISTILBERT_SIZE_LOOKALIKE } from "../../test/helpers/lookalike";

/** Median of a list of numbers. */
function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Writes a DistilBERT-size look-alike (random weights, ~270 MB) to a temporary folder; returns its path and a cleanup. */
export function writeDistilbertSizeModel(): { file: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), "bench-inspect-"));
  const file = join(dir, "model.onnx");
  writeFileSync(file, buildLookalike(DISTILBERT_SIZE_LOOKALIKE));
  return { file, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

function courseFeeds(): Record<string, ort.Tensor> {
  const tensor = (rows: readonly (readonly number[])[]) => new ort.Tensor("int64", BigInt64Array.from(rows.flat().map(BigInt)), [rows.length, rows[0].length]);
  return { input_ids: tensor(COURSE_INPUT_IDS), attention_mask: tensor(COURSE_ATTENTION_MASK) };
}

/** Result of `benchExposedVsPlain`: median milliseconds per forward pass. */
export interface ExposedVsPlain {
  readonly model: string;
  readonly runs: number;
  readonly plainMs: number;
  readonly exposedMs: number;
  readonly exposedOutputs: number;
  /** Every measured run (warm-up excluded), in milliseconds, for min/max. */
  readonly plainSamples: number[];
  readonly exposedSamples: number[];
  /** exposedMs / plainMs; the target is ≤ 1.15. */
  readonly ratio: number;
}

/**
 * Times the plain session (logits only) against the inspected one (logits + last_hidden_state + every
 * hidden state + every attention) on the course batch, interleaving runs so both see the same machine load.
 * `modelPath` defaults to a DistilBERT-size look-alike.
 */
export async function benchExposedVsPlain(options: { modelPath?: string; runs?: number; warmup?: number } = {}): Promise<ExposedVsPlain> {
  const runs = options.runs ?? 30;
  const warmup = options.warmup ?? 5;
  const generated = options.modelPath ? undefined : writeDistilbertSizeModel();
  const file = options.modelPath ?? generated!.file;
  try {
    const bytes = readModelBytes(file);
    const plain = await ort.InferenceSession.create(bytes);
    const exposed = await inspectModelBytes(bytes, { source: file });
    const feeds = courseFeeds();
    const time = async (run: () => Promise<unknown>) => {
      const start = performance.now();
      await run();
      return performance.now() - start;
    };
    for (let i = 0; i < warmup; i++) {
      await plain.run(feeds);
      await exposed.run(feeds);
    }
    const plainTimes: number[] = [];
    const exposedTimes: number[] = [];
    for (let i = 0; i < runs; i++) {
      plainTimes.push(await time(() => plain.run(feeds)));
      exposedTimes.push(await time(() => exposed.run(feeds)));
    }
    await plain.release();
    await exposed.session.release();
    const plainMs = median(plainTimes);
    const exposedMs = median(exposedTimes);
    return { model: options.modelPath ?? "DistilBERT-size look-alike", runs, plainMs, exposedMs, exposedOutputs: exposed.session.outputNames.length, plainSamples: plainTimes, exposedSamples: exposedTimes, ratio: exposedMs / plainMs };
  } finally {
    generated?.cleanup();
  }
}

/** Result of `benchEditLargeModel`. */
export interface EditLargeModel {
  readonly fileBytes: number;
  /** Read + decode + find structure + splice the outputs in. Target: < 1500 ms. */
  readonly editMs: number;
  /** Peak resident memory above what the process used before reading the file. Target: < 3 × fileBytes. */
  readonly extraBytes: number;
  readonly extraOverFile: number;
  /** Opening an onnxruntime session on the edited bytes (reported, not part of the target). */
  readonly sessionMs: number;
}

/** The measured edit, as inspectModel does it: read, decode, find, splice; then (timed apart) open a session. */
export async function inspectModelEdit(file: string): Promise<{ editMs: number; extraBytes: number; sessionMs: number }> {
  const before = process.memoryUsage().rss;
  const start = performance.now();
  const bytes = readModelBytes(file);
  const index = new ModelIndex(decodeModelBytes(bytes, file));
  const s = findStructure(index);
  const edited = exposeRefs(bytes, index, [s.logits, s.lastHiddenState, ...s.hiddenStates, ...s.attentions]);
  const editMs = performance.now() - start;
  const extraBytes = process.resourceUsage().maxRSS * 1024 - before;
  const sessionStart = performance.now();
  const session = await openSession(edited.bytes);
  const sessionMs = performance.now() - sessionStart;
  await session.release();
  return { editMs, extraBytes, sessionMs };
}

/** Edits a ~270 MB single-file model in a fresh child process and reports its time and memory. */
export async function benchEditLargeModel(options: { modelPath?: string } = {}): Promise<EditLargeModel> {
  const generated = options.modelPath ? undefined : writeDistilbertSizeModel();
  const file = options.modelPath ?? generated!.file;
  try {
    const fileBytes = statSync(file).size;
    const child = fork(join(__dirname, "inspect-edit-child.ts"), [file], { execArgv: ["--import", "tsx"], stdio: ["ignore", "inherit", "inherit", "ipc"] });
    const measured = await new Promise<{ editMs: number; extraBytes: number; sessionMs: number }>((resolve, reject) => {
      child.once("message", (m) => resolve(m as never));
      child.once("exit", (code) => reject(new Error(`the edit benchmark child exited with code ${code} before reporting`)));
    });
    child.kill();
    return { fileBytes, ...measured, extraOverFile: measured.extraBytes / fileBytes };
  } finally {
    generated?.cleanup();
  }
}

/** One line per figure, with the targets, for the bench CLI to print. */
export function formatInspectBench(a: ExposedVsPlain, b: EditLargeModel): string {
  const mb = (n: number) => `${(n / 2 ** 20).toFixed(0)} MB`;
  return [
    `inspect: exposed vs plain forward (${a.model}, course batch 2×16, ${a.exposedOutputs} outputs, median of ${a.runs}): ` +
      `${a.exposedMs.toFixed(1)} ms vs ${a.plainMs.toFixed(1)} ms = ${a.ratio.toFixed(3)}× (target ≤ 1.15×)`,
    `inspect: edit a ${mb(b.fileBytes)} model: ${b.editMs.toFixed(0)} ms (target < 1500 ms), extra memory ${mb(b.extraBytes)} = ` +
      `${b.extraOverFile.toFixed(2)}× the file (target < 3×); opening the edited session: ${b.sessionMs.toFixed(0)} ms`,
  ].join("\n");
}
