// The try-it panel's build side: which pages get it, which model it ships, and the library rewritten for a worker.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { CSP } from "../../scripts/book/page";
import { buildSite, type SiteResult } from "../../scripts/book/site";
import { InferenceSession, Tensor } from "onnxruntime-node";
import { findPanelModel, PANEL_MODEL_FILES, renderPanel, TRY_IT_PAGES, transformersForWorker, warmUpModel } from "../../scripts/book/try-it";
import { decodeModel } from "../../src/onnx/proto";
import { modelBanner } from "../../src/model/banner";
import { demoModel } from "../helpers/demo-model";
import { pageTools, writeCourse } from "./fixture";

let dir: string;
let demoDir: string;
let site: SiteResult;

const notebook = (banner: string) => ({
  cells: [
    { cell_type: "markdown", id: "m", metadata: {}, source: ["# A step\n", "\n", "Its introduction.\n"] },
    { cell_type: "code", id: "c", execution_count: 1, metadata: {}, source: ["console.log(banner);"], outputs: [{ output_type: "stream", name: "stdout", text: [`${banner}\n`] }] },
  ],
  metadata: { kernelspec: { display_name: "TypeScript", language: "typescript", name: "tslab" } },
  nbformat: 4, nbformat_minor: 5,
});

const demoBanner = () => modelBanner({ kind: "demo", name: path.basename(demoDir), dir: demoDir, source: demoDir, reason: "WORKBOOK_MODEL=offline" });

before(async () => {
  demoDir = demoModel();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "book-try-it-unit-"));
  const slugs = ["01-pipeline", "02-tokenizer", "04-logits", "05-softmax", "06-postprocess", "07-t5-logits"];
  site = await buildSite(writeCourse(path.join(dir, "executed"), Object.fromEntries(slugs.map((s) => [s, notebook(demoBanner())]))), path.join(dir, "book"), { tools: pageTools });
});
after(() => fs.rmSync(dir, { recursive: true, force: true }));

const read = (file: string) => fs.readFileSync(path.join(site.outDir, file), "utf8");

test("the tokenizer, logits, softmax and post-processing pages get the panel, after their introduction, each highlighting its step", () => {
  assert.deepEqual(site.tryIt.pages.map((p) => p.slug), ["02-tokenizer", "04-logits", "05-softmax", "06-postprocess"]);
  for (const [slug, step] of Object.entries(TRY_IT_PAGES)) {
    const html = read(`${slug}.html`);
    assert.match(html, new RegExp(`class="try-it-step focus" data-step="${step}"`), slug);
    assert.ok(html.indexOf("Its introduction.") < html.indexOf('class="try-it"'), `${slug}: the panel follows the introduction`);
    assert.ok(html.indexOf('class="try-it"') < html.indexOf('id="cell-2"'), `${slug}: and comes before the code`);
    assert.match(html, new RegExp(`data-model="${path.basename(demoDir)}" data-dtype="fp32"`));
    // The panel's script is the first thing in <head> after the policy, before the styles, so its worker starts first.
    const script = `<script src="assets/try-it/panel.js" data-model="${path.basename(demoDir)}" data-dtype="fp32" async></script>`;
    assert.ok(html.indexOf(script) > html.indexOf('http-equiv="Content-Security-Policy"'), `${slug}: the script comes after the policy`);
    assert.ok(html.indexOf(script) < html.indexOf('<link rel="stylesheet"'), `${slug}: and before the styles`);
  }
  for (const slug of ["01-pipeline", "07-t5-logits", "index"]) {
    assert.doesNotMatch(read(`${slug}.html`), /try-it/, `${slug} has no panel`);
  }
});

