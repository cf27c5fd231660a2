// The notebooks' course-figure branches (`if (courseCheckpoint) checkClose(…, COURSE_…, …)`) run only on the real
// checkpoint, so CI's offline runs never reach them. Here the demo model is served as the course's checkpoint from a
// local fake Hub (HF_ENDPOINT), downloads go to a temporary WORKBOOK_HF_CACHE (never build/hf-cache, where a later
// online run would take the demo for the real checkpoint), and each notebook with such a branch runs on the
// real-checkpoint path: every check that holds for any model passes, and the first course-figure check fails,
// because the demo's numbers are not the course's. That failure proves the branch runs and compares something.
// Notebook 07 has no such branch (its T5 checks hold for any model); its Hub loader is covered by test/t5/load.test.ts.
// The notebooks run one after another on one kernel (test/helpers/one-kernel.ts), each to its own failure: a kernel
// each costs almost three times the CPU, and that each runs alone is shown by the shared workbook run.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { CellExecutionError, readNotebook, type CodeCell, type Notebook, type NotebookOutcome } from "../../scripts/runner";
import { chooseModel, hubCacheDir, loadSentimentModel, modelBanner, ONNX_FILES, projectRoot } from "../../src/model";
import { SENTIMENT_DEMO_MODEL_NAME } from "../../src/demo-models";
import { COURSE_CHECKPOINT, COURSE_LOGITS, COURSE_PROBABILITIES, COURSE_RESULT, COURSE_SENTENCES } from "../../src/course";
import { softmax } from "../../src/tensor";
import { wrapText } from "../../src/plot";
import { serveAsHub, type LocalHub } from "../helpers/local-hub";
import { demoModel } from "../helpers/demo-model";
import { assertEachRanAlone, runOnOneKernel } from "../helpers/one-kernel";

const notebooksDir = path.join(projectRoot(), "notebooks");
const BRANCH = "if (courseCheckpoint)";

