/**
 * Issue 14, items 5 and 8 (book), and contract 2: stale, failed, unproven, missing and orphaned copies; terminal
 * streams; markdown attachments; malformed tracebacks; answer cells folded in <details>.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { buildSite } from "../../scripts/book/site";
import { terminalText } from "../../scripts/book/terminal";
import { cleanCourse, DEMO_BANNER, failingCourse, HUB_BANNER, pageTools, runBook, writeCourse, writeSources } from "./fixture";
import { tempDir } from "../helpers/temp-dir";

const tmp = (t: { after: (fn: () => void) => void }) => {
  const dir = tempDir(t, "book-pages-");
  return dir;
};
const read = (dir: string, file: string) => fs.readFileSync(path.join(dir, file), "utf8");

type Json = Record<string, unknown>;
const nb = (cells: Json[]): Json => ({ nbformat: 4, nbformat_minor: 5, metadata: { kernelspec: { name: "tslab", display_name: "TypeScript" } }, cells });
const code = (count: unknown, source: string, outputs: Json[], metadata: Json = {}): Json => ({ cell_type: "code", id: `c${String(count)}`, execution_count: count, metadata, source, outputs });

test("--no-run: a stale copy is marked on its page and in the index, and the book exits 1", async (t) => {
  const dir = tmp(t);
  const course = cleanCourse();
  const notebooks = writeSources(path.join(dir, "notebooks"), course);
  const executed = writeCourse(path.join(dir, "executed"), course);
  fs.appendFileSync(path.join(notebooks, "02-attention.ipynb"), "\n");
  const out = path.join(dir, "book");
  const run = await runBook(t, ["--no-run", "--executed", executed, "--notebooks", notebooks, "--out", out]);
  assert.equal(run.status, 1, run.stderr);
  assert.match(run.stderr, /02-attention\.ipynb is marked out of date: the notebook changed after this copy was executed/);
  assert.match(read(out, "02-attention.html"), /<aside class="run-problems page-stale" role="alert"><strong>This page is out of date:<\/strong>/);
  assert.doesNotMatch(read(out, "01-softmax.html"), /page-stale/);
  assert.match(read(out, "index.html"), /02-attention\.html">.*?<\/a>.*\(out of date\)/);
});

test("--no-run: failed and unproven copies are marked; a clean book exits 0", async (t) => {
  const dir = tmp(t);
  const course = { ...cleanCourse(), ...failingCourse() };
  const notebooks = writeSources(path.join(dir, "notebooks"), course);
  const executed = writeCourse(path.join(dir, "executed"), course);
  writeCourse(executed, { "02-attention": course["02-attention"] }, { provenance: false });
  const out = path.join(dir, "book");
  const run = await runBook(t, ["--no-run", "--executed", executed, "--notebooks", notebooks, "--out", out]);
  assert.equal(run.status, 1);
  assert.match(run.stderr, /01-broken\.ipynb is marked as a failed run: its run failed \(In \[2\]\)/);
  assert.match(run.stderr, /02-attention\.ipynb is marked as not verified: its executed copy has no metadata\.workbook/);
  assert.match(read(out, "01-broken.html"), /page-failed/);
  assert.match(read(out, "02-attention.html"), /page-unproven/);

  const clean = cleanCourse();
  const cleanRun = await runBook(t, ["--no-run", "--executed", writeCourse(path.join(dir, "clean-executed"), clean), "--notebooks", writeSources(path.join(dir, "clean-notebooks"), clean), "--out", path.join(dir, "clean-book")]);
  assert.equal(cleanRun.status, 0, cleanRun.stderr);
  // Issue 20, item 7: the build log names each model once, not on every page's line.
  for (const banner of [DEMO_BANNER, HUB_BANNER]) assert.equal(cleanRun.stdout.split(banner).length - 1, 1, cleanRun.stdout);
  assert.doesNotMatch(read(path.join(dir, "clean-book"), "01-softmax.html"), /run-problems/);
});

test("a copy whose source was deleted is not published; a book of 1 of 3 notebooks says so and exits 1", async (t) => {
  const dir = tmp(t);
  const course = cleanCourse();
  const more = { "03-more": (cleanCourse()["01-softmax"]) };
  const notebooks = writeSources(path.join(dir, "notebooks"), { "01-softmax": course["01-softmax"], ...more, "04-extra": cleanCourse()["02-attention"] });
  const executed = writeCourse(path.join(dir, "executed"), course);
  const out = path.join(dir, "book");
  const run = await runBook(t, ["--no-run", "--executed", executed, "--notebooks", notebooks, "--out", out]);
  assert.equal(run.status, 1);
  assert.match(run.stderr, /warning: 02-attention\.ipynb left out: its source is not in/);
  assert.match(run.stderr, /03-more\.ipynb has no page: it has not been executed yet/);
  assert.ok(!fs.existsSync(path.join(out, "02-attention.html")), "the orphan is not published");
  const index = read(out, "index.html");
  assert.match(index, /This book is incomplete:<\/strong> 2 of 3 notebooks have no executed copy/);
  assert.doesNotMatch(index, /02-attention/);
});

test("terminal streams: \\r frames collapse, OSC-8 links show their text, other escape codes are removed", () => {
  assert.equal(terminalText("  0%|          |\r 50%|#####     |\r100%|##########|\ndone\n"), "100%|##########|\ndone\n");
  assert.equal(terminalText("downloading 10%\rdownloading 100%\r\n"), "downloading 100%\n");
  assert.equal(terminalText("see \u001b]8;;https://example.org/docs\u0007the docs\u001b]8;;\u0007 now"), "see the docs now");
  assert.equal(terminalText("see \u001b]8;id=1;https://example.org\u001b\\here\u001b]8;;\u001b\\."), "see here.");
  assert.equal(terminalText("\u001b[1;31mred\u001b[0m \u001b]0;window title\u0007\u001b(B\u001b=ok\u0007\u0000"), "red ok");
  assert.equal(terminalText("abc\bd"), "abd");
});

test("a cell's stream output on the page: progress frames collapsed, no escape byte left", async (t) => {
  const dir = tmp(t);
  const executed = writeCourse(path.join(dir, "executed"), {
    "01-progress": nb([code(1, "progress()", [
      { output_type: "stream", name: "stdout", text: ["step 1/3\r", "step 2/3\r", "step 3/3\n"] },
      { output_type: "stream", name: "stderr", text: ["\u001b]8;;https://example.org\u0007a link\u001b]8;;\u0007 and \u001b[33mcolour\u001b[0m\n"] },
    ])]),
  });
  const site = await buildSite(executed, path.join(dir, "book"), { tools: pageTools });
  const page = read(site.outDir, "01-progress.html");
  assert.match(page, /<pre class="output-stdout">step 3\/3\n<\/pre>/);
  assert.match(page, /<pre class="output-stderr">a link and colour\n<\/pre>/);
  assert.doesNotMatch(page, /\u001b|\]8;;/);
});

test("markdown attachments are shown as data: images; a missing or non-image attachment is named, not linked", async (t) => {
  const dir = tmp(t);
  const png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";
  const executed = writeCourse(path.join(dir, "executed"), {
    "01-pictures": nb([{
      cell_type: "markdown", id: "m", metadata: {},
      source: "# Pictures\n\n![a dot](attachment:dot%20one.png) ![page](attachment:page.html) ![gone](attachment:missing.png)",
      attachments: { "dot one.png": { "image/png": png }, "page.html": { "text/html": "<script>alert(1)</script>" } },
    }]),
  });
  const site = await buildSite(executed, path.join(dir, "book"), { tools: pageTools });
  const page = read(site.outDir, "01-pictures.html");
  assert.match(page, new RegExp(`<img src="data:image/png;base64,${png.replace(/[+/]/g, "\\$&")}" alt="a dot">`));
  assert.match(page, /page \(attachment page\.html not shown\)/);
  assert.match(page, /gone \(attachment missing\.png not shown\)/);
  assert.doesNotMatch(page, /attachment:/);
});

test("a malformed traceback or cell names its notebook and cell; the rest of the book is built", async (t) => {
  const dir = tmp(t);
  const executed = writeCourse(path.join(dir, "executed"), {
    ...cleanCourse(),
    "03-odd": nb([
      code(1, "a()", [{ output_type: "error", ename: "TypeError", evalue: "a is not a function", traceback: "not a list" }]),
      code(2, "b()", [{ output_type: "error", ename: 42, evalue: null, traceback: [1, { x: 2 }] }]),
      code(3, "c()", [{ output_type: "stream", name: "stdout", text: 7 }]),
      { cell_type: "code", id: "bad", execution_count: 4, metadata: {}, source: "d()", outputs: "not a list" },
    ]),
  });
  const site = await buildSite(executed, path.join(dir, "book"), { tools: pageTools });
  assert.ok(site.pages.includes("01-softmax.html") && site.pages.includes("03-odd.html"));
  const page = read(site.outDir, "03-odd.html");
  assert.match(page, /<pre class="output-error">not a list<\/pre>/);
  assert.match(page, /<pre class="output-error">Error: <\/pre>/);
  const issues = site.issues.filter((i) => i.slug === "03-odd");
  assert.deepEqual(issues.map((i) => i.cell), [1, 2, 4]);
  assert.match(issues[2].problem, /^could not be shown \(/);
  assert.match(page, /<section class="cell problem" id="cell-4"><p class="cell-problem">This cell could not be shown: /);
});

test("answer cells (contract 2) are folded in <details> with their outputs", async (t) => {
  const dir = tmp(t);
  const executed = writeCourse(path.join(dir, "executed"), {
    "01-exercise": nb([
      { cell_type: "markdown", id: "ex", metadata: {}, source: "# Exercise\n\nPrint the label." },
      code(1, 'console.log("POSITIVE")', [{ output_type: "stream", name: "stdout", text: "POSITIVE\n" }],
        { tags: ["answer"], jupyter: { source_hidden: true, outputs_hidden: true } }),
      code(2, "1 + 1", [{ output_type: "execute_result", execution_count: 2, metadata: {}, data: { "text/plain": "2" } }]),
    ]),
  });
  const site = await buildSite(executed, path.join(dir, "book"), { tools: pageTools });
  const page = read(site.outDir, "01-exercise.html");
  const details = /<details><summary>Show the answer<\/summary>([\s\S]*?)<\/details>/.exec(page);
  assert.ok(details, "the answer is folded");
  assert.match(details[1], /POSITIVE\n<\/pre>/, "its output is inside the fold");
  assert.match(details[1], /console/, "its source is inside the fold");
  assert.equal(page.match(/<details>/g)?.length, 1, "the ordinary cell is not folded");
});

test("the contents do not number a title twice, and long output lines wrap instead of scrolling", async (t) => {
  const dir = tmp(t);
  const executed = writeCourse(path.join(dir, "executed"), {
    "01-numbered": nb([{ cell_type: "markdown", id: "m", metadata: {}, source: "# 1 · The pipeline in one call" }]),
    "02-plain": nb([{ cell_type: "markdown", id: "m", metadata: {}, source: "# Tokens" }]),
  });
  const site = await buildSite(executed, path.join(dir, "book"), { tools: pageTools });
  const index = read(site.outDir, "index.html");
  assert.match(index, /<a href="01-numbered\.html">1 · The pipeline in one call<\/a>/);
  assert.match(index, /<a href="02-plain\.html"><span class="toc-number">2\.<\/span> Tokens<\/a>/);
  assert.match(read(site.outDir, "assets/book.css"), /\.outputs pre \{[^}]*white-space: pre-wrap;[^}]*overflow-wrap: anywhere/);
});