test("the site ships the panel's scripts, a worker-ready transformers.js, ONNX Runtime's plain WASM and the model, once", () => {
  const tryIt = path.join(site.outDir, "assets", "try-it");
  const library = fs.readFileSync(path.join(tryIt, "transformers.web.min.js"), "utf8");
  assert.doesNotMatch(library, /from\s*"onnxruntime-(web|common)/, "no bare import left for the worker to fail on");
  assert.equal(library.split('from"./ort/ort.wasm.bundle.min.mjs"').length - 1, 2);
  for (const file of ["panel.js", "worker.js", "ort/ort.wasm.bundle.min.mjs", "ort/ort-wasm-simd-threaded.wasm"]) {
    assert.ok(fs.statSync(path.join(tryIt, file)).size > 0, file);
  }
  const model = path.join(tryIt, "models", path.basename(demoDir));
  for (const file of ["config.json", "tokenizer.json", "tokenizer_config.json", "onnx/model.onnx"]) {
    assert.deepEqual(fs.readFileSync(path.join(model, file)), fs.readFileSync(path.join(demoDir, file)), file);
  }
  assert.ok(!fs.existsSync(path.join(tryIt, "ort", "ort-wasm-simd-threaded.asyncify.wasm")), "not the 27 MB asyncify build");
  assert.ok(!fs.existsSync(path.join(tryIt, "ort", "ort-wasm-simd-threaded.mjs")), "nor the loader the bundle already holds");
  const { code, runtime, models } = site.tryIt.weight;
  const onDisk = (d: string): number => fs.readdirSync(d, { withFileTypes: true }).reduce((sum, e) => sum + (e.isDirectory() ? onDisk(path.join(d, e.name)) : fs.statSync(path.join(d, e.name)).size), 0);
  assert.equal(code + runtime + models, onDisk(tryIt), "the stated weight is what the folder holds");
});

test("the pages' policy lets only the site's own scripts run, as workers too; WebAssembly is not allowed on the page itself", () => {
  assert.match(CSP, /script-src 'self';/);
  assert.match(CSP, /worker-src 'self';/);
  assert.doesNotMatch(CSP, /unsafe-eval|blob:/);
  assert.match(read("05-softmax.html"), /<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'self'; worker-src 'self';/);
});

test("findPanelModel follows the banner to the demo model, a cached Hub checkpoint or a directory, and says why when it cannot", () => {
  const demo = findPanelModel({ text: demoBanner(), kind: "demo", source: "output" });
  assert.ok(!("why" in demo));
  assert.deepEqual([demo.id, demo.dir, demo.labels, demo.multiLabel], [path.basename(demoDir), demoDir, ["NEGATIVE", "POSITIVE"], false]);

  const cache = fs.mkdtempSync(path.join(dir, "hf-cache-"));
  const id = "Xenova/distilbert-base-uncased-finetuned-sst-2-english";
  const hubDir = path.join(cache, ...id.split("/"));
  const banner = modelBanner({ kind: "hub", id, source: id, isDefault: true, offline: false, endpoint: "https://huggingface.co/", cacheDir: cache, reason: "default" });
  const saved = process.env.WORKBOOK_HF_CACHE;
  process.env.WORKBOOK_HF_CACHE = cache;
  try {
    assert.match((findPanelModel({ text: banner, kind: "checkpoint", source: "output" }) as { why: string }).why, /lacks config\.json, tokenizer\.json, tokenizer_config\.json, onnx\/model\.onnx/);
    fs.mkdirSync(path.join(hubDir, "onnx"), { recursive: true });
    for (const file of ["tokenizer.json", "tokenizer_config.json", "onnx/model.onnx"]) fs.copyFileSync(path.join(demoDir, file), path.join(hubDir, file));
    fs.writeFileSync(path.join(hubDir, "config.json"), JSON.stringify({ id2label: { 0: "anger", 1: "joy", 2: "fear" }, problem_type: "multi_label_classification" }));
    const hub = findPanelModel({ text: banner, kind: "checkpoint", source: "output" });
    assert.ok(!("why" in hub));
    assert.deepEqual([hub.id, hub.dir, hub.labels, hub.multiLabel], [id, hubDir, ["anger", "joy", "fear"], true]);
  } finally {
    if (saved === undefined) delete process.env.WORKBOOK_HF_CACHE;
    else process.env.WORKBOOK_HF_CACHE = saved;
  }

  const local = findPanelModel({ text: modelBanner({ kind: "directory", dir: hubDir, source: hubDir, reason: "WORKBOOK_MODEL=x" }), kind: "checkpoint", source: "output" });
  assert.ok(!("why" in local));
  assert.equal(local.id, "local/distilbert-base-uncased-finetuned-sst-2-english");
  assert.match((findPanelModel({ text: "This notebook did not say which model produced its outputs.", kind: "unknown", source: "none" }) as { why: string }).why, /does not say which model/);
});

test("the worker fetches, up front, the files PANEL_MODEL_FILES says the panel ships", () => {
  const worker = read("assets/try-it/worker.js");
  for (const file of PANEL_MODEL_FILES) {
    const named = file === "onnx/model.onnx" ? /dtype === "fp32" \? "onnx\/model\.onnx"/ : new RegExp(`"${file.replace(/\./g, "\\.")}"`);
    assert.match(worker, named, file);
  }
});

test("the worker's warm-up model is warmUpModel(): one Identity node on one float, which ONNX Runtime runs", async () => {
  const literal = /const WARM_UP_MODEL = "([A-Za-z0-9+/=]+)";/.exec(read("assets/try-it/worker.js"));
  assert.ok(literal, "worker.js holds the warm-up model in base64");
  const bytes = Buffer.from(literal[1], "base64");
  assert.ok(Buffer.from(warmUpModel()).equals(bytes), "worker.js's bytes are warmUpModel()'s: update the literal after changing it");
  assert.deepEqual(decodeModel(bytes).graph!.node!.map((n) => n.opType), ["Identity"]);
  const session = await InferenceSession.create(bytes);
  const { y } = await session.run({ x: new Tensor("float32", new Float32Array([0.25]), [1]) });
  assert.deepEqual(Array.from(y.data as Float32Array), [0.25]);
  await session.release();
});

test("a page whose model is not on this machine gets a panel that says so, and no script", () => {
  const html = renderPanel("tokens", { text: "<b>Model</b>", kind: "unknown", source: "none" }, { why: "the page does not say <which> model" });
  assert.match(html, /class="try-it unavailable"/);
  assert.match(html, /no copy of it: the page does not say &lt;which&gt; model\./);
  assert.doesNotMatch(html, /data-model|<script/);
});

test("transformersForWorker refuses a transformers.js build whose imports it does not know", () => {
  assert.equal(transformersForWorker('import*as a from"onnxruntime-web/webgpu";import{Tensor}from"onnxruntime-common";'),
    'import*as a from"./ort/ort.wasm.bundle.min.mjs";import{Tensor}from"./ort/ort.wasm.bundle.min.mjs";');
  assert.throws(() => transformersForWorker('import*as a from"onnxruntime-web";'), /has 0 imports of "onnxruntime-web\/webgpu", not 1: .*update BARE_IMPORTS/);
});
