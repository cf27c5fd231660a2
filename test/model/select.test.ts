import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { env as transformersEnv } from "@huggingface/transformers";
import {
  chooseModel, DEFAULT_HUB_MODEL, demoModelDir, hubCacheDir, modelBanner, ModelSelectionError, modelsDir, projectRoot, selectModel,
} from "../../src/model";
import { SENTIMENT_DEMO_MODEL_NAME } from "../../src/demo-models";

test("projectRoot is the folder of this project's package.json, whether code runs from src/ or dist/", () => {
  const root = projectRoot();
  assert.equal(JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")).name, "behind-the-pipeline");
  assert.equal(root, path.resolve(__dirname, "..", ".."));
  const fromDist = require(path.join(root, "dist", "model", "paths.js")) as { projectRoot(): string };
  assert.equal(fromDist.projectRoot(), root);
});

test("demo model directories live in build/models/<name>, and names cannot escape it", () => {
  assert.equal(demoModelDir("abc"), path.join(projectRoot(), "build", "models", "abc"));
  for (const bad of ["../x", "a/b", ".hidden", ""]) assert.throws(() => demoModelDir(bad), /is not a demo model name/);
});

test("with nothing set, the course's checkpoint on the Hub is chosen", () => {
  const choice = chooseModel({});
  assert.equal(choice.kind, "hub");
  assert.ok(choice.kind === "hub" && choice.isDefault && !choice.offline);
  assert.equal(choice.source, DEFAULT_HUB_MODEL);
  assert.equal(chooseModel({ WORKBOOK_MODEL: "  " }).source, DEFAULT_HUB_MODEL, "blank counts as unset");
});

test("WORKBOOK_MODEL=offline (any case) selects the demo model in build/models", () => {
  for (const value of ["offline", "OFFLINE", " Offline "]) {
    const choice = chooseModel({ WORKBOOK_MODEL: value });
    assert.equal(choice.kind, "demo");
    assert.ok(choice.kind === "demo" && choice.name === SENTIMENT_DEMO_MODEL_NAME);
    assert.equal(choice.source, demoModelDir(SENTIMENT_DEMO_MODEL_NAME));
  }
});

test("HF_HUB_OFFLINE=1 (or TRANSFORMERS_OFFLINE) selects the demo model when no model is named", () => {
  for (const env of [{ HF_HUB_OFFLINE: "1" }, { HF_HUB_OFFLINE: "true" }, { TRANSFORMERS_OFFLINE: "YES" }]) {
    assert.equal(chooseModel(env).kind, "demo", JSON.stringify(env));
  }
  for (const env of [{ HF_HUB_OFFLINE: "0" }, { HF_HUB_OFFLINE: "false" }, { HF_HUB_OFFLINE: "" }]) {
    assert.equal(chooseModel(env).kind, "hub", JSON.stringify(env));
  }
});

test("a Hub id in owner/name form selects that model; with HF_HUB_OFFLINE it must come from the cache", () => {
  const online = chooseModel({ WORKBOOK_MODEL: "Xenova/bert-base-uncased" });
  assert.deepEqual([online.kind, online.source], ["hub", "Xenova/bert-base-uncased"]);
  assert.ok(online.kind === "hub" && !online.isDefault && !online.offline);
  const offline = chooseModel({ WORKBOOK_MODEL: "Xenova/bert-base-uncased", HF_HUB_OFFLINE: "1" });
  assert.ok(offline.kind === "hub" && offline.offline);
});

test("HF_ENDPOINT names the Hub mirror to download from", () => {
  const choice = chooseModel({ HF_ENDPOINT: "https://hf-mirror.example" });
  assert.ok(choice.kind === "hub" && choice.endpoint === "https://hf-mirror.example/");
  assert.throws(() => chooseModel({ HF_ENDPOINT: "hf-mirror.example" }), /HF_ENDPOINT="hf-mirror.example" is not an http\(s\) URL/);
});

test("a directory (absolute, relative or ~) selects that directory, resolved to an absolute path", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "workbook-model-"));
  try {
    const absolute = chooseModel({ WORKBOOK_MODEL: dir });
    assert.deepEqual([absolute.kind, absolute.source], ["directory", dir]);
    const relative = chooseModel({ WORKBOOK_MODEL: path.relative(projectRoot(), dir) });
    assert.equal(relative.source, dir);
  } finally {
    fs.rmSync(dir, { recursive: true });
  }
  assert.equal(chooseModel({ WORKBOOK_MODEL: "~" }).source, os.homedir());
});