/** Every notebook that compares with the course's figures on the real checkpoint. */
const names = fs.readdirSync(notebooksDir).filter((n) => n.endsWith(".ipynb") && !n.startsWith(".")).sort()
  .filter((n) => /usesCourseCheckpoint\(|\.isCourseCheckpoint\b/.test(fs.readFileSync(path.join(notebooksDir, n), "utf8")));

/** The first course-figure check of a notebook, as its source writes it. */
interface Branch {
  /** Index of the cell holding it in `notebook.cells`. */
  cellIndex: number;
  /** Code cells before that cell: all must have run. */
  codeCellsBefore: number;
  /** Checks in that cell before the branch, as statements of their own (a checkAll group counts once): one ✓ line each. */
  checksBefore: number;
  /** The check's `what`, its tolerance, and the course figure it compares with (a COURSE_* constant). */
  what: string;
  tolerance: number;
  figure: string;
}

function branchOf(name: string, notebook: Notebook): Branch {
  const cellIndex = notebook.cells.findIndex((cell) => cell.cell_type === "code" && cell.source.includes(BRANCH));
  assert.ok(cellIndex >= 0, `${name} asks whether it runs the course's checkpoint but has no "${BRANCH}" cell`);
  const source = notebook.cells[cellIndex].source;
  const at = source.indexOf(BRANCH);
  const call = /^if \(courseCheckpoint\)\s*\{?\s*checkClose\(([\s\S]*?), ([\d.e+-]+), "([^"]+)"\);/.exec(source.slice(at));
  assert.ok(call, `${name}: the course branch of cell ${cellIndex + 1} is not a checkClose(actual, COURSE_…, tolerance, "what") this test knows`);
  const figure = /\bCOURSE_[A-Z_]+\b/.exec(call[1])?.[0];
  assert.ok(figure, `${name}: the course branch compares with no COURSE_* figure`);
  return {
    cellIndex,
    codeCellsBefore: notebook.cells.slice(0, cellIndex).filter((cell) => cell.cell_type === "code" && cell.source.trim() !== "").length,
    checksBefore: (source.slice(0, at).match(/^check(?:All|Close|Equal|Shape)?\(/gm) ?? []).length,
    what: call[3],
    tolerance: Number(call[2]),
    figure,
  };
}

/** The course's figures, flat, as each branch compares them. */
const courseFigures: Record<string, number[]> = {
  COURSE_LOGITS: COURSE_LOGITS.flat(),
  COURSE_PROBABILITIES: COURSE_PROBABILITIES.flat(),
  COURSE_RESULT: COURSE_RESULT.map((r) => r.score),
};
/** The same figures computed here from the demo model (the files the fake Hub serves). */
let demoFigures: Record<string, number[]> = {};

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const textOf = (cell: CodeCell, stream: "stdout" | "stderr") =>
  cell.outputs.map((o) => (o.output_type === "stream" && o.name === stream ? o.text : "")).join("");

/**
 * The Hub namespace test/model/hub.test.ts downloads into build/hf-cache on purpose (its test of the default
 * cache), possibly while this file runs; everything else in build/hf-cache must stay as it was.
 */
const HUB_TEST_NAMESPACE = "workbook-test";

/** Every file under `dir` but the hub test's namespace, with its size and mtime, to see that nothing was written there. */
function snapshot(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  const files = (fs.readdirSync(dir, { recursive: true }) as string[]).filter((file) => file.split(path.sep)[0] !== HUB_TEST_NAMESPACE);
  return files.sort().map((file) => {
    const stat = fs.statSync(path.join(dir, file));
    return `${file} ${stat.isDirectory() ? "dir" : stat.size} ${stat.mtimeMs}`;
  });
}

let hub: LocalHub;
let cacheDir: string;
let env: NodeJS.ProcessEnv;
let outcomes: NotebookOutcome[] = [];
const notebooks = new Map<string, Notebook>();
const buildCacheBefore = snapshot(hubCacheDir({}));
let buildCacheAfter: string[] = [];
let seconds = 0;

before(async () => {
  const modelDir = demoModel(SENTIMENT_DEMO_MODEL_NAME);
  hub = await serveAsHub(COURSE_CHECKPOINT, modelDir);
  cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), "workbook-course-branch-"));
  env = { ...process.env, HF_ENDPOINT: hub.endpoint, WORKBOOK_HF_CACHE: cacheDir };
  for (const name of ["WORKBOOK_MODEL", "HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE"]) delete env[name];

  const inputs = await Promise.all(names.map(async (name) => {
    const file = path.join(notebooksDir, name);
    const notebook = await readNotebook(file);
    notebooks.set(name, notebook);
    return { path: file, notebook };
  }));
  const started = performance.now();
  outcomes = await runOnOneKernel(inputs, { env, timeout: 180 });
  seconds = (performance.now() - started) / 1000;
  buildCacheAfter = snapshot(hubCacheDir({}));

  const demo = await loadSentimentModel({ env: { WORKBOOK_MODEL: "offline" } });
  const inputsOfDemo = await demo.tokenizer([...COURSE_SENTENCES], { padding: true, truncation: true });
  const { logits } = await demo.model(inputsOfDemo);
  const predictions = (await demo.classifier([...COURSE_SENTENCES])) as { score: number }[];
  demoFigures = {
    COURSE_LOGITS: Array.from(logits.data as Float32Array),
    COURSE_PROBABILITIES: Array.from(softmax(logits).data as Float32Array),
    COURSE_RESULT: predictions.map((p) => p.score),
  };
  await demo.model.dispose();
});

after(async () => {
  await hub?.close();
  if (cacheDir) fs.rmSync(cacheDir, { recursive: true, force: true });
});

test("the notebooks with a course branch are found, and run on the served checkpoint, one after another on one kernel", () => {
  for (const name of ["01-pipeline.ipynb", "04-logits.ipynb", "05-softmax.ipynb", "06-postprocess.ipynb", "08-getting-logits-out.ipynb"]) {
    assert.ok(names.includes(name), `${name} has a course branch`);
  }
  assert.equal(outcomes.length, names.length);
  console.log(`# course branches: ${outcomes.map((o) => `${path.basename(o.path)} ${o.seconds.toFixed(1)} s`).join(", ")}; all ${seconds.toFixed(1)} s`);
});

test("each of these notebooks ran to its end on a kernel of its own (the shared workbook run): none needs another's names", async () => {
  await assertEachRanAlone(names);
});

test("the checkpoint came from the fake Hub into WORKBOOK_HF_CACHE; build/hf-cache was not touched", () => {
  assert.ok(hub.requests.includes(`GET /${COURSE_CHECKPOINT}/resolve/main/${ONNX_FILES.fp32}`), "the ONNX file was downloaded from HF_ENDPOINT");
  for (const file of ["config.json", "tokenizer.json", "tokenizer_config.json", ONNX_FILES.fp32]) {
    assert.ok(fs.existsSync(path.join(cacheDir, ...COURSE_CHECKPOINT.split("/"), file)), `${file} is in WORKBOOK_HF_CACHE`);
  }
  assert.deepEqual(buildCacheAfter, buildCacheBefore, "nothing was written to build/hf-cache");
});

