// The "try it" panel in Chromium: served by `npm run book -- --serve`'s server, it must give, for what the reader
// types, the token ids, logits and scores of the Node pipeline the notebooks run, with no request leaving the site.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { env, pipeline, type TextClassificationPipeline } from "@huggingface/transformers";
import type { Page } from "playwright-core";
import { serveSite, type SiteServer } from "../../scripts/book/serve";
import { buildSite, type SiteResult } from "../../scripts/book/site";
import { FIRST_SENTENCE, SERVE_COMMAND } from "../../scripts/book/try-it";
import { modelBanner } from "../../src/model/banner";
import { demoModel } from "../helpers/demo-model";
import { chromiumMissing, launchBrowser, saveScreenshot } from "./browser";
import { writeCourse } from "./fixture";
import { skipFor } from "../helpers/skip";

const skip = chromiumMissing();

const TOLERANCE = 1e-5;
/** The largest |panel − Node| over every logit and score compared so far, reported with the first test. */
let largestDifference = 0;
const HOSTILE = "<img src=x onerror=alert(1)> I love it";
const SENTENCES = ["I hate this so much!", "The movie was okay, nothing special.", "🤗 Ngũgĩ, transformers.js", HOSTILE];

type Json = Record<string, unknown>;
let browser: Awaited<ReturnType<typeof launchBrowser>> | undefined;
let dir: string;
let demoDir: string;
let demoSite: SiteResult;

/** An executed notebook as the runner writes it: a title, then a cell printing the model banner. */
function notebookWith(title: string, banner: string): Json {
  return {
    cells: [
      { cell_type: "markdown", id: "m1", metadata: {}, source: [`# ${title}\n`, "\n", "What this step does.\n"] },
      { cell_type: "code", id: "c1", execution_count: 1, metadata: {}, source: ["console.log(chosen.banner);"], outputs: [{ output_type: "stream", name: "stdout", text: [`${banner}\n`] }] },
    ],
    metadata: { kernelspec: { display_name: "TypeScript", language: "typescript", name: "tslab" }, language_info: { name: "typescript" } },
    nbformat: 4, nbformat_minor: 5,
  };
}

/** Builds a site of the given pages, all made with the model of `banner`. */
async function siteFor(name: string, slugs: string[], banner: string): Promise<SiteResult> {
  const course = Object.fromEntries(slugs.map((slug) => [slug, notebookWith(slug, banner)]));
  return buildSite(writeCourse(path.join(dir, name, "executed"), course), path.join(dir, name, "book"));
}

/** What the Node pipeline gives for a sentence: ids, word pieces, logits, and every label's score. */
async function nodeSteps(classifier: TextClassificationPipeline, text: string) {
  const inputs = classifier.tokenizer(text, { padding: true, truncation: true });
  const ids = Array.from(inputs.input_ids.data as BigInt64Array, Number);
  const { logits } = await classifier.model(inputs);
  const all = (await classifier(text, { top_k: null })) as { label: string; score: number }[];
  return {
    ids, pieces: classifier.tokenizer.tokenize(text, { add_special_tokens: true }), logits: Array.from(logits.data as Float32Array),
    scores: Object.fromEntries(all.map((s) => [s.label, s.score])), best: all[0],
  };
}

/** What the panel shows for its current sentence, read from the page (full values from data-value). */
async function panelSteps(page: Page) {
  // No helper functions inside: tsx would wrap them in a __name() call that does not exist in the page.
  return page.evaluate(() => {
    const panel = document.querySelector(".try-it")!;
    const label = panel.querySelector<HTMLElement>(".try-it-label")!;
    return {
      ids: [...panel.querySelectorAll<HTMLElement>(".try-it-tokens .token")].map((e) => Number(e.dataset.id)),
      pieces: [...panel.querySelectorAll(".try-it-tokens .piece")].map((e) => e.textContent),
      logitNames: [...panel.querySelectorAll(".try-it-logits th")].map((e) => e.textContent),
      logits: [...panel.querySelectorAll<HTMLElement>(".try-it-logits td")].map((e) => Number(e.dataset.value)),
      barNames: [...panel.querySelectorAll(".try-it-bars .name")].map((e) => e.textContent),
      scores: [...panel.querySelectorAll<HTMLElement>(".try-it-bars .bar")].map((e) => Number(e.dataset.value)),
      label: label.dataset.label, score: Number(label.dataset.value),
      check: panel.querySelector(".try-it-check")!.textContent,
      heading: panel.querySelector('[data-step="scores"] h3')!.textContent,
    };
  });
}

