// The workbook as CI reads it: every notebook committed clean, executed headless through the runner on the
// offline demo models, and the executed copies holding the outputs a learner should see. The execution is the one
// shared by the whole test run (test/helpers/workbook.ts): npm test executes the workbook once for every test.
import { before, test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import * as os from "node:os";
import { buildSite } from "../../scripts/book/site";
import type { Notebook } from "../../scripts/runner";
import { PLOTLY_MIME } from "../../src/plot";
import { projectRoot } from "../../src/model";
import { chromiumMissing, launchBrowser, openPage } from "../book/browser";
import { executedNotebook, executedWorkbook, workbookNames, type ExecutedWorkbook } from "../helpers/workbook";
import { skipFor } from "../helpers/skip";

const notebooksDir = path.join(projectRoot(), "notebooks");
const names = workbookNames();

/** What each executed notebook must show: text its outputs must contain (regexps), beyond "no check failed". */
const expectations: Record<string, RegExp[]> = {
  "01-pipeline.ipynb": [
    /^Model: offline demo model/m, /sentence 1 +POSITIVE 0\.9598 +POSITIVE 0\.69\d\d$/m,
    /sentence 2 +NEGATIVE 0\.9995 +NEGATIVE 0\.99\d\d$/m, /✓ demo model: sentence 1 has no listed word, so it gets the prior/,
    /✓ each sentence gets one of the model's 2 labels, scored in \(0, 1\]/,
  ],
  "02-tokenizer.ipynb": [
    /tensor\(\[\[  101,  1045,  1005,  2310,  2042,  3403,  2005,  1037, 17662, 12172,  2607,  2026,\n {10}2878,  2166,  1012,   102\],/,
    /dtype=int64, dims=\[2, 16\]\)/, /data\[0\] is a bigint; Number\(data\[0\]\) \+ 1 = 102/,
    /  course    101 1045 1005 2310 2042 3403 2005 1037 17662 12172 2607 2026 2878 2166 1012 102\n  this run  101 1045 1005/,
    /✓ input_ids and attention_mask are the course's, \[2, 16\]/, /"\[PAD\]"\s+0\s+0 \(padding\)/,
    /positions 509–511: what a wonderful\n/, /the truncated text ends without \[SEP\]/,
    /model\.type +WordPiece, 30522 entries\n/, /✓ a WordPiece tokenizer: its pieces mark words with "##"/,
    /i {2}' {2}ve {2}been .* hugging {2}##face {2}course/, /✓ without "##" the pieces spell the sentence/,
    /✓ each row is its sentence's ids, then padding \(0\) where the mask is 0/,
    /✓ every sentence opens with \[CLS\] \(101\) and closes with \[SEP\] \(102\)/,
    /DistilBertTokenizer returns token_type_ids: no\n/, /✓ a pair is one sequence: \[CLS\] first sentence \[SEP\] second \[SEP\]/,
    /✓ each sentence decodes to its lower-case text/,
  ],
  "03-base-model.ipynb": [
    /AutoModel's outputs: logits\n/, /dtype=float32, dims=\[2, 16, 768\]\)/, /last_hidden_state +\[2, 16, 768\] +\[2, 16, 768\]/,
    /blocks \(n_layers\) +6 +2\n/, /heads \(n_heads\) +12 +12\n/, /✓ hidden size = word-embedding width = 768/,
    /^family: distilbert$/m, /^pooled: token 0 \(\[CLS\]\) → pre_classifier → relu$/m, /✓ every sentence has \[CLS\] at position 0/,
  ],
  "04-logits.ipynb": [
    /sentence 1 +\[-1\.5607, +1\.6123\] +\[-0\.\d{4}, +0\.\d{4}\]/, /sentence 2 +\[ 4\.1692, -3\.3464\] +\[ 2\.\d{4}, -2\.\d{4}\]/,
    /✓ logits are \[sentences, labels\] \(\[2, 2\]\)/, /✓ demo model: sentence 1 gets the prior's logits/,
    /✓ the head by hand, recomputeHead and the opened file all give the model's logits/,
    /^family: distilbert$/m, /^pre_classifier → relu → classifier, by hand:$/m,
    /✓ distilbert \(config\.model_type\): the head's activation is relu/,
  ],
  "05-softmax.ipynb": [
    /✓ softmax by hand = transformers\.js's softmax = the helper's/, /sentence 2 +\[9\.9946e-01, 5\.4419e-04\] +\[9\.\d{4}e-01, \d\.\d{4}e-03\]/,
    /✓ each row sums to 1 and, for two labels/, /naive : \[NaN, 0\]/, /✓ the naive formula overflows/, /T = 0\.5: \[0\.8638/,
    /Single-label model \(problem_type: not set, so single-label\)/,
  ],
  "06-postprocess.ipynb": [
    /\{ '0': 'NEGATIVE', '1': 'POSITIVE' \}/, /sentence 1 +POSITIVE 0\.9598 +POSITIVE 0\.69\d\d/,
    /✓ argmax \+ id2label and the post-processing give the pipeline's labels and scores/,
    /✓ top_k: null gives every label, in the pipeline's order/, /✓ softmax: each sentence's scores add up to 1/,
    /✓ sentence 2 alone has the logits it had padded/, /✓ no token attends to the 8 padding positions/,
    /negative 0\.3982, neutral 0\.3603, positive 0\.2415/, /negative 0\.5498, neutral 0\.5250, positive 0\.4256/,
  ],
  "07-t5-logits.ipynb": [
    /^Model: offline demo T5 t5-demo/m, /✓ greedy by hand gives generate\(\)'s ids/,
    /✓ each step's logits are generate\(\)'s scores/, /with return_dict_in_generate: sequences, past_key_values \(no scores\)/,
    /✓ logits: \[batch, target, vocab_size\]/, /by hand: <pad> ▁The ▁cat ▁sat ▁on ▁the ▁mat \. <\/s>/,
    /▁cat: encoder position 3, label position 1/, /✓ each text's rows in the batch are its rows alone/,
  ],
  "08-getting-logits-out.ipynb": [
    /^Softmax-ended models:/m, /✓ softmax\(exposed tensor\) = the probabilities/,
    /✓ the exposed tensor is the classifier's logits/, /✓ that constant is −logsumexp\(logits\)/,
    /float32: softmax\(\[0, 200\]\) = \[0, 1\], log = \[-Infinity, 0\]/, /✓ sigmoid\(20\) is exactly 1 in float32/,
    /found none; the walk stopped at\s+node\s+'\/classifier\/Gemm'\s+\(Gemm\)/,
  ],
  "09-what-logits-are-for.ipynb": [
    /^Model: offline demo glyph network/m, /fitted on the calibration split: T = \d+\.\d{3}/,
    /✓ temperature scaling keeps the accuracy/, /✓ most test images tie at a softmax confidence of 1/,
    /✓ an input that excites no class has energy −log 4/, /✓ cross-entropy from logits is the NLL/,
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

/** The source text of every cell of one kind in a committed notebook. */
function cellSources(name: string, kind: "code" | "markdown"): string[] {
  const notebook = JSON.parse(fs.readFileSync(path.join(notebooksDir, name), "utf8"));
  return notebook.cells.filter((c: { cell_type: string }) => c.cell_type === kind).map((c: { source: string | string[] }) => [].concat(c.source as never).join(""));
}

const courseNotebooks = names.filter((name) => /^0[1-6]-/.test(name));

test("notebooks 01–06 show the course's Python beside the TypeScript, in at least one fenced python block each", () => {
  assert.equal(courseNotebooks.length, 6, `notebooks 01–06: ${courseNotebooks.join(", ")}`);
  for (const name of courseNotebooks) {
    assert.ok(cellSources(name, "markdown").some((text) => /```python\n[\s\S]+?\n```/.test(text)), `${name} has a fenced python block`);
  }
});

test("notebooks 01–06 write the library's calls in their cells, not through a loader helper", () => {
  const code = (name: string) => cellSources(name, "code").join("\n");
  const wanted: Record<string, RegExp[]> = {
    "01-pipeline.ipynb": [/pipeline\("sentiment-analysis", checkpoint\)/],
    "02-tokenizer.ipynb": [
      /AutoTokenizer\.from_pretrained\(checkpoint\)/, /tokenizer\(rawInputs, \{ padding: true, truncation: true \}\)/,
      /tokenizer\.tokenize\(/, /AutoConfig\.from_pretrained\(checkpoint\)/,
    ],
    "03-base-model.ipynb": [/AutoModel\.from_pretrained\(checkpoint\)/],
    "04-logits.ipynb": [/AutoModelForSequenceClassification\.from_pretrained\(checkpoint\)/, /await model\(inputs\)/, /outputs\.logits/],
    "05-softmax.ipynb": [/function softmaxLastAxis\(/, /Math\.exp\(v - max\)/],
    "06-postprocess.ipynb": [/model\.config as unknown as ClassificationConfig\)\.id2label/, /await topk\(/],
  };
  for (const name of courseNotebooks) {
    for (const pattern of wanted[name] ?? []) assert.match(code(name), pattern, name);
    assert.doesNotMatch(code(name), /loadSentimentModel/, `${name} loads through the library, not loadSentimentModel`);
  }
});

test("no notebook cell casts tolist(): typed accessors (toNumbers, toNumberRows) do that", () => {
  for (const name of names) {
    for (const source of cellSources(name, "code")) assert.doesNotMatch(source, /tolist\(\)\s*as\b/, name);
  }
});

test("every code line of every notebook fits in 100 characters", () => {
  for (const name of names) {
    const long = cellSources(name, "code").flatMap((source) => source.split("\n")).filter((line) => [...line].length > 100);
    assert.deepEqual(long, [], `${name}: code lines over 100 characters`);
  }
});

test("notebooks 01–06 end with an exercise and its worked answer, collapsed (contract 2)", () => {
  for (const name of courseNotebooks) {
    const notebook = JSON.parse(fs.readFileSync(path.join(notebooksDir, name), "utf8"));
    const cells = notebook.cells as { cell_type: string; metadata: Record<string, unknown>; source: string | string[] }[];
    const answers = cells.map((cell, i) => ({ cell, i })).filter(({ cell }) => cell.cell_type === "code" && (cell.metadata.tags as string[] | undefined)?.includes("answer"));
    assert.ok(answers.length >= 1, `${name} has a worked answer`);
    for (const { cell, i } of answers) {
      assert.deepEqual(cell.metadata, { tags: ["answer"], jupyter: { source_hidden: true, outputs_hidden: true } }, `${name}: answer metadata`);
      assert.equal(cells[i - 1].cell_type, "markdown", `${name}: the exercise comes before its answer`);
    }
    assert.equal(answers.at(-1)!.i, cells.length - 1, `${name} ends with its answer`);
  }
});

let workbook: ExecutedWorkbook;

before(async () => {
  workbook = await executedWorkbook();
});

test("the whole workbook executes offline, every cell of every notebook", () => {
  assert.deepEqual(workbook.notebooks.map((n) => n.name), names, "the shared run executed every notebook");
  for (const run of workbook.notebooks) {
    assert.equal(run.error, null, `${run.name}: ${run.error}`);
    assert.equal(run.cellsRun, run.cellsToRun, `${run.name}: cells run`);
  }
  const timings = workbook.notebooks.map((n) => `${n.name} ${n.seconds.toFixed(1)} s`).join(", ");
  console.log(`# workbook timings: ${timings}; total ${workbook.seconds.toFixed(1)} s`);
});

/** An output's text as a reader sees it: nbformat on disk keeps multi-line strings as lists of lines. */
function outputText(o: { output_type: string; text?: unknown; data?: Record<string, unknown> }): string {
  const joined = (v: unknown) => (Array.isArray(v) ? v.join("") : String(v ?? ""));
  return o.output_type === "stream" ? joined(o.text) : o.data ? joined(o.data["text/plain"]) : "";
}

for (const name of names) {
  test(`${name}: the executed copy shows what a learner should see, with no failed check and no stderr`, () => {
    const notebook = executedNotebook(workbook, name);
    const outputs = notebook.cells.flatMap((c) => (c.cell_type === "code" ? c.outputs : []));
    const stderr = outputs.filter((o) => o.output_type === "stream" && o.name === "stderr");
    assert.deepEqual(stderr, [], `${name} wrote to stderr`);
    const text = outputs.map(outputText).join("\n");
    assert.doesNotMatch(text, /check failed/);
    assert.doesNotMatch(text, /\b\d+n\b/, "no BigInt literal like 101n in any output");
    assert.match(text, /✓ /, "the notebook checks itself");
    const wanted = expectations[name];
    assert.ok(wanted, `${name} has no expectations in this test: add what its executed copy must show`);
    for (const pattern of wanted) assert.match(text, pattern, `${name} should show ${pattern}`);
    // Figures aside: their text/plain face is a summary for consoles, not what the book's column shows.
    const textOutputs = outputs.filter((o) => !("data" in o && PLOTLY_MIME in o.data));
    const lines = textOutputs.flatMap((o) => outputText(o).split("\n"));
    assert.deepEqual(lines.filter((line) => [...line].length > 100), [], `${name}: text output lines over 100 characters`);
    assert.equal(text.match(/^Model: /gm)?.length, 1, `${name} prints its model banner once`);
  });
}

test("running the workbook leaves the source notebooks untouched, and the run is of today's sources", () => {
  for (const run of workbook.notebooks) {
    assert.equal(run.sourceSha256After, run.sourceSha256, `${run.name} changed while it ran`);
    const now = createHash("sha256").update(fs.readFileSync(path.join(notebooksDir, run.name))).digest("hex");
    assert.equal(now, run.sourceSha256, `${run.name} changed since the shared run executed it`);
  }
});

test("each executed copy stays under 1.5 MB: plotly.js is the workbook's partial bundle, inlined at most once", () => {
  const marker = "partial bundle for this workbook";
  for (const run of workbook.notebooks) {
    assert.ok(run.executed, `${run.name} did not execute`);
    const text = run.executed;
    const bytes = Buffer.byteLength(text);
    assert.ok(bytes < 1.5e6, `${run.name} is ${(bytes / 1e6).toFixed(2)} MB`);
    assert.ok(text.split(marker).length - 1 <= 1, `${run.name} inlines plotly.js more than once`);
  }
});

test("the course site built from these executed copies opens from file:// in Chromium, every figure drawn", { skip: skipFor(chromiumMissing()) }, async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "workbook-site-"));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const executed = path.join(dir, "executed");
  fs.mkdirSync(executed);
  let figuresShown = 0;
  for (const name of names) {
    const notebook: Notebook = executedNotebook(workbook, name);
    fs.copyFileSync(path.join(workbook.dir, name), path.join(executed, name));
    for (const cell of notebook.cells) {
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
