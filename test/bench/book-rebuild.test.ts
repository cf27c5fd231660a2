// The book-rebuild figure's bookkeeping: round order, the touched bytes, the log check, the scratch folder and the
// figure's verdict. No timing is asserted: the samples are given.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  alternateRounds, BENCH_TOOL, bookRebuildFigure, makeScratch, pickTouched, rebuildProblem, removeScratch, roundOrder, touchedBytes, type Side,
} from "../../scripts/bench/book-rebuild";
import { markerOf, markOutputDir } from "../../scripts/output-dir";
import { figuresTable, formatTarget, MAX_LINE_WIDTH, MIN_RUNS_FOR_VERDICT } from "../../scripts/bench/report";

test("rounds alternate which side goes first, and warm-up rounds are run but not kept", async () => {
  assert.deepEqual([0, 1, 2, 3].map(roundOrder), [["book", "alone"], ["alone", "book"], ["book", "alone"], ["alone", "book"]]);
  const calls: string[] = [];
  const samples = await alternateRounds({ runs: 3, warmup: 2 }, async (side: Side, round: number) => {
    calls.push(`${side}${round}`);
    return side === "book" ? 100 + round : 200 + round;
  });
  assert.deepEqual(calls, ["book0", "alone0", "alone1", "book1", "book2", "alone2", "alone3", "book3", "book4", "alone4"]);
  assert.deepEqual(samples, { book: [102, 103, 104], alone: [202, 203, 204] });
  await assert.rejects(alternateRounds({ runs: 0, warmup: 0 }, async () => 1), /runs must be an integer ≥ 1/);
});

test("every round's touched source differs from the round before and from the original, and is the same JSON", () => {
  for (const original of [Buffer.from('{"cells": []}\n'), Buffer.from('{"cells": []}')]) {
    const rounds = [original, ...[0, 1, 2, 3].map((round) => touchedBytes(original, round))];
    for (let i = 1; i < rounds.length; i++) {
      assert.ok(!rounds[i].equals(rounds[i - 1]), `round ${i - 1} must change the bytes executed before it`);
      assert.deepEqual(JSON.parse(rounds[i].toString()), JSON.parse(original.toString()));
    }
    assert.ok(!rounds[1].equals(original), "the first round differs from the fully built source");
  }
});

test("the touched notebook is the preferred one when the set has it, else the first", () => {
  assert.equal(pickTouched(["01-a.ipynb", "05-softmax.ipynb"], "05-softmax.ipynb"), "05-softmax.ipynb");
  assert.equal(pickTouched(["tiny.ipynb"], "05-softmax.ipynb"), "tiny.ipynb");
  assert.throws(() => pickTouched([], "x.ipynb"), /at least one notebook/);
});

test("a rebuild counts only when the book executed exactly the touched notebook", () => {
  const log = (count: number, names: string[]) =>
    `book: executing ${count} of 10 notebooks into /tmp/bench-book-x/executed:\n${names.map((n) => `  ${n}: the notebook changed after this copy was executed\n`).join("")}` +
    "  runner progress line: 3 cells\nbook: wrote 11 pages\n";
  assert.equal(rebuildProblem(log(1, ["05-softmax.ipynb"]), "05-softmax.ipynb", 10), null);
  assert.match(rebuildProblem(log(2, ["04-logits.ipynb", "05-softmax.ipynb"]), "05-softmax.ipynb", 10) ?? "", /executed 2 of 10 notebooks \(04-logits\.ipynb, 05-softmax\.ipynb\), not only 05-softmax/);
  assert.match(rebuildProblem(log(1, ["04-logits.ipynb"]), "05-softmax.ipynb", 10) ?? "", /not only 05-softmax/);
  assert.match(rebuildProblem(log(1, ["05-softmax.ipynb"]), "05-softmax.ipynb", 3) ?? "", /saw 10 notebooks, not the 3 copied/);
  assert.match(rebuildProblem("book: all 10 executed copies in x match their sources\n", "05-softmax.ipynb", 10) ?? "", /executed nothing after 05-softmax\.ipynb changed/);
});

test("the scratch folder is the bench's: deleted while it carries the bench's marker, otherwise left alone", (t) => {
  const parent = mkdtempSync(join(tmpdir(), "bench-book-test-"));
  t.after(() => rmSync(parent, { recursive: true, force: true }));
  const scratch = makeScratch(join(parent, "build"));
  assert.equal(markerOf(scratch), BENCH_TOOL);
  writeFileSync(join(scratch, "made.txt"), "x");
  assert.equal(removeScratch(scratch), true);
  assert.ok(!existsSync(scratch));

  const foreign = mkdtempSync(join(tmpdir(), "bench-book-test-"));
  t.after(() => rmSync(foreign, { recursive: true, force: true }));
  writeFileSync(join(foreign, "keep.txt"), "x");
  assert.equal(removeScratch(foreign), false, "no marker: not the bench's");
  markOutputDir(foreign, "npm run book");
  assert.equal(removeScratch(foreign), false, "another tool's marker");
  assert.ok(existsSync(join(foreign, "keep.txt")));
});

test("the figure compares the book's median with the notebook's alone, and gives a verdict only on enough runs", () => {
  const result = (runs: number, book: number, alone: number) => ({
    touched: "05-softmax.ipynb", notebooks: 10, firstBuildSeconds: 61.234,
    bookSeconds: Array.from({ length: runs }, (_, i) => book + i / 100), aloneSeconds: Array.from({ length: runs }, (_, i) => alone + i / 100),
  });
  const quick = bookRebuildFigure(result(1, 12, 10), "a one-cell notebook");
  assert.equal(quick.ratio, 12 / 10);
  assert.match(formatTarget(quick), /^ratio ≤ 1\.3\nnot enough runs\n\(n=1; needs 10\)$/);
  assert.deepEqual(quick.notes, { touched: "05-softmax.ipynb", notebooks: 10, firstBuildSeconds: 61.23 });

  const within = bookRebuildFigure(result(MIN_RUNS_FOR_VERDICT, 12, 10), "the workbook (10 notebooks)");
  assert.equal(formatTarget(within), "ratio ≤ 1.3 ✓");
  const over = bookRebuildFigure(result(MIN_RUNS_FOR_VERDICT, 14, 10), "the workbook (10 notebooks)");
  assert.equal(formatTarget(over), "ratio ≤ 1.3 ✗");
  for (const line of figuresTable([quick, within, over]).split("\n")) assert.ok([...line].length <= MAX_LINE_WIDTH, line);
});
