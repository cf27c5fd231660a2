// The head finder on each family's head (DistilBERT, BERT, RoBERTa, DeBERTa-v2), fp32 and quantized,
// checked against onnxruntime's own logits for the same graph.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as ort from "onnxruntime-node";
import {
  erf, gelu, GraphStructureError, HEAD_STEP_UNSHOWN, inspectModel, inspectModelBytes, quantizedHeadErrorBound, recomputeHead,
  type HeadFamily, type InspectedModel, type InspectOptions,
} from "../../src/onnx";
import { decodeModel, encodeModel } from "../../src/onnx/proto";
import { buildFamilyGraph, HIDDEN, type FamilyGraphOptions } from "./family-graphs";
import { anonymise, maxAbsDiff, numbers, runPlain, smallFeeds } from "./helpers";

interface Case {
  readonly label: string;
  readonly options: FamilyGraphOptions;
  readonly activation: "relu" | "tanh" | "gelu";
  readonly activationOp: string;
  readonly names: { dense: string; classifier: string };
}

const CASES: readonly Case[] = [
  { label: "DistilBERT", options: { family: "distilbert", labels: 2 }, activation: "relu", activationOp: "Relu", names: { dense: "pre_classifier", classifier: "classifier" } },
  { label: "BERT", options: { family: "bert", labels: 5 }, activation: "tanh", activationOp: "Tanh", names: { dense: "bert.pooler.dense", classifier: "classifier" } },
  { label: "BERT (Slice → Squeeze pooling, pooler_output kept)", options: { family: "bert", labels: 5, pooling: "slice-squeeze", poolerOutput: true }, activation: "tanh", activationOp: "Tanh", names: { dense: "bert.pooler.dense", classifier: "classifier" } },
  { label: "RoBERTa", options: { family: "roberta", labels: 3 }, activation: "tanh", activationOp: "Tanh", names: { dense: "classifier.dense", classifier: "classifier.out_proj" } },
  { label: "DeBERTa-v2 (Erf GELU)", options: { family: "deberta-v2", labels: 4, gelu: "erf" }, activation: "gelu", activationOp: "Erf (decomposed)", names: { dense: "pooler.dense", classifier: "classifier" } },
  { label: "DeBERTa-v2 (Erf GELU, 0.5 first)", options: { family: "deberta-v2", labels: 4, gelu: "erf-half-first" }, activation: "gelu", activationOp: "Erf (decomposed)", names: { dense: "pooler.dense", classifier: "classifier" } },
  { label: "DeBERTa-v2 (Erf GELU, LayerNorm over relative positions)", options: { family: "deberta-v2", labels: 4, relativePositions: true }, activation: "gelu", activationOp: "Erf (decomposed)", names: { dense: "pooler.dense", classifier: "classifier" } },
  { label: "DeBERTa-v2 (Gelu op, opset 20)", options: { family: "deberta-v2", labels: 4, gelu: "op" }, activation: "gelu", activationOp: "Gelu", names: { dense: "pooler.dense", classifier: "classifier" } },
];

async function withModel<T>(bytes: Uint8Array, body: (m: InspectedModel) => Promise<T>, options: InspectOptions = {}): Promise<T> {
  const model = await inspectModelBytes(bytes, { source: "family graph", ...options });
  try {
    return await body(model);
  } finally {
    await model.session.release();
  }
}

/** What onnxruntime gives for the unedited graph (BERT graphs get zero token_type_ids, as transformers.js feeds). */
async function plainLogits(bytes: Uint8Array, family: HeadFamily): Promise<number[]> {
  const feeds = smallFeeds();
  if (family === "bert") feeds.token_type_ids = new ort.Tensor("int64", new BigInt64Array(16), [2, 8]);
  return numbers((await runPlain(bytes, feeds)).logits as ort.Tensor);
}

