// The Hub paths of the loader, exercised against a local HTTP server that serves the demo model in the
// Hub's URL layout (HF_ENDPOINT points transformers.js at it). Nothing here reaches the network.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { hubCacheDir, loadSentimentModel, ModelLoadError } from "../../src/model";
import { SENTIMENT_DEMO_MODEL_NAME } from "../../src/demo-models";
import { deadEndpoint, emptyHubCache, listen, serveAsHub, stop, urlOf, type LocalHub } from "../helpers/local-hub";
import { demoModel } from "../helpers/demo-model";

const SERVED_ID = "workbook-test/served-demo";
const SENTENCES = ["I've been waiting for a HuggingFace course my whole life.", "I hate this so much!"];
// build/hf-cache itself (an empty environment), whatever WORKBOOK_HF_CACHE the shell running the tests sets.
const cacheOfTests = path.join(hubCacheDir({}), "workbook-test");

let hub: LocalHub;
let endpoint: string;
let requests: string[];

before(async () => {
  fs.rmSync(cacheOfTests, { recursive: true, force: true });
  hub = await serveAsHub(SERVED_ID, demoModel(SENTIMENT_DEMO_MODEL_NAME));
  ({ endpoint, requests } = hub);
});

after(async () => {
  await hub.close();
  fs.rmSync(cacheOfTests, { recursive: true, force: true });
});

test("a Hub id is downloaded into build/hf-cache and runs like the local demo model", async () => {
  const hub = await loadSentimentModel({ env: { WORKBOOK_MODEL: SERVED_ID, HF_ENDPOINT: endpoint }, onnxFiles: ["q8"] });
  assert.equal(hub.choice.kind, "hub");
  assert.ok(requests.some((r) => r.endsWith("/onnx/model.onnx")), "the model was fetched from the endpoint");
  for (const file of ["config.json", "tokenizer.json", "tokenizer_config.json", "onnx/model.onnx", "onnx/model_quantized.onnx"]) {
    assert.ok(fs.existsSync(path.join(cacheOfTests, "served-demo", file)), `${file} is cached in build/hf-cache`);
  }
  assert.equal(hub.onnxPath("fp32"), path.join(cacheOfTests, "served-demo", "onnx", "model.onnx"));
  assert.equal(hub.onnxPath("q8"), path.join(cacheOfTests, "served-demo", "onnx", "model_quantized.onnx"));
  assert.match(hub.banner.replace(/\n/g, " "), /^Model: workbook-test\/served-demo \(Hugging Face Hub; WORKBOOK_MODEL=workbook-test\/served-demo\): numbers will differ/);
  const local = await loadSentimentModel({ env: { WORKBOOK_MODEL: "offline" } });
  assert.deepEqual(await hub.classifier(SENTENCES), await local.classifier(SENTENCES));
  await hub.model.dispose();
  await local.model.dispose();
});

test("with HF_HUB_OFFLINE=1 a cached Hub model loads without asking the server", async () => {
  const before = requests.length;
  const cached = await loadSentimentModel({ env: { WORKBOOK_MODEL: SERVED_ID, HF_ENDPOINT: endpoint, HF_HUB_OFFLINE: "1" } });
  assert.equal(requests.length, before, "no request reached the server");
  assert.match(cached.banner.replace(/\n/g, " "), /from the local cache \(offline\)/);
  await cached.model.dispose();
});

