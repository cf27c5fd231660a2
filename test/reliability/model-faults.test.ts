// Issue 9, item 2: model faults, one row each. Every fault must end in one error of a named class whose
// message names the file (or id) and says how to fix it — never a bare stack trace. Nothing here reaches
// the network: Hub rows run with HF_HUB_OFFLINE=1 or against a local port nothing listens on.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { pipeline } from "@huggingface/transformers";
import { SENTIMENT_DEMO_MODEL_NAME } from "../../src/demo-models";
import { loadSentimentModel, ModelLoadError, ModelSelectionError } from "../../src/model";
import { GraphStructureError, inspectModel, OnnxReadError } from "../../src/onnx";
import { GraphBuilder } from "../../src/onnx/graph-builder";
import { deadEndpoint } from "../helpers/local-hub";
import { classifyTexts } from "../../src/pipeline/classify";
import { toPipelineOutput, type LabelScore } from "../../src/pipeline/postprocess";
import { demoModel } from "../helpers/demo-model";

const SENTENCES = ["I've been waiting for a HuggingFace course my whole life.", "I hate this so much!"];
const REQUIRED = ["config.json", "tokenizer.json", "tokenizer_config.json", "onnx/model.onnx"];

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "model-faults-"));
let modelDir: string;

before(() => {
  modelDir = demoModel(SENTIMENT_DEMO_MODEL_NAME);
});
after(() => fs.rmSync(scratch, { recursive: true, force: true }));

/** A fresh copy of the demo model directory to damage (the quantized weights are left out: fp32 is loaded). */
function copyOfDemoModel(name: string): string {
  const dir = path.join(scratch, name);
  fs.cpSync(modelDir, dir, { recursive: true, filter: (source) => !source.endsWith("model_quantized.onnx") });
  return dir;
}

/** Cuts a file of `dir` to half its length, like an interrupted download. */
function truncate(dir: string, file: string): string {
  const target = path.join(dir, file);
  const bytes = fs.readFileSync(target);
  fs.writeFileSync(target, bytes.subarray(0, Math.floor(bytes.length / 2)));
  return target;
}

/** A BERT-style pooler head (CLS → Linear → Tanh → Linear) on a stand-in encoder output: not a head the inspector knows. */
function poolerHeadOnnx(dir: string): string {
  const hidden = 4;
  const g = new GraphBuilder();
  const weight = (name: string, dims: number[]) =>
    g.initializer(name, Float32Array.from({ length: dims.reduce((a, b) => a * b, 1) }, (_, i) => ((i % 7) - 3) / 10), dims);
  const linear = (x: string, module: string, out: number, output?: string) =>
    g.op("Gemm", [x, weight(`${module}.weight`, [out, hidden]), weight(`${module}.bias`, [out])], `/${module}/Gemm`, { transB: 1 }, output);
  const encoder = g.input("hidden", "float32", ["batch_size", "sequence_length", hidden]);
  const cls = g.op("Gather", [encoder, g.constant("/Gather/Constant", BigInt64Array.of(0n), [])], "/Gather", { axis: 1 });
  // No family pools through a sigmoid, so the head finder must stop there.
  const pooled = g.op("Sigmoid", [linear(cls, "pooler/dense", hidden)], "/pooler/activation/Sigmoid");
  linear(pooled, "classifier", 2, "logits");
  g.output("logits", "float32", ["batch_size", 2]);
  const file = path.join(dir, "pooler-head.onnx");
  fs.writeFileSync(file, g.toBytes());
  return file;
}

/** One fault: how to provoke it, and what its error must be. */
interface Fault {
  name: string;
  provoke: () => Promise<unknown>;
  type: new (...args: never[]) => Error;
  /** What the message must say: the file or id, what is wrong, and the fix (a function when it depends on the row's directory). */
  says: (string | RegExp | (() => string))[];
  /** The `location` a ModelLoadError must carry. */
  location?: () => string;
}

const dirs = new Map<string, string>();
/** The damaged copy a row made, by row name. */
const dirOf = (name: string) => dirs.get(name)!;
/** Loads the demo model copy `name` after `damage` has been done to it. */
const loadDamaged = (name: string, damage: (dir: string) => void) => async () => {
  const dir = copyOfDemoModel(name);
  dirs.set(name, dir);
  damage(dir);
  return loadSentimentModel({ env: { WORKBOOK_MODEL: dir } });
};