for (const c of CASES) {
  for (const quantized of [false, true]) {
    const label = `${c.label}, ${quantized ? "quantized" : "fp32"}`;
    const bytes = buildFamilyGraph({ ...c.options, quantized });

    test(`${label}: family, activation and names come from the graph`, async () => {
      await withModel(bytes, async (m) => {
        const head = m.headWeights();
        assert.equal(head.family, c.options.family);
        assert.equal(head.activation, c.activation);
        assert.equal(head.pooledPosition, 0);
        assert.deepEqual(head.names, c.names);
        assert.equal(head.quantized, quantized);
        assert.deepEqual(head.dense.weight.dims, [HIDDEN, HIDDEN], "weights are [out, in]");
        assert.deepEqual(head.classifier.weight.dims, [c.options.labels, HIDDEN]);
        assert.equal(m.facts.family, c.options.family);
        assert.equal(m.facts.activation.opType, c.activationOp);
        assert.equal(m.facts.quantizedHead, quantized);
        assert.equal(m.facts.clsGather.opType, c.options.pooling === "slice-squeeze" ? "Slice → Squeeze" : "Gather");
        assert.equal(m.facts.layers, 1);
        assert.match(m.facts.hiddenStates[0], /embeddings\/LayerNorm/, "block 0 reads the embeddings, not a LayerNorm of weights");
      });
    });

    test(`${label}: recomputeHead on last_hidden_state gives onnxruntime's logits`, async () => {
      const expected = await plainLogits(bytes, c.options.family);
      await withModel(bytes, async (m) => {
        // No token_type_ids given: run() adds the zeros a BERT file needs.
        const out = await m.run(smallFeeds());
        assert.ok(maxAbsDiff(numbers(out.logits), expected) <= 1e-5, "exposing tensors leaves the logits alone");
        const weights = m.headWeights();
        const floatDiff = maxAbsDiff(numbers(recomputeHead(out.lastHiddenState, weights)), expected);
        if (!quantized) {
          assert.ok(floatDiff <= 1e-4, `fp32 diff ${floatDiff}`);
          return;
        }
        const exact = maxAbsDiff(numbers(recomputeHead(out.lastHiddenState, weights, { quantizedArithmetic: true })), expected);
        assert.ok(exact <= 1e-4, `quantized arithmetic diff ${exact}`);
        const bound = quantizedHeadErrorBound(out.lastHiddenState, weights);
        assert.ok(bound > 0 && floatDiff <= bound + 1e-4, `float diff ${floatDiff} vs quantization bound ${bound}`);
      });
    });
  }
}

test("without names, BERT is told by its token_type_ids input and RoBERTa by its CumSum position ids", async () => {
  for (const family of ["bert", "roberta"] as const) {
    for (const quantized of [false, true]) {
      await withModel(anonymise(buildFamilyGraph({ family, quantized })), async (m) => {
        const head = m.headWeights();
        assert.equal(head.family, family, `${family} ${quantized ? "quantized" : "fp32"}`);
        assert.ok(m.facts.dense.nodes.every((n) => /^n\d+$/.test(n)), "names really are gone");
        // The graph's names are gone, so the family's own names are given.
        assert.deepEqual(head.names, family === "bert"
          ? { dense: "bert.pooler.dense", classifier: "classifier" }
          : { dense: "classifier.dense", classifier: "classifier.out_proj" });
      });
    }
  }
});

test("config.model_type tells RoBERTa from BERT when the graph has neither names nor CumSum", async () => {
  const bytes = anonymise(buildFamilyGraph({ family: "roberta", positions: "table" }));
  await withModel(bytes, async (m) => assert.equal(m.headWeights().family, "bert"));
  for (const modelType of ["roberta", "xlm-roberta", "camembert"]) {
    await withModel(bytes, async (m) => assert.equal(m.headWeights().family, "roberta", modelType), { config: { model_type: modelType } });
  }
});

