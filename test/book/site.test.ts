import { after, test, type TestContext } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { assessCopies } from "../../scripts/book/freshness";
import { plotlyBundlePath } from "../../src/plot/plotly-bundle";
import { createMarkdown } from "../../scripts/book/markdown";
import { detectModel } from "../../scripts/book/model-note";
import { isFailureText } from "../../scripts/book/problems";
import { buildSite } from "../../scripts/book/site";
import { cleanCourse, DEMO_BANNER, failingCourse, HUB_BANNER, pageTools, runBook, sourceText, writeCourse, writeSources } from "./fixture";
import { tempDir } from "../helpers/temp-dir";

const newDir = () => fs.mkdtempSync(path.join(os.tmpdir(), "book-test-"));
/** A fresh folder for one test, removed when it ends (passed or failed). */
const tmp = (t: TestContext) => tempDir(t, "book-test-");
const read = (dir: string, file: string) => fs.readFileSync(path.join(dir, file), "utf8");

/** The site of the clean course, built once for the tests that only read it. */
let cleanBuild: ReturnType<typeof buildSite> | undefined;
let cleanDir: string | undefined;
function cleanSite(): ReturnType<typeof buildSite> {
  cleanDir ??= newDir();
  cleanBuild ??= buildSite(writeCourse(path.join(cleanDir, "executed"), cleanCourse()), path.join(cleanDir, "book"), { tools: pageTools });
  return cleanBuild;
}
after(() => {
  if (cleanDir) fs.rmSync(cleanDir, { recursive: true, force: true });
});

test("the site has an index with one line per step and one page per executed notebook", async () => {
  const site = await cleanSite();
  assert.deepEqual(site.pages, ["index.html", "01-softmax.html", "02-attention.html"]);
  assert.deepEqual(site.issues, []);
  const index = read(site.outDir, "index.html");
  const items = index.match(/<li><a href="[^"]+\.html">/g) ?? [];
  assert.deepEqual(items, ['<li><a href="01-softmax.html">', '<li><a href="02-attention.html">']);
  assert.match(index, /From logits to probabilities<\/a> <span class="toc-summary">— Softmax turns the two logits/);
});

test("pages link to their neighbours and back to the contents", async () => {
  const site = await cleanSite();
  const first = read(site.outDir, "01-softmax.html");
  const second = read(site.outDir, "02-attention.html");
  assert.match(first, /<a class="next" rel="next" href="02-attention.html">/);
  assert.doesNotMatch(first, /rel="prev"/);
  assert.match(second, /<a class="prev" rel="prev" href="01-softmax.html">/);
  assert.match(second, /href="index.html">Contents/);
});

test("consecutive console.log lines of a cell show as one block, as in Jupyter", async () => {
  const site = await cleanSite();
  const page = read(site.outDir, "02-attention.html");
  assert.equal(page.match(/<pre class="output-stdout">/g)?.length, 1);
  assert.match(page, /<pre class="output-stdout">Model: Xenova\/[^<]*\n12 layers\n<\/pre>/);
});

