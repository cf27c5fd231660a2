// The workbook as CI reads it: every notebook committed clean, executed headless through the runner on the
// offline demo models, and the executed copies holding the outputs a learner should see.
import { before, test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import * as os from "node:os";
import { buildSite } from "../../scripts/book/site";
import { readNotebook, runNotebooks, serializeNotebook, type NotebookOutcome } from "../../scripts/runner";
import { PLOTLY_MIME } from "../../src/plot";
import { projectRoot } from "../../src/model";
import { chromiumMissing, launchBrowser, openPage } from "../book/browser";

const notebooksDir = path.join(projectRoot(), "notebooks");
const names = fs.readdirSync(notebooksDir).filter((n) => n.endsWith(".ipynb") && !n.startsWith(".")).sort();

/** What each executed notebook must show: text its outputs must contain (regexps), beyond "no check failed". */
const expectations: Record<string, RegExp[]> = {
  "01-pipeline.ipynb": [/^Model: offline demo model/m, /✓ labels are POSITIVE, NEGATIVE/, /label: 'POSITIVE', score: 0\.\d+/],
  "02-tokenizer.ipynb": [
    /tensor\(\[\[  101,  1045,  1005,  2310,  2042,  3403,  2005,  1037, 17662, 12172,  2607,  2026,  2878,  2166,  1012,   102\],/,
    /dtype=int64, dims=\[2, 16\]\)/, /✓ input_ids equal the course's/, /✓ attention_mask equals the course's/, /"\[PAD\]"\s+0\s+0 \(padding\)/,
    /positions 509–511: what a wonderful\n/, /the truncated text ends without \[SEP\]/,
  ],
  "03-base-model.ipynb": [/dtype=float32, dims=\[2, 16, 768\]\)/, /✓ hidden size equals the word-embedding width \(768\)/],
  "04-logits.ipynb": [/✓ logits are \[sentences, labels\] \(\[2, 2\]\)/, /✓ the head by hand equals the model's logits/, /✓ recomputeHead equals the model's logits/],
  "05-softmax.ipynb": [/✓ each row sums to 1/, /naive : \[NaN, 0\]/, /✓ the naive formula overflows/],
  "06-postprocess.ipynb": [/✓ scores equal the pipeline's/, /✓ sentence 2 alone has the logits it had padded/, /✓ no token attends to padding/],
  "07-t5-logits.ipynb": [
    /^Model: offline demo T5 t5-demo/m, /✓ greedy decoding by hand gives the ids generate\(\) gives/,
    /✓ batched logits equal the one-at-a-time logits/, /✓ logits are \[batch, target length, vocab_size\]/, /by hand: {4}The cat sat on the mat\./,
  ],
  "08-logits-anywhere.ipynb": [
    /^Softmax-ended models:/m, /✓ softmax\(exposed tensor\) equals the model's probabilities/,
    /✓ the exposed tensor equals the logits of the classifier without the Softmax/, /✓ that constant is −logsumexp\(logits\)/,
    /float32: softmax\(\[0, 200\]\) = \[0, 1\], log = \[-Infinity, 0\]/, /✓ temperature scaling leaves the accuracy alone/,
    /✓ most test images tie at a softmax confidence of 1/, /found none; the walk stopped at node '\/classifier\/Gemm' \(Gemm\)/,
  ],
  "10-why-this-label.ipynb": [
    /^Model: offline demo model/m, /✓ the last block's reading is the model's own logits/, /✓ both sentences read alike at the embeddings/,
    /✓ real tokens give \[PAD\] no attention in any head/, /✓ one forward pass for all \d+ occlusion variants/,
    /sentence 2: \[CLS\] i\([+−]0\.\d\d\) hate\(−\d+\.\d\d\)/, /✓ the demo model's own word list comes out on top/,
    /✓ one forward pass for all \d+ Shapley subsets/, /✓ each sentence's Shapley shares add up to d\(sentence\) − d\(all masked\)/,
    /✓ σ\(\|d\|\) from the batch equals the pipeline's score/, /✓ a negation 4 tokens back barely moves it/,
  ],
};

test("every notebook is committed clean: tslab kernel, no outputs, no execution counts, unique cell ids", () => {
  assert.ok(names.length >= 6, `notebooks found: ${names.join(", ")}`);
  for (const name of names) {
    const notebook = JSON.parse(fs.readFileSync(path.join(notebooksDir, name), "utf8"));
    assert.equal(notebook.metadata.kernelspec?.name, "tslab", `${name}: kernelspec`);
    const ids = notebook.cells.map((c: { id: string }) => c.id);
    assert.equal(new Set(ids).size, ids.length, `${name}: cell ids are unique`);
    for (const cell of notebook.cells.filter((c: { cell_type: string }) => c.cell_type === "code")) {
      assert.deepEqual([cell.outputs, cell.execution_count], [[], null], `${name}: cell ${cell.id} has outputs`);
    }
  }
});

test("every notebook has a markdown cell before each step and prints which model it loaded", () => {
  for (const name of names) {
    const notebook = JSON.parse(fs.readFileSync(path.join(notebooksDir, name), "utf8"));
    assert.equal(notebook.cells[0].cell_type, "markdown", `${name} opens with prose`);
    assert.match([].concat(notebook.cells[1].source).join(""), /banner/, `${name}: the first code cell prints the model banner`);
  }
});

let outcomes: NotebookOutcome[] = [];
const sources = new Map<string, string>();

before(async () => {
  for (const name of names) sources.set(name, fs.readFileSync(path.join(notebooksDir, name), "utf8"));
  const inputs = await Promise.all(names.map(async (name) => {
    const file = path.join(notebooksDir, name);
    return { path: file, notebook: await readNotebook(file) };
  }));
  outcomes = await runNotebooks(inputs, { env: { ...process.env, WORKBOOK_MODEL: "offline" }, timeout: 180 });
});

test("the whole workbook executes offline, every cell of every notebook", () => {
  for (const outcome of outcomes) {
    assert.equal(outcome.error, undefined, `${path.basename(outcome.path)}: ${outcome.error?.message}`);
    assert.equal(outcome.cellsRun, outcome.cellsToRun, `${path.basename(outcome.path)}: cells run`);
  }
  const timings = outcomes.map((o) => `${path.basename(o.path)} ${o.seconds.toFixed(1)} s`).join(", ");
  console.log(`# workbook timings: ${timings}; total ${outcomes.reduce((s, o) => s + o.seconds, 0).toFixed(1)} s`);
});

for (const name of names) {
  test(`${name}: the executed copy shows what a learner should see, with no failed check and no stderr`, () => {
    const outcome = outcomes.find((o) => path.basename(o.path) === name);
    assert.ok(outcome?.result, `${name} did not execute: ${outcome?.error?.message}`);
    const outputs = outcome.result.notebook.cells.flatMap((c) => (c.cell_type === "code" ? c.outputs : []));
    const stderr = outputs.filter((o) => o.output_type === "stream" && o.name === "stderr");
    assert.deepEqual(stderr, [], `${name} wrote to stderr`);
    const text = outputs.map((o) => (o.output_type === "stream" ? o.text : "data" in o ? String(o.data["text/plain"] ?? "") : "")).join("\n");
    assert.doesNotMatch(text, /check failed/);
    assert.doesNotMatch(text, /\b\d+n\b/, "no BigInt literal like 101n in any output");
    assert.match(text, /✓ /, "the notebook checks itself");
    const wanted = expectations[name];
    assert.ok(wanted, `${name} has no expectations in this test: add what its executed copy must show`);
    for (const pattern of wanted) assert.match(text, pattern, `${name} should show ${pattern}`);
  });
}

test("running the workbook leaves the source notebooks untouched", () => {
  for (const name of names) assert.equal(fs.readFileSync(path.join(notebooksDir, name), "utf8"), sources.get(name), name);
});

test("the course site built from these executed copies opens from file:// in Chromium, every figure drawn", { skip: chromiumMissing() ?? false }, async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "workbook-site-"));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const executed = path.join(dir, "executed");
  fs.mkdirSync(executed);
  let figuresShown = 0;
  for (const outcome of outcomes) {
    assert.ok(outcome.result, `${path.basename(outcome.path)} did not execute`);
    fs.writeFileSync(path.join(executed, path.basename(outcome.path)), serializeNotebook(outcome.result.notebook));
    for (const cell of outcome.result.notebook.cells) {
      if (cell.cell_type === "code") figuresShown += cell.outputs.filter((o) => "data" in o && PLOTLY_MIME in o.data).length;
    }
  }
  const site = await buildSite(executed, path.join(dir, "book"));
  assert.deepEqual(site.issues, [], "no cell of the executed workbook is shown as failed");
  assert.deepEqual(site.steps.map((step) => step.model.kind), names.map(() => "demo"), "every page says the offline demo model made its outputs");
  const browser = await launchBrowser();
  t.after(() => browser.close());
  let figuresDrawn = 0;
  for (const file of site.pages) {
    const { page, log, figures, drawn } = await openPage(browser.context, path.join(site.outDir, file), `course-${file.replace(/\.html$/, "")}.png`);
    assert.deepEqual(log, { consoleErrors: [], pageErrors: [], dialogs: [], networkRequests: [] }, file);
    assert.equal(drawn, figures, `${file}: every figure has a plot`);
    figuresDrawn += drawn;
    await page.close();
  }
  assert.ok(figuresShown > 0, "the notebooks show figures");
  assert.equal(figuresDrawn, figuresShown, "every figure a notebook showed is drawn on its page");
});
