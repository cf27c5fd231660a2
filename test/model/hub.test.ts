// The Hub paths of the loader, exercised against a local HTTP server that serves the fixture in the
// Hub's URL layout (HF_ENDPOINT points transformers.js at it). Nothing here reaches the network.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as path from "node:path";
import { ensureFixture, hubCacheDir, loadSentimentModel, ModelLoadError } from "../../src/model";
import { SENTIMENT_FIXTURE_NAME } from "../../src/fixtures";

const SERVED_ID = "workbook-test/served-demo";
const SENTENCES = ["I've been waiting for a HuggingFace course my whole life.", "I hate this so much!"];
const cacheOfTests = path.join(hubCacheDir(), "workbook-test");

let fixture: string;
let server: http.Server;
let endpoint: string;
const requests: string[] = [];

function listen(handler: http.RequestListener): Promise<http.Server> {
  const s = http.createServer(handler);
  return new Promise((resolve) => s.listen(0, "127.0.0.1", () => resolve(s)));
}
const urlOf = (s: http.Server) => `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
const stop = (s: http.Server) => new Promise<void>((resolve) => { s.closeAllConnections(); s.close(() => resolve()); });

/** A port nothing listens on: connections to it are refused at once. */
async function deadEndpoint(): Promise<string> {
  const s = await listen(() => undefined);
  const url = urlOf(s);
  await stop(s);
  return url;
}

before(async () => {
  fixture = ensureFixture(SENTIMENT_FIXTURE_NAME).dir;
  fs.rmSync(cacheOfTests, { recursive: true, force: true });
  server = await listen((request, response) => {
    requests.push(`${request.method} ${request.url}`);
    const match = /^\/workbook-test\/served-demo\/resolve\/main\/(.+)$/.exec(request.url ?? "");
    const file = match && path.join(fixture, decodeURIComponent(match[1]));
    if (!file || !file.startsWith(fixture) || !fs.existsSync(file)) {
      response.writeHead(404).end("Entry not found");
      return;
    }
    const body = fs.readFileSync(file);
    response.writeHead(200, { "content-length": body.length, "content-type": "application/octet-stream" });
    response.end(request.method === "HEAD" ? undefined : body);
  });
  endpoint = urlOf(server);
});

after(async () => {
  await stop(server);
  fs.rmSync(cacheOfTests, { recursive: true, force: true });
});

test("a Hub id is downloaded into build/hf-cache and runs like the local fixture", async () => {
  const hub = await loadSentimentModel({ env: { WORKBOOK_MODEL: SERVED_ID, HF_ENDPOINT: endpoint }, onnxFiles: ["quantized"] });
  assert.equal(hub.choice.kind, "hub");
  assert.ok(requests.some((r) => r.endsWith("/onnx/model.onnx")), "the model was fetched from the endpoint");
  for (const file of ["config.json", "tokenizer.json", "tokenizer_config.json", "onnx/model.onnx", "onnx/model_quantized.onnx"]) {
    assert.ok(fs.existsSync(path.join(cacheOfTests, "served-demo", file)), `${file} is cached in build/hf-cache`);
  }
  assert.equal(hub.onnxPath("fp32"), path.join(cacheOfTests, "served-demo", "onnx", "model.onnx"));
  assert.equal(hub.onnxPath("quantized"), path.join(cacheOfTests, "served-demo", "onnx", "model_quantized.onnx"));
  assert.match(hub.banner, /^Model: workbook-test\/served-demo \(Hugging Face Hub; WORKBOOK_MODEL=workbook-test\/served-demo\): numbers will differ/);
  const local = await loadSentimentModel({ env: { WORKBOOK_MODEL: "offline" } });
  assert.deepEqual(await hub.classifier(SENTENCES), await local.classifier(SENTENCES));
  await hub.model.dispose();
  await local.model.dispose();
});

test("with HF_HUB_OFFLINE=1 a cached Hub model loads without asking the server", async () => {
  const before = requests.length;
  const cached = await loadSentimentModel({ env: { WORKBOOK_MODEL: SERVED_ID, HF_ENDPOINT: endpoint, HF_HUB_OFFLINE: "1" } });
  assert.equal(requests.length, before, "no request reached the server");
  assert.match(cached.banner, /from the local cache \(offline\)/);
  await cached.model.dispose();
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

test("when the Hub refuses connections the default falls back to the fixture and says so in one line", async () => {
  const lines: string[] = [];
  const fallback = await loadSentimentModel({ env: { HF_ENDPOINT: await deadEndpoint() }, log: (line) => lines.push(line) });
  assert.equal(fallback.choice.kind, "fixture");
  assert.equal(lines.length, 1);
  assert.match(lines[0], /^Model: offline demo model distilbert-sst2-demo, because the Hugging Face Hub cannot be reached \(.*ECONNREFUSED.*\): its numbers differ from the course\./);
  assert.equal(fallback.banner, lines[0]);
  await fallback.model.dispose();
});

test("when the Hub does not answer in time the default falls back too", async () => {
  const silent = await listen(() => undefined);
  try {
    const lines: string[] = [];
    const started = performance.now();
    const fallback = await loadSentimentModel({ env: { HF_ENDPOINT: urlOf(silent) }, hubTimeoutMs: 300, log: (line) => lines.push(line) });
    assert.equal(fallback.choice.kind, "fixture");
    assert.match(lines.join("\n"), /no answer from http:\/\/127\.0\.0\.1:\d+\/ within 300 ms/);
    assert.ok(performance.now() - started < 5000, "the timeout bounds the wait");
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