for (const name of names) {
  test(`${name}: on the course's checkpoint, every model-independent check passes and the first course figure is compared (and differs for the demo)`, () => {
    const outcome = outcomes.find((o) => path.basename(o.path) === name);
    assert.ok(outcome, `${name} was not run`);
    const branch = branchOf(name, notebooks.get(name)!);
    const error = outcome.error;
    assert.ok(error instanceof CellExecutionError, `${name} should fail at its course check, got ${error ? `${error.name}: ${error.message}` : "no error"}`);
    assert.equal(error.cellIndex, branch.cellIndex, `${name} stopped in cell ${error.cellIndex + 1}, not at its course branch (cell ${branch.cellIndex + 1}):\n${error.message}`);
    assert.equal(outcome.cellsRun, branch.codeCellsBefore, "every code cell before the branch ran");

    // The check's own message: what was compared, at which element, and the largest difference.
    const failure = new RegExp(
      `CheckFailedError: check failed: ${escape(branch.what)}: element (\\d+) is (\\S+), expected (\\S+) \\(difference (\\S+) > ${escape(String(branch.tolerance))}\\)`,
    ).exec(error.stderr);
    assert.ok(failure, `${name}: the failure is the course check "${branch.what}", not something else:\n${error.stderr}`);
    const [element, actual, expected, difference] = [Number(failure[1]), Number(failure[2]), Number(failure[3]), failure[4]];
    const course = courseFigures[branch.figure];
    const demo = demoFigures[branch.figure];
    assert.ok(course && demo, `${name}: no figures for ${branch.figure} in this test; add them to courseFigures and demoFigures`);
    assert.equal(demo.length, course.length);
    const differences = demo.map((v, i) => Math.abs(v - course[i]));
    assert.equal(element, differences.indexOf(Math.max(...differences)), "it names the element that differs most");
    assert.equal(expected, course[element], `the expected value is ${branch.figure}[${element}]`);
    assert.ok(Math.abs(actual - demo[element]) <= 1e-6, `the actual value ${actual} is the demo model's (${demo[element]})`);
    assert.equal(difference, Math.abs(actual - expected).toExponential(2));
    assert.ok(Number(difference) > branch.tolerance);

    const notebook = error.notebook;
    assert.ok(notebook, "the runner kept the outputs up to the failure");
    const cells = notebook.cells.map((cell, index) => ({ cell, index })).filter((c): c is { cell: CodeCell; index: number } => c.cell.cell_type === "code");
    const [first] = cells;
    const banner = wrapText(modelBanner(chooseModel(env)));
    assert.ok(banner.includes(COURSE_CHECKPOINT) && !/demo/.test(banner), banner);
    assert.ok(textOf(first.cell, "stdout").startsWith(`${banner}\n`), `the banner names the Hub checkpoint:\n${textOf(first.cell, "stdout")}`);
    for (const { cell, index } of cells.filter((c) => c.index < branch.cellIndex)) {
      assert.equal(textOf(cell, "stderr"), "", `cell ${index + 1} wrote to stderr`);
      assert.doesNotMatch(textOf(cell, "stdout"), /check failed|offline demo model/, `cell ${index + 1}`);
    }
    const stopped = cells.find((c) => c.index === branch.cellIndex)!.cell;
    const passed = textOf(stopped, "stdout").split("\n").filter((line) => line.startsWith("✓ "));
    assert.equal(passed.length, branch.checksBefore, `the ${branch.checksBefore} checks before the branch passed:\n${passed.join("\n")}`);
    assert.doesNotMatch(textOf(stopped, "stdout"), /offline demo model/, "the offline branch did not run");
    for (const { cell, index } of cells.filter((c) => c.index > branch.cellIndex)) assert.deepEqual(cell.outputs, [], `cell ${index + 1} did not run`);
  });
}

test("08-getting-logits-out.ipynb: the softmax-ended sentiment network is the Hub checkpoint's file with a Softmax appended", () => {
  const error = outcomes.find((o) => path.basename(o.path) === "08-getting-logits-out.ipynb")?.error;
  assert.ok(error instanceof CellExecutionError && error.notebook);
  const banner = textOf(error.notebook.cells[1] as CodeCell, "stdout");
  const file = path.join(cacheDir, ...COURSE_CHECKPOINT.split("/"), ONNX_FILES.fp32);
  assert.match(banner, new RegExp(`^  sentiment: ${escape(file)} with a Softmax appended in memory$`, "m"));
});
