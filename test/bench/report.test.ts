import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { formatReport, makeFigure, writeFileAtomic, type BenchReport } from "../../scripts/bench/report";

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
    model: { real, kind: real ? "hub" : "fixture", name: real ? "Xenova/x" : "demo", banner: "" },
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
  assert.match(text, /offline demo fixture/);
  assert.match(text, /2 cores .*load average 3\.50 2\.00 1\.00 at start/);
  assert.match(text, /walkthrough.*by hand: 2\.00 ms.*pipeline\(\): 2\.00 ms.*1\.000×.*best runs 1\.000×/s);
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