/** Asserts that the panel's steps for `text` are the Node pipeline's. */
async function assertSameAsNode(page: Page, classifier: TextClassificationPipeline, text: string): Promise<void> {
  // The steps come first, then pipeline()'s answer on the same sentence (data-checked).
  await page.waitForFunction((t) => {
    const steps = document.querySelector<HTMLElement>(".try-it-steps");
    return steps?.dataset.sentence === t && steps.dataset.checked === t;
  }, text, { timeout: 120_000 });
  const shown = await panelSteps(page);
  const node = await nodeSteps(classifier, text);
  const id2label = (classifier.model.config as unknown as { id2label: Record<string, string> }).id2label;
  const labels = Object.keys(id2label).sort((a, b) => Number(a) - Number(b)).map((id) => id2label[id]);
  assert.deepEqual(shown.ids, node.ids, `${text}: token ids`);
  assert.deepEqual(shown.pieces, node.pieces, `${text}: word pieces`);
  assert.deepEqual(shown.logitNames, labels, `${text}: one logit per label, named by id2label`);
  assert.equal(shown.logits.length, node.logits.length);
  for (const [i, v] of shown.logits.entries()) largestDifference = Math.max(largestDifference, Math.abs(v - node.logits[i]));
  for (const [i, v] of shown.scores.entries()) largestDifference = Math.max(largestDifference, Math.abs(v - node.scores[labels[i]]));
  shown.logits.forEach((v, i) => assert.ok(Math.abs(v - node.logits[i]) <= TOLERANCE, `${text}: logit ${i} ${v} vs Node ${node.logits[i]}`));
  assert.deepEqual(shown.barNames, labels);
  shown.scores.forEach((v, i) => assert.ok(Math.abs(v - node.scores[labels[i]]) <= TOLERANCE, `${text}: ${labels[i]} ${v} vs pipeline ${node.scores[labels[i]]}`));
  assert.equal(shown.label, node.best.label, `${text}: label`);
  assert.ok(Math.abs(shown.score - node.best.score) <= TOLERANCE, `${text}: score ${shown.score} vs pipeline ${node.best.score}`);
  assert.match(shown.check ?? "", /✓ the same/);
}

/** Opens a page of a served site, recording errors, dialogs and every request that is not to the site (aborted). */
async function openServed(server: SiteServer, file: string) {
  const page = await browser!.context.newPage();
  const log = { errors: [] as string[], dialogs: [] as string[], offsite: [] as string[], requests: [] as string[] };
  page.on("console", (m) => { if (m.type() === "error") log.errors.push(m.text()); });
  page.on("pageerror", (e) => log.errors.push(e.message));
  page.on("worker", (w) => w.on("console", (m) => { if (m.type() === "error") log.errors.push(`worker: ${m.text()}`); }));
  page.on("dialog", (d) => { log.dialogs.push(d.message()); void d.dismiss(); });
  await page.route("**/*", (route) => {
    const url = route.request().url();
    log.requests.push(url);
    if (url.startsWith(server.url)) return route.continue();
    log.offsite.push(url);
    return route.abort();
  });
  await page.goto(`${server.url}${file}`, { waitUntil: "load" });
  return { page, log };
}

before(async () => {
  if (skip) return;
  demoDir = demoModel();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "book-try-it-"));
  env.allowRemoteModels = false;
  const banner = modelBanner({ kind: "demo", name: path.basename(demoDir), dir: demoDir, source: demoDir, reason: "WORKBOOK_MODEL=offline" });
  demoSite = await siteFor("demo", ["02-tokenizer", "03-base-model", "05-softmax"], banner);
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