test("WORKBOOK_HF_CACHE keeps downloads out of build/hf-cache: the files, onnxPath and the offline message use it", async () => {
  const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), "workbook-hf-cache-"));
  try {
    const env = { WORKBOOK_MODEL: SERVED_ID, HF_ENDPOINT: endpoint, WORKBOOK_HF_CACHE: cacheDir };
    const before = requests.length;
    const moved = await loadSentimentModel({ env });
    assert.ok(requests.slice(before).some((r) => r.endsWith("/onnx/model.onnx")), "downloaded again, not read from build/hf-cache");
    assert.equal(moved.onnxPath("fp32"), path.join(cacheDir, "workbook-test", "served-demo", "onnx", "model.onnx"));
    for (const file of ["config.json", "tokenizer.json", "tokenizer_config.json", "onnx/model.onnx"]) {
      assert.ok(fs.existsSync(path.join(cacheDir, "workbook-test", "served-demo", file)), `${file} is cached in WORKBOOK_HF_CACHE`);
    }
    await moved.model.dispose();
    const cachedAt = requests.length;
    const offline = await loadSentimentModel({ env: { ...env, HF_HUB_OFFLINE: "1" } });
    assert.equal(requests.length, cachedAt, "offline, the moved cache serves it");
    await offline.model.dispose();
    await assert.rejects(
      loadSentimentModel({ env: { ...env, WORKBOOK_MODEL: "workbook-test/never-downloaded", HF_HUB_OFFLINE: "1" } }),
      (error: Error) => error instanceof ModelLoadError && error.message.includes(`is not in ${cacheDir} and HF_HUB_OFFLINE=1`),
    );
  } finally {
    fs.rmSync(cacheDir, { recursive: true, force: true });
  }
});

test("with HF_HUB_OFFLINE=1 a Hub model that is not cached is refused, naming the id, the flag and the fix", async () => {
  await assert.rejects(
    loadSentimentModel({ env: { WORKBOOK_MODEL: "workbook-test/never-downloaded", HF_ENDPOINT: endpoint, HF_HUB_OFFLINE: "1" } }),
    (error: Error) => error instanceof ModelLoadError && error.location === "workbook-test/never-downloaded" &&
      error.message.includes("HF_HUB_OFFLINE=1 forbids downloading") && error.message.includes("WORKBOOK_MODEL=offline"),
  );
});

test("an unknown Hub id is refused, naming the id and the fix, with no fallback", async () => {
  await assert.rejects(
    loadSentimentModel({ env: { WORKBOOK_MODEL: "workbook-test/no-such-model", HF_ENDPOINT: endpoint } }),
    (error: Error) => error instanceof ModelLoadError && error.location === "workbook-test/no-such-model" &&
      error.message.includes(`${endpoint}/workbook-test/no-such-model`) && error.message.includes("WORKBOOK_MODEL=offline"),
  );
});

test("when the Hub refuses connections the default falls back to the demo model and says so in one line", async (t) => {
  const lines: string[] = [];
  const env = { HF_ENDPOINT: await deadEndpoint(), WORKBOOK_HF_CACHE: emptyHubCache(t) };
  const fallback = await loadSentimentModel({ env, log: (line) => lines.push(line) });
  assert.equal(fallback.choice.kind, "demo");
  assert.equal(lines.length, 1);
  assert.match(lines[0].replace(/\n/g, " "), /^Model: offline demo model distilbert-sst2-demo, because the Hugging Face Hub cannot be reached \(.*ECONNREFUSED.*\): its numbers differ from the course\./);
  assert.equal(fallback.banner, lines[0]);
  await fallback.model.dispose();
});

test("when the Hub does not answer in time the default falls back too", async (t) => {
  const silent = await listen(() => undefined);
  try {
    const lines: string[] = [];
    const started = performance.now();
    const fallback = await loadSentimentModel({ env: { HF_ENDPOINT: urlOf(silent), WORKBOOK_HF_CACHE: emptyHubCache(t) }, hubTimeoutMs: 300, log: (line) => lines.push(line) });
    assert.equal(fallback.choice.kind, "demo");
    assert.match(lines.join("\n").replace(/\n/g, " "), /no answer from http:\/\/127\.0\.0\.1:\d+\/ within 300 ms/);
    // The silent server never answers: without the timeout this would wait until the test runner gave up.
    assert.ok(performance.now() - started < 60_000, "the timeout bounds the wait");
    await fallback.model.dispose();
  } finally {
    await stop(silent);
  }
});

test("a model named explicitly does not fall back: an unreachable Hub is an error", async () => {
  await assert.rejects(
    loadSentimentModel({ env: { WORKBOOK_MODEL: "workbook-test/elsewhere", HF_ENDPOINT: await deadEndpoint() } }),
    (error: Error) => error instanceof ModelLoadError && /ECONNREFUSED/.test(error.message),
  );
});