test("inspectModel reads model_type from the config.json of the model folder, and names a broken one", async () => {
  // Sessions are released one by one: other test files in this process keep theirs in the shared cache.
  const folder = mkdtempSync(join(tmpdir(), "fam-head-"));
  const familyOf = async (options?: InspectOptions) => {
    const model = await inspectModel(folder, options);
    await model.session.release();
    return model.headWeights().family;
  };
  try {
    mkdirSync(join(folder, "onnx"));
    writeFileSync(join(folder, "onnx", "model.onnx"), anonymise(buildFamilyGraph({ family: "roberta", positions: "table" })));
    assert.equal(await familyOf(), "bert", "no config.json: BERT, the Tanh default");
    writeFileSync(join(folder, "config.json"), JSON.stringify({ model_type: "xlm-roberta" }));
    assert.equal(await familyOf(), "roberta");
    assert.equal(await familyOf({ config: { model_type: "bert" } }), "bert", "a given config wins");
    writeFileSync(join(folder, "config.json"), "{ not json");
    await assert.rejects(inspectModel(folder), /config\.json is not valid JSON.*pass \{ config \}/);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});

test("the graph's names win over the structural hints: a RoBERTa head named so, with table positions", async () => {
  await withModel(buildFamilyGraph({ family: "roberta", positions: "table" }), async (m) => assert.equal(m.headWeights().family, "roberta"));
});

/** The family graph with its head's activation node replaced by `op` (same input and output). */
function withActivation(family: FamilyGraphOptions["family"], from: string, op: string): Uint8Array {
  const model = decodeModel(buildFamilyGraph({ family }));
  const node = model.graph!.node!.find((n) => n.opType === from);
  assert.ok(node, `the ${family} graph has a ${from}`);
  node.opType = op;
  return encodeModel(model);
}

test("an unknown activation the walk cannot pass (Sigmoid): GraphStructureError naming what it looked for", async () => {
  await assert.rejects(inspectModelBytes(withActivation("bert", "Tanh", "Sigmoid")), (e: Error) => {
    assert.ok(e instanceof GraphStructureError, String(e));
    assert.match(e.message, /Looked for a Gather\(axis=1, index=0\).*stopped at node '\/bert\/pooler\/activation\/Tanh' \(Sigmoid\)/);
    assert.ok(e.message.includes(HEAD_STEP_UNSHOWN), e.message);
    assert.match(e.message, /can't be shown/);
    return true;
  });
});

test("an unknown activation the walk passes (a squaring Mul): the head parser names the activation it looked for", async () => {
  // x · x is a Mul the walk goes through, but no activation a known head uses.
  const model = decodeModel(buildFamilyGraph({ family: "bert" }));
  const tanh = model.graph!.node!.find((n) => n.opType === "Tanh")!;
  tanh.opType = "Mul";
  tanh.input = [tanh.input![0], tanh.input![0]];
  await assert.rejects(inspectModelBytes(encodeModel(model)), (e: Error) => {
    assert.ok(e instanceof GraphStructureError, String(e));
    assert.match(e.message, /Unrecognised head: looked for the activation before the classifier \(Relu, Tanh, Gelu, or x · 0\.5 · \(1 \+ Erf\(x \/ √2\)\)\)/);
    assert.match(e.message, /found '\/bert\/pooler\/activation\/Tanh' \(Mul\)/);
    assert.ok(e.message.includes(HEAD_STEP_UNSHOWN), e.message);
    return true;
  });
});

test("an Erf GELU with the wrong constant (x / 2) is not taken for GELU", async () => {
  const model = decodeModel(buildFamilyGraph({ family: "deberta-v2" }));
  const div = model.graph!.node!.find((n) => n.name === "/pooler/Div")!;
  const constant = model.graph!.node!.find((n) => n.output?.[0] === div.input![1])!;
  const value = constant.attribute![0].t!;
  value.rawData = new Uint8Array(Float32Array.of(2).buffer);
  await assert.rejects(inspectModelBytes(encodeModel(model)), (e: Error) =>
    e instanceof GraphStructureError && /looked for the activation before the classifier/.test(e.message));
});

test("erf and GELU match reference values to double precision", () => {
  // erf values from Abramowitz & Stegun table 7.1 (extended precision).
  const table: [number, number][] = [[0, 0], [0.5, 0.5204998778130465], [1, 0.8427007929497149], [2, 0.9953222650189527], [3.5, 0.9999992569016276]];
  for (const [x, expected] of table) {
    assert.ok(Math.abs(erf(x) - expected) < 1e-15, `erf(${x}) = ${erf(x)}`);
    assert.ok(Math.abs(erf(-x) + expected) < 1e-15);
  }
  assert.ok(Math.abs(gelu(1) - 0.8413447460685429) < 1e-15, "GELU(1) = Φ(1)");
  assert.ok(Math.abs(gelu(1, "tanh") - gelu(1)) < 1e-3, "the tanh approximation is close");
  assert.ok(Math.abs(erf(2.9999) - erf(3.0001)) < 1e-7, "series and continued fraction meet at 3");
});

/**
 * The DeBERTa-v2 graph as ORT's optimiser leaves it: the pooler's Gemm becomes MatMul with the weight
 * [in, out], and bias + GELU one com.microsoft `op` node (BiasGelu, or FastGelu with its bias input).
 */
function withFusedGelu(op: "BiasGelu" | "FastGelu"): Uint8Array {
  const model = decodeModel(buildFamilyGraph({ family: "deberta-v2", labels: 4 }));
  const graph = model.graph!;
  const gemm = graph.node!.find((n) => n.name === "/pooler/dense/Gemm")!;
  const [x, w, b] = gemm.input!;
  const weight = graph.initializer!.find((t) => t.name === w)!;
  const stored = new Float32Array(new Uint8Array(weight.rawData!).buffer);
  const transposed = new Float32Array(HIDDEN * HIDDEN);
  for (let o = 0; o < HIDDEN; o++) for (let i = 0; i < HIDDEN; i++) transposed[i * HIDDEN + o] = stored[o * HIDDEN + i];
  weight.rawData = new Uint8Array(transposed.buffer);
  const geluOut = graph.node!.find((n) => n.name === "/pooler/Mul_1")!.output![0];
  const geluNodes = new Set(["/pooler/Div", "/pooler/Erf", "/pooler/Add", "/pooler/Mul", "/pooler/Mul_1"]);
  const index = graph.node!.indexOf(gemm);
  graph.node = graph.node!.filter((n) => !geluNodes.has(n.name ?? ""));
  graph.node.splice(index, 1,
    { name: "/pooler/dense/MatMul", opType: "MatMul", input: [x, w], output: ["/pooler/dense/MatMul_output_0"] },
    { name: `/pooler/${op}`, opType: op, domain: "com.microsoft", input: ["/pooler/dense/MatMul_output_0", b], output: [geluOut] });
  model.opsetImport!.push({ domain: "com.microsoft", version: 1 });
  return encodeModel(model);
}

for (const op of ["BiasGelu", "FastGelu"] as const) {
  test(`DeBERTa-v2 with ORT's fused ${op}: the dense bias is read from it, and the head recomputes`, async () => {
    const bytes = withFusedGelu(op);
    const expected = await plainLogits(bytes, "deberta-v2");
    await withModel(bytes, async (m) => {
      const head = m.headWeights();
      assert.equal(head.family, "deberta-v2");
      assert.equal(head.geluApproximation, op === "FastGelu" ? "tanh" : "none");
      assert.equal(head.dense.source.bias, "pooler.dense.bias");
      assert.equal(m.facts.activation.opType, op);
      const out = await m.run(smallFeeds());
      const diff = maxAbsDiff(numbers(recomputeHead(out.lastHiddenState, head)), expected);
      assert.ok(diff <= 1e-4, `diff ${diff}`);
    });
  });
}
