import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  figuresTable, formatReport, formatTarget, makeFigure, MAX_LINE_WIDTH, MIN_RUNS_FOR_VERDICT, throughputTable, writeFileAtomic, type BenchReport,
} from "../../scripts/bench/report";

test("a figure summarises both sides and its ratio is measured median over peer median", () => {
  const figure = makeFigure({
    id: "x", title: "x", unit: "ms", better: "lower",
    subject: { label: "a", samples: [12, 10, 11] },
    peer: { label: "b", samples: [20, 22, 21] },
    target: { of: "ratio", max: 0.5 },
  });
  assert.deepEqual(figure.subject, { label: "a", median: 11, min: 10, max: 12, runs: 3 });
  assert.equal(figure.ratio, 11 / 21);
  assert.equal(figure.bestCaseRatio, 10 / 20, "best runs of a time: the minimums");
  assert.equal(figure.target?.met, false);
});

test("a target gets ✓ or ✗ only on medians of enough runs on every side it compares; otherwise \"not enough runs\"", () => {
  const runs = (n: number, value: number) => Array.from({ length: n }, (_, i) => value + i * 0.01);
  const ratio = (subjectRuns: number, peerRuns: number) => makeFigure({
    id: "r", title: "r", unit: "ms", better: "lower",
    subject: { label: "a", samples: runs(subjectRuns, 1) }, peer: { label: "b", samples: runs(peerRuns, 2) }, target: { of: "ratio", max: 0.7 },
  });
  assert.equal(formatTarget(ratio(MIN_RUNS_FOR_VERDICT, MIN_RUNS_FOR_VERDICT)), "ratio ≤ 0.7 ✓");
  for (const [a, b] of [[MIN_RUNS_FOR_VERDICT - 1, MIN_RUNS_FOR_VERDICT], [MIN_RUNS_FOR_VERDICT, 3], [1, 1]]) {
    const figure = ratio(a, b);
    assert.equal(figure.target?.enoughRuns, false, `${a} and ${b} runs`);
    assert.doesNotMatch(formatTarget(figure), /[✓✗]/, `${a} and ${b} runs`);
    assert.match(formatTarget(figure), /not enough runs/);
  }
  const slow = makeFigure({ id: "m", title: "m", unit: "ms", better: "lower", subject: { label: "edit", samples: runs(MIN_RUNS_FOR_VERDICT, 2000) }, target: { of: "median", max: 1500 } });
  assert.equal(formatTarget(slow), "≤ 1500.0 ms ✗", "a median target needs enough runs of the subject only");
});

