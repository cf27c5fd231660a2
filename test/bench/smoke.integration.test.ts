// A smoke run of `npm run bench -- --quick` so the bench cannot rot: it must run end to end and write a
// well-formed report. Timings are the bench's business, not the tests': only their shape is checked here.
import { before, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { packageVersion } from "../../scripts/bench/environment";
import { nbclientProblem, DEFAULT_PYTHON } from "../../scripts/bench/notebooks";
import type { BenchReport, Figure } from "../../scripts/bench/report";

const ROOT = resolve(__dirname, "../..");
const work = mkdtempSync(join(tmpdir(), "bench-smoke-"));
const out = join(work, "out", "bench.json");
process.on("exit", () => rmSync(work, { recursive: true, force: true }));

let run: { code: number | null; stdout: string; stderr: string };
let report: BenchReport;

before(async () => {
  const child = spawn(process.execPath, ["--import", "tsx", "scripts/bench/main.ts", "--quick", "--out", out], {
    cwd: ROOT,
    env: { ...process.env, WORKBOOK_MODEL: "offline" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((done) => child.once("close", done));
  run = { code, stdout, stderr };
  if (code === 0) report = JSON.parse(readFileSync(out, "utf8")) as BenchReport;
});

const figure = (id: string): Figure => {
  const found = report.figures.find((f) => f.id === id);
  assert.ok(found, `figure ${id} is in the report (have: ${report.figures.map((f) => f.id).join(", ")}; skipped: ${JSON.stringify(report.skipped)})`);
  return found;
};

test("the quick bench exits 0, prints its table and names the model it measured", () => {
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /Model: offline demo model/);
  assert.match(run.stdout, /│ course batch: hand-made\s+│[^\n]*\n│ walkthrough vs pipeline\(\)\s+│/, "the title wraps inside its column");
  assert.ok(run.stdout.split("\n").every((line) => [...line].length <= 100), "every line fits 100 columns");
  assert.match(run.stdout, /written: .*bench\.json/);
});

test("the JSON lands where --out says, written whole (no temporary file left)", () => {
  assert.deepEqual(readdirSync(join(work, "out")), ["bench.json"]);
  assert.equal(report.schema, 1);
  assert.equal(report.mode, "quick");
});

test("the machine and versions are recorded: cores, load average, Node, onnxruntime, transformers.js", () => {
  assert.ok(Number.isInteger(report.machine.cores) && report.machine.cores >= 1);
  for (const load of [report.machine.loadAverage.start, report.machine.loadAverage.end]) {
    assert.equal(load.length, 3);
    assert.ok(load.every((v) => Number.isFinite(v) && v >= 0));
  }
  assert.equal(report.versions.node, process.versions.node);
  assert.equal(report.versions.onnxruntimeNode, packageVersion("onnxruntime-node"));
  assert.equal(report.versions.transformers, packageVersion("@huggingface/transformers"));
  assert.deepEqual([report.model.real, report.model.kind], [false, "demo"]);
});

test("every figure has median, min and max over its runs, and a finite positive ratio where it has a peer", () => {
  for (const f of report.figures) {
    for (const side of f.peer ? [f.subject, f.peer] : [f.subject]) {
      assert.ok(side.runs >= 1 && side.min <= side.median && side.median <= side.max, `${f.id} ${side.label}: ${JSON.stringify(side)}`);
      assert.ok(side.min >= 0, `${f.id} ${side.label}: min ${side.min}`);
    }
    if (f.peer) {
      assert.ok(typeof f.ratio === "number" && Number.isFinite(f.ratio) && f.ratio > 0, `${f.id}: ratio ${f.ratio}`);
      assert.ok(Math.abs(f.ratio - f.subject.median / f.peer.median) < 1e-9, `${f.id}: ratio is measured / peer`);
      assert.ok(typeof f.bestCaseRatio === "number" && Number.isFinite(f.bestCaseRatio) && f.bestCaseRatio > 0, `${f.id}: best-case ratio ${f.bestCaseRatio}`);
    } else {
      assert.deepEqual([f.ratio, f.bestCaseRatio], [null, null], `${f.id}: no peer, no ratio`);
    }
  }
});

test("each required figure is there, with its peer", () => {
  assert.equal(figure("walkthrough-vs-pipeline").peer?.label, "pipeline()");
  assert.equal(figure("walkthrough-vs-pipeline").target?.max, 1.05);
  assert.equal(figure("inspect-vs-plain").target?.max, 1.15);
  assert.equal(figure("tokenizer").unit, "sentences/s");
  for (const id of ["lens-vs-forward", "occlusion-vs-forward", "shapley-vs-forward"]) assert.equal(figure(id).peer?.label, "forward pass", id);
  assert.ok(Number(figure("occlusion-vs-forward").notes.variants) > 2, "occlusion scores more than the two sentences");
  for (const size of [1, 4]) {
    const t = figure(`throughput-b${size}`);
    assert.equal(t.peer?.label, "plain");
    assert.ok(Number(t.notes.sortedPadding) <= Number(t.notes.plainPadding), `batch ${size}: sorting saves padding`);
  }
  assert.equal(figure("throughput-b1").notes.plainPadding, 0, "a batch of one needs no padding");
});

test("the runner is measured against nbclient when nbclient is installed, and skipped with a reason otherwise", () => {
  const problem = nbclientProblem(process.env.PYTHON || DEFAULT_PYTHON);
  for (const id of ["runner-vs-nbclient", "kernel-start", "workbook-peak-rss"]) {
    const f = figure(id);
    assert.equal(f.peer?.label ?? null, problem ? null : "nbclient", `${id}: ${problem ?? "nbclient present"}`);
  }
  if (problem) assert.ok(report.skipped.some((s) => s.id === "runner-vs-nbclient"));
  assert.ok(figure("workbook-peak-rss").subject.median > 50, "a tslab kernel and the runner take more than 50 MB");
});

test("the book is rebuilt after touching the one notebook and timed against that notebook alone; its scratch folder is gone", () => {
  const f = figure("book-rebuild");
  assert.deepEqual([f.subject.label, f.peer?.label, f.target?.max, f.target?.enoughRuns], ["book", "alone", 1.3, false]);
  assert.deepEqual([f.notes.touched, f.notes.notebooks], ["tiny.ipynb", 1]);
  assert.deepEqual(report.repeats.book, { runs: 1, warmup: 0 });
  const left = readdirSync(join(ROOT, "build")).filter((name) => name.startsWith(".bench-book-"));
  assert.deepEqual(left, [], "the bench deletes the scratch folder it made");
});
