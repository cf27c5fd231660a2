// chooseCheckpoint: the one helper a notebook's loading cell keeps. It picks the checkpoint and sets up
// transformers.js's env; the notebook then calls pipeline() and from_pretrained() itself.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { AutoModelForSequenceClassification, AutoTokenizer, env as transformersEnv, pipeline } from "@huggingface/transformers";
import { chooseCheckpoint, ensureDemoModel, ModelLoadError } from "../../src/model";
import { SENTIMENT_DEMO_MODEL_NAME } from "../../src/demo-models";
import { COURSE_SENTENCES } from "../../src/course";
import { deadEndpoint, serveAsHub, type LocalHub } from "../helpers/local-hub";

const SERVED_ID = "workbook-test/checkpoint-demo";
let modelDir: string;
let hub: LocalHub;
let cacheDir: string;

before(async () => {
  modelDir = ensureDemoModel(SENTIMENT_DEMO_MODEL_NAME).dir;
  hub = await serveAsHub(SERVED_ID, modelDir);
  cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), "checkpoint-cache-"));
});
after(async () => {
  await hub.close();
  fs.rmSync(cacheDir, { recursive: true, force: true });
});

test("WORKBOOK_MODEL=offline gives the demo model's directory, which pipeline() and from_pretrained() load", async () => {
  const chosen = await chooseCheckpoint({ env: { WORKBOOK_MODEL: "offline" } });
  assert.equal(chosen.checkpoint, modelDir);
  assert.equal(chosen.isDemoModel, true);
  assert.equal(chosen.isCourseCheckpoint, false);
  assert.equal(transformersEnv.allowRemoteModels, false, "the demo model never downloads");
  assert.equal(await chosen.onnxFile(), path.join(modelDir, "onnx", "model.onnx"));
  assert.ok(chosen.banner.split("\n").every((line) => line.length <= 100), chosen.banner);
  const classifier = await pipeline("sentiment-analysis", chosen.checkpoint);
  const tokenizer = await AutoTokenizer.from_pretrained(chosen.checkpoint);
  const model = await AutoModelForSequenceClassification.from_pretrained(chosen.checkpoint);
  const predictions = (await classifier([...COURSE_SENTENCES])) as { label: string }[];
  const { logits } = await model(tokenizer([...COURSE_SENTENCES], { padding: true, truncation: true }));
  assert.deepEqual(predictions.map((p) => p.label), Array.from(logits.tolist() as number[][], (row) => (row[1] > row[0] ? "POSITIVE" : "NEGATIVE")));
  await classifier.dispose();
  await model.dispose();
});

test("the default checkpoint falls back to the demo model when the Hub refuses connections, and the banner says why", async () => {
  const chosen = await chooseCheckpoint({ env: { HF_ENDPOINT: await deadEndpoint(), WORKBOOK_HF_CACHE: cacheDir } });
  assert.equal(chosen.isDemoModel, true);
  assert.match(chosen.banner.replace(/\n/g, " "), /because the Hugging Face Hub cannot be reached \(.*ECONNREFUSED.*\)/);
});

test("a Hub id is handed over as the id; onnxFile downloads the ONNX file into the cache", async () => {
  const chosen = await chooseCheckpoint({ env: { WORKBOOK_MODEL: SERVED_ID, HF_ENDPOINT: hub.endpoint, WORKBOOK_HF_CACHE: cacheDir } });
  assert.equal(chosen.checkpoint, SERVED_ID);
  assert.equal(chosen.isDemoModel, false);
  const file = await chosen.onnxFile();
  assert.equal(file, path.join(cacheDir, "workbook-test", "checkpoint-demo", "onnx", "model.onnx"));
  assert.deepEqual(fs.readFileSync(file), fs.readFileSync(path.join(modelDir, "onnx", "model.onnx")));
});

test("HF_HUB_OFFLINE=1 with a Hub id that was never downloaded is an error naming the missing file and the fix", async () => {
  await assert.rejects(
    chooseCheckpoint({ env: { WORKBOOK_MODEL: "workbook-test/never-downloaded", HF_HUB_OFFLINE: "1", WORKBOOK_HF_CACHE: cacheDir } }),
    (error: Error) => error instanceof ModelLoadError && /config\.json is not in .* forbids downloading it/.test(error.message) &&
      error.message.includes("WORKBOOK_MODEL=offline"),
  );
});

test("a directory without its ONNX file is refused before transformers.js sees it", async () => {
  const dir = fs.mkdtempSync(path.join(cacheDir, "partial-"));
  for (const file of ["config.json", "tokenizer.json", "tokenizer_config.json"]) fs.copyFileSync(path.join(modelDir, file), path.join(dir, file));
  await assert.rejects(chooseCheckpoint({ env: { WORKBOOK_MODEL: dir } }), /is missing onnx\/model\.onnx/);
});