test("a path that does not exist, or is a file, is refused naming the path and the fix", () => {
  const missing = path.join(os.tmpdir(), "no-such-model-dir-here");
  assert.throws(() => chooseModel({ WORKBOOK_MODEL: missing }), (error: Error) =>
    error instanceof ModelSelectionError && error.message.includes(`${missing} does not exist`) && error.message.includes("WORKBOOK_MODEL=offline"));
  assert.throws(() => chooseModel({ WORKBOOK_MODEL: "./nope/model" }), /does not exist/);
  assert.throws(() => chooseModel({ WORKBOOK_MODEL: __filename }), /is a file, not a directory/);
});

test("an unknown WORKBOOK_MODEL value is refused, listing what is accepted", () => {
  for (const value of ["offlne", "gpt2", "a--b/c", "owner/name/extra", "owner/na me"]) {
    assert.throws(() => chooseModel({ WORKBOOK_MODEL: value }), (error: Error) =>
      error instanceof ModelSelectionError &&
      error.message.startsWith(`WORKBOOK_MODEL="${value}"`) &&
      error.message.includes("WORKBOOK_MODEL=offline") &&
      error.message.includes(DEFAULT_HUB_MODEL));
  }
});

test("WORKBOOK_HF_CACHE moves the Hub download cache (absolute, relative or ~); unset or blank, it is build/hf-cache", () => {
  const dir = path.join(os.tmpdir(), "workbook-hf-cache-here");
  assert.equal(hubCacheDir({}), path.join(projectRoot(), "build", "hf-cache"));
  assert.equal(hubCacheDir({ WORKBOOK_HF_CACHE: "  " }), path.join(projectRoot(), "build", "hf-cache"));
  assert.equal(hubCacheDir({ WORKBOOK_HF_CACHE: dir }), dir);
  assert.equal(hubCacheDir({ WORKBOOK_HF_CACHE: path.relative(projectRoot(), dir) }), dir);
  assert.equal(hubCacheDir({ WORKBOOK_HF_CACHE: "~/hf" }), path.join(os.homedir(), "hf"));
  for (const env of [{}, { WORKBOOK_MODEL: "Xenova/bert-base-uncased" }, { HF_HUB_OFFLINE: "0" }]) {
    const choice = chooseModel({ ...env, WORKBOOK_HF_CACHE: dir });
    assert.ok(choice.kind === "hub" && choice.cacheDir === dir, JSON.stringify(env));
  }
  const unset = chooseModel({});
  assert.ok(unset.kind === "hub" && unset.cacheDir === hubCacheDir({}));
  const saved = { ...transformersEnv };
  try {
    selectModel({ WORKBOOK_HF_CACHE: dir });
    assert.equal(transformersEnv.cacheDir, dir);
  } finally {
    Object.assign(transformersEnv, saved);
  }
});

test("selectModel points transformers.js at build/: cache in build/hf-cache, downloads only for the Hub", () => {
  const saved = { ...transformersEnv };
  try {
    selectModel({ WORKBOOK_MODEL: "offline" });
    assert.equal(transformersEnv.cacheDir, hubCacheDir());
    assert.ok(!transformersEnv.cacheDir?.includes("node_modules"));
    assert.equal(path.resolve(transformersEnv.localModelPath), modelsDir());
    assert.equal(transformersEnv.allowRemoteModels, false);
    selectModel({});
    assert.equal(transformersEnv.allowRemoteModels, true);
    selectModel({ WORKBOOK_MODEL: DEFAULT_HUB_MODEL, HF_HUB_OFFLINE: "1" });
    assert.equal(transformersEnv.allowRemoteModels, false);
  } finally {
    Object.assign(transformersEnv, saved);
  }
});

test("the banner says which model runs and, for anything but the course's checkpoint, that numbers differ", () => {
  assert.match(modelBanner(chooseModel({})), new RegExp(`^Model: ${DEFAULT_HUB_MODEL}, the course's checkpoint`));
  for (const env of [{ WORKBOOK_MODEL: "offline" }, { WORKBOOK_MODEL: "Xenova/bert-base-uncased" }, { WORKBOOK_MODEL: os.tmpdir() }]) {
    const banner = modelBanner(chooseModel(env));
    assert.match(banner, /numbers .*differ from the course/);
    assert.ok(!banner.includes("\n"), "one line");
  }
  assert.match(modelBanner(chooseModel({ WORKBOOK_MODEL: "offline" })), /demo model distilbert-sst2-demo .*build\/models\/distilbert-sst2-demo/);
});