test("the panel gives the Node pipeline's ids, logits and scores (1e-5) for what is typed, loads the model once, and stays on the site", { skip: skipFor(skip) }, async (t) => {
  const site = demoSite;
  assert.deepEqual(site.tryIt.pages, [{ slug: "02-tokenizer", model: path.basename(demoDir) }, { slug: "05-softmax", model: path.basename(demoDir) }]);
  t.diagnostic(`site weight added by the panel: ${JSON.stringify(site.tryIt.weight)} bytes`);
  const server = await serveSite(site.outDir, 0);
  t.after(() => server.close());
  const classifier = (await pipeline("sentiment-analysis", demoDir, { dtype: "fp32" })) as TextClassificationPipeline;

  const { page, log } = await openServed(server, "05-softmax.html");
  await assertSameAsNode(page, classifier, FIRST_SENTENCE);
  const firstResultMs = await page.locator(".try-it").getAttribute("data-first-result-ms");
  t.diagnostic(`first result ${firstResultMs} ms after navigation start (load average ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} cores)`);
  assert.equal(await page.locator('.try-it-step.focus').getAttribute("data-step"), "scores", "the softmax page highlights the softmax step");
  for (const text of SENTENCES) {
    await page.locator(".try-it input").fill(text);
    await assertSameAsNode(page, classifier, text);
  }
  // Typing fast: only the last sentence is shown, and it is the pipeline's.
  await page.locator(".try-it input").pressSequentially(" Really good.", { delay: 10 });
  await assertSameAsNode(page, classifier, `${SENTENCES.at(-1)} Really good.`);
  t.diagnostic(`largest |panel − Node pipeline| over the logits and scores compared: ${largestDifference.toExponential(2)}`);
  await saveScreenshot(page.locator(".try-it"), "book-try-it.png");

  assert.ok((await page.locator(".try-it-tokens .piece").allTextContents()).some((p) => p.includes("<")), "the hostile text's pieces are shown as text");
  const onnx = log.requests.filter((url) => url.endsWith("/onnx/model.onnx"));
  assert.equal(onnx.length, 1, "the model is fetched once for the page, whatever is typed");
  assert.deepEqual(log.offsite, [], "no request leaves the site (no Hub, no CDN)");
  assert.ok(log.requests.some((url) => url.endsWith("/ort/ort-wasm-simd-threaded.wasm")), "ONNX Runtime's WebAssembly comes from the site");
  assert.deepEqual(log.errors, []);
  assert.deepEqual(log.dialogs, []);
  await page.close();
});

test("a multi-label model gets one sigmoid per label, with its own label names, as the pipeline does", { skip: skipFor(skip) }, async () => {
  // The demo model's weights with a config that says multi-label and names its labels otherwise.
  const model = path.join(dir, "sad-happy-multi");
  fs.mkdirSync(path.join(model, "onnx"), { recursive: true });
  for (const file of ["tokenizer.json", "tokenizer_config.json", "onnx/model.onnx"]) fs.copyFileSync(path.join(demoDir, file), path.join(model, file));
  const config = JSON.parse(fs.readFileSync(path.join(demoDir, "config.json"), "utf8"));
  fs.writeFileSync(path.join(model, "config.json"), JSON.stringify({
    ...config, problem_type: "multi_label_classification", id2label: { 0: "sad", 1: "happy" }, label2id: { sad: 0, happy: 1 },
  }));
  const banner = modelBanner({ kind: "directory", dir: model, source: model, reason: `WORKBOOK_MODEL=${model}` });
  const site = await siteFor("multi", ["06-postprocess"], banner);
  assert.deepEqual(site.tryIt.pages, [{ slug: "06-postprocess", model: "local/sad-happy-multi" }]);
  const server = await serveSite(site.outDir, 0);
  const classifier = (await pipeline("sentiment-analysis", model, { dtype: "fp32" })) as TextClassificationPipeline;
  try {
    const { page, log } = await openServed(server, "06-postprocess.html");
    await assertSameAsNode(page, classifier, FIRST_SENTENCE);
    const shown = await panelSteps(page);
    assert.match(shown.heading ?? "", /Sigmoid/);
    assert.ok(Math.abs(shown.scores[0] + shown.scores[1] - 1) > 1e-3, "sigmoid scores need not sum to 1");
    await page.locator(".try-it input").fill(SENTENCES[0]);
    await assertSameAsNode(page, classifier, SENTENCES[0]);
    assert.deepEqual([log.offsite, log.errors], [[], []]);
    await page.close();
  } finally {
    await server.close();
  }
});

test("opened from file://, the panel says it needs --serve, shows the command, and starts nothing", { skip: skipFor(skip) }, async () => {
  const file = path.join(demoSite.outDir, "02-tokenizer.html");
  const page = await browser!.context.newPage();
  const errors: string[] = [];
  let workers = 0;
  page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
  page.on("pageerror", (e) => errors.push(e.message));
  page.on("worker", () => workers++);
  await page.goto(pathToFileURL(file).href, { waitUntil: "load" });
  const status = page.locator(".try-it-status");
  await page.waitForFunction(() => document.querySelector(".try-it")?.classList.contains("needs-server"));
  assert.match(await status.innerText(), /needs the site served over http/);
  assert.equal(await status.locator("code").innerText(), SERVE_COMMAND);
  assert.equal(await page.locator(".try-it-steps").isHidden(), true);
  await page.waitForTimeout(300);
  assert.deepEqual([errors, workers], [[], 0]);
  await page.close();
});
