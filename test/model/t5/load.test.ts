// Choosing and loading the T5. Hub paths run against a local HTTP server in the Hub's URL layout
// (HF_ENDPOINT points transformers.js at it); nothing here reaches the network.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { SENTIMENT_DEMO_MODEL_NAME, T5_DEMO_MODEL_NAME } from "../../../src/demo-models";
import { demoModelDir, hubCacheDir, ModelLoadError } from "../../../src/model";
import { deadEndpoint, emptyHubCache, serveAsHub, type LocalHub } from "../../helpers/local-hub";
import { chooseT5Model, loadT5Model, t5Banner, T5_DEFAULT_HUB_MODEL } from "../../../src/model/t5";
import { demoModel } from "../../helpers/demo-model";

const SERVED_ID = "workbook-test/t5-served";
// build/hf-cache itself (an empty environment), whatever WORKBOOK_HF_CACHE the shell running the tests sets.
const cacheOfTests = path.join(hubCacheDir({}), "workbook-test", "t5-served");
let t5Dir: string;
let hub: LocalHub;
let endpoint: string;
let requests: string[];

before(async () => {
  fs.rmSync(cacheOfTests, { recursive: true, force: true });
  t5Dir = demoModel(T5_DEMO_MODEL_NAME);
  hub = await serveAsHub(SERVED_ID, t5Dir);
  ({ endpoint, requests } = hub);
});

after(async () => {
  await hub.close();
  fs.rmSync(cacheOfTests, { recursive: true, force: true });
});

test("by default notebook 07 runs Xenova/t5-small from the Hub", () => {
  const choice = chooseT5Model({});
  assert.equal(choice.kind, "hub");
  assert.ok(choice.kind === "hub" && choice.id === T5_DEFAULT_HUB_MODEL && choice.isDefault);
});

test("WORKBOOK_MODEL=offline and HF_HUB_OFFLINE=1 choose the T5 demo model, following the workbook's rule", () => {
  for (const env of [{ WORKBOOK_MODEL: "offline" }, { HF_HUB_OFFLINE: "1" }]) {
    const choice = chooseT5Model(env);
    assert.equal(choice.kind, "demo");
    assert.ok(choice.kind === "demo" && choice.name === T5_DEMO_MODEL_NAME && choice.dir === demoModelDir(T5_DEMO_MODEL_NAME));
  }
});

test("an explicit Hub id is used as given", () => {
  const choice = chooseT5Model({ WORKBOOK_MODEL: "someone/flan-t5-tiny" });
  assert.ok(choice.kind === "hub" && choice.id === "someone/flan-t5-tiny" && !choice.isDefault);
});