const FAULTS: Fault[] = [
  {
    name: "an unknown Hub id while offline (HF_HUB_OFFLINE=1, not cached)",
    provoke: () => loadSentimentModel({ env: { WORKBOOK_MODEL: "workbook-faults/no-such-model", HF_HUB_OFFLINE: "1" } }),
    type: ModelLoadError,
    says: ["workbook-faults/no-such-model", "config.json is not in", "HF_HUB_OFFLINE=1 forbids downloading", "WORKBOOK_MODEL=offline"],
    location: () => "workbook-faults/no-such-model",
  },
  {
    name: "an unknown Hub id with the Hub unreachable (connection refused)",
    provoke: async () => loadSentimentModel({ env: { WORKBOOK_MODEL: "workbook-faults/no-such-model", HF_ENDPOINT: await deadEndpoint() } }),
    type: ModelLoadError,
    says: [/Could not get config\.json of "workbook-faults\/no-such-model" from http:\/\/127\.0\.0\.1:\d+\/ \(.*ECONNREFUSED/, "WORKBOOK_MODEL=offline"],
    location: () => "workbook-faults/no-such-model",
  },
  ...REQUIRED.map((file): Fault => ({
    name: `a model directory without ${file}`,
    provoke: loadDamaged(`without-${file.replace("/", "-")}`, (dir) => fs.rmSync(path.join(dir, file))),
    type: ModelLoadError,
    says: [
      () => `Model directory ${dirOf(`without-${file.replace("/", "-")}`)} is missing ${file}.`,
      `needs ${REQUIRED.join(", ")}`,
      "WORKBOOK_MODEL=offline",
    ],
    location: () => dirOf(`without-${file.replace("/", "-")}`),
  })),
  {
    name: "a truncated onnx/model.onnx (half the file)",
    provoke: loadDamaged("truncated-onnx", (dir) => truncate(dir, "onnx/model.onnx")),
    type: ModelLoadError,
    says: [/^Could not load \S+\/truncated-onnx\/onnx\/model\.onnx: .*Protobuf parsing failed/, "damaged", "re-export the model", "WORKBOOK_MODEL=offline"],
    location: () => path.join(dirOf("truncated-onnx"), "onnx", "model.onnx"),
  },
  {
    name: "an empty onnx/model.onnx (0 bytes)",
    provoke: loadDamaged("empty-onnx", (dir) => fs.writeFileSync(path.join(dir, "onnx", "model.onnx"), "")),
    type: ModelLoadError,
    says: [/^Could not load \S+\/empty-onnx\/onnx\/model\.onnx: /, "WORKBOOK_MODEL=offline"],
    location: () => path.join(dirOf("empty-onnx"), "onnx", "model.onnx"),
  },
  {
    name: "a truncated ONNX file given to the graph inspector",
    provoke: async () => {
      const dir = copyOfDemoModel("inspect-truncated");
      dirs.set("inspect-truncated", dir);
      return inspectModel(truncate(dir, "onnx/model.onnx"));
    },
    type: OnnxReadError,
    says: [/'\S+\/inspect-truncated\/onnx\/model\.onnx' is not a complete ONNX model/, "last complete node", "probably truncated (an interrupted download or copy)"],
  },
  {
    name: "a graph whose head the inspector cannot recognise (Linear → Sigmoid → Linear)",
    provoke: async () => {
      const dir = path.join(scratch, "pooler");
      fs.mkdirSync(dir);
      dirs.set("pooler", dir);
      return inspectModel(poolerHeadOnnx(dir));
    },
    type: GraphStructureError,
    says: [/^\S+\/pooler\/pooler-head\.onnx: /, "stopped at node '/pooler/activation/Sigmoid' (Sigmoid)", "exposeTensors(bytes, names)"],
  },
  {
    name: "a config.json that is not JSON",
    provoke: loadDamaged("config-not-json", (dir) => fs.writeFileSync(path.join(dir, "config.json"), "{ not json")),
    type: ModelLoadError,
    says: [/^Could not load \S+\/config-not-json\/config\.json: /, "damaged", "WORKBOOK_MODEL=offline"],
    location: () => path.join(dirOf("config-not-json"), "config.json"),
  },
  {
    name: "a tokenizer.json cut off mid-file",
    provoke: loadDamaged("tokenizer-cut", (dir) => truncate(dir, "tokenizer.json")),
    type: ModelLoadError,
    says: [/^Could not load \S+\/tokenizer-cut\/tokenizer\.json: /, "damaged", "WORKBOOK_MODEL=offline"],
    location: () => path.join(dirOf("tokenizer-cut"), "tokenizer.json"),
  },
  {
    name: "a tokenizer_config.json that is not JSON is blamed, not tokenizer.json",
    provoke: loadDamaged("tokenizer-config-not-json", (dir) => fs.writeFileSync(path.join(dir, "tokenizer_config.json"), "nope")),
    type: ModelLoadError,
    says: [/^Could not load \S+\/tokenizer-config-not-json\/tokenizer_config\.json: /, "WORKBOOK_MODEL=offline"],
    location: () => path.join(dirOf("tokenizer-config-not-json"), "tokenizer_config.json"),
  },
  {
    name: "WORKBOOK_MODEL naming a directory that does not exist",
    provoke: () => loadSentimentModel({ env: { WORKBOOK_MODEL: path.join(scratch, "never-made") } }),
    type: ModelSelectionError,
    says: [`${path.join(scratch, "never-made")} does not exist`, "onnx/model.onnx", "WORKBOOK_MODEL=offline"],
  },
];

/** Asserts `error` is one readable error: of `type`, its own name, a message that is text and not a stack trace. */
function assertClearError(error: unknown, fault: Fault): Error {
  assert.ok(error instanceof fault.type, `expected ${fault.type.name}, got ${String(error)}`);
  assert.equal(error.name, fault.type.name, "the error names its class");
  assert.ok(error.message.trim().length > 0, "the message is not empty");
  assert.doesNotMatch(error.message, /^\s*at /m, "the message holds no stack frames");
  assert.ok(!error.message.includes("\n"), "the message is one line");
  return error;
}

for (const fault of FAULTS) {
  test(`fault: ${fault.name}`, async () => {
    let caught: unknown;
    await assert.rejects(fault.provoke(), (error) => ((caught = error), true));
    const error = assertClearError(caught, fault);
    for (const part of fault.says) {
      const expected = typeof part === "function" ? part() : part;
      if (typeof expected === "string") assert.ok(error.message.includes(expected), `message should say ${JSON.stringify(expected)}:\n${error.message}`);
      else assert.match(error.message, expected);
    }
    if (fault.location) assert.equal((error as ModelLoadError).location, fault.location());
  });
}

test("fault: a config without id2label loads, and every path names the labels LABEL_0, LABEL_1 as transformers.js does", async () => {
  const dir = copyOfDemoModel("no-id2label");
  const config = JSON.parse(fs.readFileSync(path.join(dir, "config.json"), "utf8"));
  delete config.id2label;
  delete config.label2id;
  fs.writeFileSync(path.join(dir, "config.json"), JSON.stringify(config));

  const loaded = await loadSentimentModel({ env: { WORKBOOK_MODEL: dir } });
  const reference = await pipeline("sentiment-analysis", dir, { dtype: "fp32" });
  try {
    assert.deepEqual(loaded.id2label, { 0: "LABEL_0", 1: "LABEL_1" }, "the loader's label map falls back too");
    const expected = (await reference(SENTENCES)) as LabelScore[];
    assert.ok(expected.every(({ label }) => /^LABEL_[01]$/.test(label)), `transformers.js's own pipeline says ${JSON.stringify(expected)}`);
    assert.deepEqual(await loaded.classifier(SENTENCES), expected);

    const inputs = loaded.tokenizer(SENTENCES, { padding: true, truncation: true });
    const { logits } = await loaded.model(inputs);
    assert.deepEqual(toPipelineOutput(logits, loaded.id2label), expected, "toPipelineOutput with the loader's map");
    assert.deepEqual(toPipelineOutput(logits, {}), expected, "toPipelineOutput with an empty map");
    const labelled = await classifyTexts(loaded, SENTENCES);
    assert.deepEqual(labelled.predictions.map((p) => p.label), expected.map((p) => p.label), "classifyTexts");
  } finally {
    await reference.dispose();
    await loaded.model.dispose();
  }
});