test("markdown maths goes through KaTeX, code through shiki, and raw HTML in markdown stays text", async () => {
  const site = await cleanSite();
  const page = read(site.outDir, "01-softmax.html");
  assert.match(page, /<div class="math-display"><span class="katex-display">/);
  assert.match(page, /<span class="katex">.*p_i/s, "inline maths keeps its TeX source in the MathML annotation");
  assert.match(page, /<pre class="shiki github-light"/);
  assert.match(page, /&lt;script&gt;alert\((&#39;|')markdown(&#39;|')\)&lt;\/script&gt;/);
});

test("user text is escaped everywhere on the page: no hostile tag reaches the HTML", async () => {
  const site = await cleanSite();
  for (const file of site.pages) {
    const html = read(site.outDir, file);
    assert.doesNotMatch(html, /<img src=x/i, file);
  }
  assert.match(read(site.outDir, "01-softmax.html"), /&lt;img src=x onerror=alert\(1\)&gt;/);
});

test("figures come from the plotly JSON and one local plotly.js; nothing on any page points at the network", async () => {
  const site = await cleanSite();
  const attention = read(site.outDir, "02-attention.html");
  assert.equal(attention.match(/<div class="figure"/g)?.length, 2);
  assert.match(attention, /<script src="assets\/plotly.min.js"><\/script>/);
  for (const file of site.pages) {
    assert.doesNotMatch(read(site.outDir, file), /(src|href)="(https?:)?\/\//, `${file} references a remote resource`);
  }
  const plotly = fs.statSync(path.join(site.outDir, "assets", "plotly.min.js")).size;
  assert.equal(plotly, fs.statSync(plotlyBundlePath()).size);
  const css = read(site.outDir, "assets/katex/katex.min.css");
  const fonts = [...css.matchAll(/url\((fonts\/[^)]+\.woff2)\)/g)].map((m) => m[1]);
  assert.ok(fonts.length > 10);
  for (const font of fonts) assert.ok(fs.existsSync(path.join(site.outDir, "assets", "katex", font)), `${font} copied`);
});

test("every page names the model behind its outputs", async () => {
  const site = await cleanSite();
  assert.deepEqual(site.steps.map((s) => [s.model.kind, s.model.text]), [["demo", DEMO_BANNER], ["checkpoint", HUB_BANNER]]);
  assert.match(read(site.outDir, "01-softmax.html"), /<aside class="model-note model-demo"[^>]*><strong>Outputs on this page come from the offline demo model/);
  assert.match(read(site.outDir, "02-attention.html"), /model-checkpoint.*Xenova\/distilbert-base-uncased-finetuned-sst-2-english/s);
});

test("the runner's metadata.workbook.model wins over output lines; a notebook that says nothing is marked unknown", () => {
  const notebook = cleanCourse()["01-softmax"] as never as Parameters<typeof detectModel>[0];
  const banner = "Model: Xenova/some-other-model (Hugging Face Hub; WORKBOOK_MODEL=Xenova/some-other-model)";
  notebook.metadata.workbook = { model: { kind: "hub", name: "Xenova/some-other-model", source: "Xenova/some-other-model", banner } };
  assert.deepEqual(detectModel(notebook), { text: banner, kind: "checkpoint", source: "metadata" });
  notebook.metadata.workbook = { model: { kind: "demo", name: "distilbert-sst2-demo", source: "build/models/distilbert-sst2-demo", banner: "Model: x" } };
  assert.equal(detectModel(notebook).kind, "demo", "the recorded kind decides, not the banner's wording");
  assert.equal(detectModel({ cells: [], metadata: {}, nbformat: 4 }).kind, "unknown");
});

// In this process; book-command.integration.test.ts runs the same case as the real command, in a process of its own.
test("a failing notebook renders its error visibly and `npm run book` exits non-zero", async (t) => {
  const dir = tmp(t);
  const course = failingCourse();
  const executed = writeCourse(path.join(dir, "executed"), course);
  const notebooks = writeSources(path.join(dir, "notebooks"), course);
  const out = path.join(dir, "book");
  const run = await runBook(t, ["--executed", executed, "--notebooks", notebooks, "--out", out, "--no-run"]);
  assert.equal(run.status, 1, run.stderr);
  assert.match(run.stderr, /01-broken.ipynb cell 3 failed/);
  assert.match(run.stderr, /cell 4 did not run/);
  const page = read(out, "01-broken.html");
  assert.match(page, /<aside class="run-problems" role="alert"><strong>This notebook did not run cleanly/);
  assert.match(page, /<pre class="output-error">1:7 - Type &#39;string&#39; is not assignable/);
  assert.match(read(out, "index.html"), /did not run cleanly/);
});

test("warnings on stderr are shown but do not fail the book; diagnostics and stack traces do", () => {
  assert.equal(isFailureText("dtype not specified for \"model\". Using the default dtype (fp32)\n"), false);
  assert.equal(isFailureText("1:7 - Type 'string' is not assignable to type 'number'.\n"), true);
  assert.equal(isFailureText("Error: boom\n    at <anonymous>:1:7\n    at Script.runInThisContext (node:vm:137:12)\n"), true);
  assert.equal(isFailureText("\u001b[31mTypeError: x is not a function\u001b[0m\n    at f (/work/a.ts:3:9)\n"), true);
});

test("a failed build leaves the previous site in place and no temporary directory behind", async (t) => {
  const dir = tmp(t);
  const out = path.join(dir, "book");
  await buildSite(writeCourse(path.join(dir, "executed"), cleanCourse()), out, { tools: pageTools });
  fs.writeFileSync(path.join(dir, "executed", "03-broken.ipynb"), "{ not json");
  await assert.rejects(buildSite(path.join(dir, "executed"), out, { tools: pageTools }), /03-broken.ipynb is not a readable notebook/);
  assert.ok(fs.existsSync(path.join(out, "02-attention.html")));
  assert.deepEqual(fs.readdirSync(dir).sort(), ["book", "executed"]);
});

test("copies are judged by content hash, not file times: missing, stale, failed, unproven, orphan, clean", (t) => {
  const dir = tmp(t);
  const course = cleanCourse();
  const notebooks = writeSources(path.join(dir, "notebooks"), course);
  const executed = path.join(dir, "executed");
  writeCourse(executed, { "01-softmax": course["01-softmax"] });
  const kinds = () => Object.fromEntries(assessCopies(executed, notebooks).map((c) => [c.name, c.kind]));
  assert.deepEqual(kinds(), { "01-softmax.ipynb": "clean", "02-attention.ipynb": "missing" });
  writeCourse(executed, course);
  // A newer file time alone changes nothing; a changed byte does.
  const later = new Date(Date.now() + 5000);
  fs.utimesSync(path.join(notebooks, "01-softmax.ipynb"), later, later);
  assert.deepEqual(kinds(), { "01-softmax.ipynb": "clean", "02-attention.ipynb": "clean" });
  fs.appendFileSync(path.join(notebooks, "01-softmax.ipynb"), " ");
  assert.equal(kinds()["01-softmax.ipynb"], "stale");
  writeCourse(executed, { "02-attention": course["02-attention"] }, { provenance: false });
  assert.equal(kinds()["02-attention.ipynb"], "unproven");
  const failing = failingCourse();
  writeCourse(executed, failing);
  fs.writeFileSync(path.join(notebooks, "01-broken.ipynb"), sourceText(failing["01-broken"]));
  assert.equal(kinds()["01-broken.ipynb"], "failed");
  fs.rmSync(path.join(notebooks, "01-broken.ipynb"));
  assert.equal(kinds()["01-broken.ipynb"], "orphan");
});

test("markdown: dollar amounts are not maths, notebook links point at pages, remote images become links", () => {
  const markdown = createMarkdown();
  assert.doesNotMatch(markdown("It costs $5 and $6 today."), /katex/);
  assert.match(markdown("See [the tokenizer](02-tokenizer.ipynb#ids)."), /href="02-tokenizer.html#ids"/);
  const image = markdown("![diagram](https://example.org/d.png)");
  assert.doesNotMatch(image, /<img/);
  assert.match(image, /<a href="https:\/\/example.org\/d.png">diagram<\/a>/);
});

test("a rebuild renders only pages whose inputs changed, copies the rest, and never copies a page edited since", async (t) => {
  const dir = tmp(t);
  const course = cleanCourse();
  const executed = writeCourse(path.join(dir, "executed"), course);
  const out = path.join(dir, "book");
  const first = await buildSite(executed, out, { tools: pageTools });
  assert.deepEqual(first.rendered, ["01-softmax", "02-attention"]);
  const firstPages = Object.fromEntries(["01-softmax", "02-attention"].map((s) => [s, read(out, `${s}.html`)]));

  const again = await buildSite(executed, out, { tools: pageTools });
  assert.deepEqual(again.rendered, [], "nothing changed: every page is copied");
  for (const slug of ["01-softmax", "02-attention"]) assert.equal(read(out, `${slug}.html`), firstPages[slug]);

  // A new output in 02: only its page is rendered again; 01 links to 02 by title, which did not change.
  const changed = structuredClone(course);
  const cells = (changed["02-attention"] as { cells: { cell_type: string; outputs?: unknown[] }[] }).cells;
  cells[1].outputs!.push({ output_type: "stream", name: "stdout", text: ["a new line of output\n"] });
  writeCourse(executed, changed);
  const third = await buildSite(executed, out, { tools: pageTools });
  assert.deepEqual(third.rendered, ["02-attention"]);
  assert.match(read(out, "02-attention.html"), /a new line of output/);
  assert.equal(read(out, "01-softmax.html"), firstPages["01-softmax"]);

  // A page edited by hand since the last build is rendered again, not copied.
  fs.writeFileSync(path.join(out, "01-softmax.html"), "edited");
  const fourth = await buildSite(executed, out, { tools: pageTools });
  assert.deepEqual(fourth.rendered, ["01-softmax"]);
  assert.equal(read(out, "01-softmax.html"), firstPages["01-softmax"]);

  // A renamed title changes the neighbour's links: both pages are rendered again.
  const retitled = structuredClone(changed);
  const heading = (retitled["02-attention"] as { cells: { source: string[] }[] }).cells[0];
  heading.source = ["# Attention weights\n", "\n", "Each row shows where one token looks."];
  writeCourse(executed, retitled);
  const fifth = await buildSite(executed, out, { tools: pageTools });
  assert.deepEqual(fifth.rendered, ["01-softmax", "02-attention"]);
  assert.match(read(out, "01-softmax.html"), /Attention weights<\/a>/);
});