test("the demo's banner says in lines of at most 100 characters that it copies its input and that its sizes differ", () => {
  const banner = t5Banner(chooseT5Model({ WORKBOOK_MODEL: "offline" }), { dModel: 96, vocabSize: 4224 });
  assert.deepEqual(banner.split("\n").filter((line) => line.length > 100), []);
  assert.match(banner, /^Model: offline demo T5 t5-demo \(WORKBOOK_MODEL=offline\).*copy the input.*d_model 96, vocab 4224 instead of t5-small's 512 and 32128/s);
  assert.equal(t5Banner(chooseT5Model({}), { dModel: 512, vocabSize: 32128 }), "Model: Xenova/t5-small, this notebook's default checkpoint (Hugging Face Hub).");
  const other = t5Banner(chooseT5Model({ WORKBOOK_MODEL: "someone/flan-t5-tiny" }), { dModel: 512, vocabSize: 32128 });
  assert.match(other, /^Model: someone\/flan-t5-tiny \(Hugging Face Hub; .*\): numbers will differ from t5-small's\.$/);
  assert.doesNotMatch(other, /course/, "the course has no T5 figures to compare with");
});

test("offline, the demo loads with its numbers read from its config and tokenizer", async () => {
  const t5 = await loadT5Model({ env: { WORKBOOK_MODEL: "offline" } });
  assert.equal(t5.choice.kind, "demo");
  assert.deepEqual(
    { ...t5.spec, tokenizerSize: undefined },
    { dModel: 96, vocabSize: 4224, tokenizerSize: undefined, decoderStartTokenId: 0, padTokenId: 0, eosTokenId: 1, maxInputTokens: 128 },
  );
  assert.ok(t5.spec.tokenizerSize < t5.spec.vocabSize);
  assert.equal(t5.onnxPath("decoder"), path.join(t5Dir, "onnx", "decoder_model_merged.onnx"));
  assert.equal(t5.onnxPath("encoder"), path.join(t5Dir, "onnx", "encoder_model.onnx"));
  await t5.model.dispose();
});

test("when the Hub cannot be reached, the default falls back to the demo and says so in one line", async (t) => {
  // An empty cache: a Xenova/t5-small that an online run cached in build/hf-cache would load instead.
  const env = { HF_ENDPOINT: await deadEndpoint(), WORKBOOK_HF_CACHE: emptyHubCache(t) };
  const lines: string[] = [];
  const t5 = await loadT5Model({ env, log: (line) => lines.push(line) });
  assert.equal(t5.choice.kind, "demo");
  assert.equal(lines.length, 1);
  assert.equal(lines[0], t5.banner);
  assert.match(t5.banner, /^Model: offline demo T5 t5-demo, because the Hugging Face Hub cannot be reached\n\(.+\)/);
  await t5.model.dispose();
});

test("a Hub T5 is downloaded into build/hf-cache, and its ONNX paths point there", async () => {
  const t5 = await loadT5Model({ env: { WORKBOOK_MODEL: SERVED_ID, HF_ENDPOINT: endpoint } });
  assert.equal(t5.choice.kind, "hub");
  assert.ok(requests.some((r) => r.endsWith("/onnx/decoder_model_merged.onnx")));
  assert.ok(!requests.some((r) => r.endsWith("/onnx/decoder_model.onnx")), "transformers.js never asks for the unmerged decoder");
  assert.equal(t5.onnxPath("decoder"), path.join(cacheOfTests, "onnx", "decoder_model_merged.onnx"));
  assert.match(t5.banner, /^Model: workbook-test\/t5-served \(Hugging Face Hub; WORKBOOK_MODEL=workbook-test\/t5-served\)/);
  await t5.model.dispose();
});

test("with WORKBOOK_HF_CACHE the Hub T5 is downloaded there, and its ONNX paths point there", async () => {
  const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), "workbook-t5-cache-"));
  try {
    const choice = chooseT5Model({ WORKBOOK_HF_CACHE: cacheDir });
    assert.ok(choice.kind === "hub" && choice.id === T5_DEFAULT_HUB_MODEL && choice.cacheDir === cacheDir, "the default T5 keeps the moved cache");
    const t5 = await loadT5Model({ env: { WORKBOOK_MODEL: SERVED_ID, HF_ENDPOINT: endpoint, WORKBOOK_HF_CACHE: cacheDir } });
    for (const part of ["encoder", "decoder"] as const) {
      const file = path.join(cacheDir, "workbook-test", "t5-served", "onnx", path.basename(t5.onnxPath(part)));
      assert.equal(t5.onnxPath(part), file);
      assert.ok(fs.existsSync(file), `${part} is cached in WORKBOOK_HF_CACHE`);
    }
    await t5.model.dispose();
  } finally {
    fs.rmSync(cacheDir, { recursive: true, force: true });
  }
});

test("a directory without the T5 files is refused, naming the missing ones and the fix", async () => {
  const sentimentDir = demoModel(SENTIMENT_DEMO_MODEL_NAME);
  await assert.rejects(loadT5Model({ env: { WORKBOOK_MODEL: sentimentDir } }), (error: unknown) => {
    assert.ok(error instanceof ModelLoadError);
    assert.match(error.message, /missing onnx\/encoder_model\.onnx, onnx\/decoder_model_merged\.onnx.*WORKBOOK_MODEL=offline/);
    return true;
  });
});

test("a model that is not an encoder-decoder is refused with the fix", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "not-t5-"));
  try {
    fs.cpSync(t5Dir, dir, { recursive: true });
    const config = JSON.parse(fs.readFileSync(path.join(dir, "config.json"), "utf8"));
    fs.writeFileSync(path.join(dir, "config.json"), JSON.stringify({ ...config, is_encoder_decoder: false }));
    await assert.rejects(loadT5Model({ env: { WORKBOOK_MODEL: dir } }), /is not an encoder–decoder model.*WORKBOOK_MODEL=offline/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