test("both tables and every line of the report fit 100 columns, however long the titles and numbers", () => {
  const long = makeFigure({
    id: "long", title: "the workbook (10 notebooks): wall time, runner vs nbclient (process start to exit, same tslab kernel)", unit: "ms", better: "lower",
    subject: { label: "npm run workbook's runner", samples: [123456.7, 234567.8, 345678.9] },
    peer: { label: "Debian's nbclient", samples: [223456.7, 334567.8, 445678.9] }, target: { of: "ratio", max: 0.7 },
  });
  const wide = makeFigure({
    id: "throughput-b64", title: "t", unit: "sentences/s", better: "higher",
    subject: { label: "sorted", samples: [123456, 234567] }, peer: { label: "plain", samples: [123456, 234567] },
    notes: { batchSize: 1024, sentences: 100000, plainPadding: 12345678, sortedPadding: 1234567, paddingSaved: 11111111 },
  });
  const base = report(false);
  const text = [figuresTable([long, ...base.figures]), throughputTable([wide]), formatReport({
    ...base,
    machine: { ...base.machine, cpuModel: "Intel(R) Xeon(R) Platinum 8370C CPU @ 2.80GHz with a very long model name" },
    figures: [long, wide, ...base.figures],
  })].join("\n");
  const tooWide = text.split("\n").filter((line) => [...line].length > MAX_LINE_WIDTH);
  assert.deepEqual(tooWide, []);
  assert.match(text, /│ workbook's\s+│/, "long labels wrap");
  assert.doesNotMatch(text, /…/, "nothing is cut off");
  assert.match(text, /not enough runs/);
});

test("for a throughput the best runs are the maximums", () => {
  const figure = makeFigure({ id: "t", title: "t", unit: "sentences/s", better: "higher", subject: { label: "a", samples: [300, 400] }, peer: { label: "b", samples: [100, 200] } });
  assert.equal(figure.bestCaseRatio, 2);
});

test("a target on the median is checked against the measured side; a ratio target needs a peer", () => {
  const figure = makeFigure({ id: "e", title: "e", unit: "ms", better: "lower", subject: { label: "edit", samples: [900] }, target: { of: "median", max: 1500 } });
  assert.equal(figure.ratio, null);
  assert.equal(figure.target?.met, true);
  assert.throws(
    () => makeFigure({ id: "r", title: "r", unit: "ms", better: "lower", subject: { label: "a", samples: [1] }, target: { of: "ratio", max: 1 } }),
    /figure r: a target on the ratio needs a peer/,
  );
});

function report(real: boolean): BenchReport {
  return {
    schema: 1, createdAt: "", command: "npm run bench", mode: "full",
    machine: { cores: 2, cpuModel: "cpu", totalMemoryBytes: 1, platform: "linux", arch: "x64", loadAverage: { start: [3.5, 2, 1], end: [4, 2, 1] } },
    versions: { node: "20", onnxruntimeNode: "1.30.0", transformers: "4.3.1", tslab: "1.0.22", python: null, nbclient: null },
    model: { real, kind: real ? "hub" : "demo", name: real ? "Xenova/x" : "demo", banner: "" },
    repeats: {},
    figures: [
      makeFigure({ id: "walk", title: "walkthrough", unit: "ms", better: "lower", subject: { label: "by hand", samples: [2] }, peer: { label: "pipeline()", samples: [2] } }),
      makeFigure({
        id: "throughput-b4", title: "b4", unit: "sentences/s", better: "higher",
        subject: { label: "sorted", samples: [300] }, peer: { label: "plain", samples: [200] },
        notes: { batchSize: 4, sentences: 24, plainPadding: 655, sortedPadding: 143, paddingSaved: 512 },
      }),
    ],
    skipped: [{ id: "runner-vs-nbclient", reason: "no nbclient" }],
  };
}

test("the printed report says which model, the load, each figure, the throughput table and what was skipped", () => {
  const text = formatReport(report(false));
  assert.match(text, /offline demo model/);
  assert.match(text, /2 cores .*load average 3\.50 2\.00 1\.00 at start/);
  assert.match(text, /walkthrough.*by hand:.*pipeline\(\):.*1\.000×.*│\s+2\.00 ms\s+│\s+2\.00 ms\s+│.*best:.*1\.000×/s);
  assert.match(text, /│\s+4 │\s+200 \(200–200\) │\s+300 \(300–300\) │\s+1\.50× │\s+1\.50× │\s+655 │\s+143 │\s+512 │/);
  assert.match(text, /skipped runner-vs-nbclient: no nbclient/);
  assert.match(formatReport(report(true)), /real checkpoint — Xenova\/x/);
});

test("writeFileAtomic replaces the file whole and leaves no temporary file behind", (t) => {
  const dir = mkdtempSync(join(tmpdir(), "bench-report-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, "nested", "bench.json");
  writeFileAtomic(file, "first");
  writeFileAtomic(file, "second");
  assert.equal(readFileSync(file, "utf8"), "second");
  assert.deepEqual(readdirSync(join(dir, "nested")), ["bench.json"]);
});

test("writeFileAtomic names the path and the fix when it cannot write", (t) => {
  const dir = mkdtempSync(join(tmpdir(), "bench-report-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const blocker = join(dir, "file");
  writeFileSync(blocker, "");
  assert.throws(() => writeFileAtomic(join(blocker, "bench.json"), "x"), /cannot write .*file\/bench\.json .*--out/);
  assert.equal(existsSync(join(blocker, "bench.json")), false);
});
