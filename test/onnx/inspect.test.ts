import { test } from "node:test";
import assert from "node:assert/strict";
import type * as ort from "onnxruntime-node";
import { inspectModelBytes, quantizedHeadErrorBound, recomputeHead, type InspectedModel } from "../../src/onnx";
import { buildLookalike, SMALL_LOOKALIKE, type LookalikeConfig } from "../helpers/lookalike";
import { tensorToFloat32 } from "../../src/onnx/tensor-data";
import { anonymise, branchFlag, maxAbsDiff, numbers, runPlain, smallFeeds } from "./helpers";

interface Variant {
  readonly label: string;
  readonly config: Partial<LookalikeConfig>;
}

// One per layout the real exports come in (reference: onnx-export-anatomy.md).
const VARIANTS: readonly Variant[] = [
  { label: "fp32 with decomposed LayerNorm (opset 14)", config: {} },
  { label: "single LayerNormalization op (opset 17)", config: { layerNorm: "op" } },
  { label: "dynamically quantized, per-tensor scales", config: { quantized: true } },
  { label: "dynamically quantized, per-channel scales", config: { quantized: true, perChannel: true } },
  { label: "fp16 with a float32 logits Cast", config: { fp16: true } },
  { label: "network inside an If (merged-model style)", config: { wrapInIf: true } },
  { label: "no-op Slice before the CLS Gather", config: { sliceBeforeGather: true } },
];

/** The tensor names torch.onnx gives the embeddings LayerNorm and each block's output LayerNorm. */
function expectedHiddenStateNames(c: LookalikeConfig): string[] {
  const out = c.layerNorm === "op" ? "LayerNormalization_output_0" : "Add_1_output_0";
  return [
    `/distilbert/embeddings/LayerNorm/${out}`,
    ...Array.from({ length: c.layers }, (_, i) => `/distilbert/transformer/layer.${i}/output_layer_norm/${out}`),
  ];
}

async function withModel<T>(bytes: Uint8Array, body: (m: InspectedModel) => Promise<T>): Promise<T> {
  const model = await inspectModelBytes(bytes, { source: "look-alike" });
  try {
    return await body(model);
  } finally {
    await model.session.release();
  }
}

function feedsFor(c: Partial<LookalikeConfig>, flag = true): Record<string, ort.Tensor> {
  return smallFeeds(c.wrapInIf ? branchFlag(flag) : {});
}

for (const { label, config } of VARIANTS) {
  const c: LookalikeConfig = { ...SMALL_LOOKALIKE, ...config };
  const bytes = buildLookalike(config);

  test(`${label}: finds the embeddings output and every block output, in order`, async () => {
    await withModel(bytes, async (m) => {
      const expected = expectedHiddenStateNames(c);
      assert.equal(m.facts.layers, c.layers);
      assert.equal(m.facts.hiddenStates.length, c.layers + 1);
      m.facts.hiddenStates.forEach((found, i) => assert.ok(found.includes(expected[i]), `hidden state ${i}: ${found} should be ${expected[i]}`));
      assert.ok(m.facts.lastHiddenState.includes(expected[c.layers]));
      m.facts.attentions.forEach((found, i) => assert.ok(found.includes(`/distilbert/transformer/layer.${i}/attention/Softmax_output_0`), found));
      assert.deepEqual(m.facts.layerNorm, [c.layerNorm === "op" ? "LayerNormalization" : "decomposed"]);
      assert.equal(m.facts.clsGather.node, "/Gather");
      assert.equal(m.facts.ifNodes.length, c.wrapInIf ? 1 : 0);
    });
  });

  test(`${label}: exposing tensors leaves the logits as the unedited model computes them`, async () => {
    for (const flag of c.wrapInIf ? [true, false] : [true]) {
      const plain = await runPlain(bytes, feedsFor(c, flag));
      await withModel(bytes, async (m) => {
        const out = await m.run(feedsFor(c, flag));
        assert.equal(out.logits.type, "float32");
        assert.deepEqual(out.logits.dims, [2, c.labels]);
        assert.ok(maxAbsDiff(numbers(out.logits), numbers(plain.logits)) <= 1e-5);
      });
    }
  });

  test(`${label}: hidden states and attentions have the Python shapes and keep the file's dtype`, async () => {
    await withModel(bytes, async (m) => {
      const out = await m.run(feedsFor(c));
      const floatType = c.fp16 ? "float16" : "float32";
      assert.equal(out.hiddenStates.length, c.layers + 1);
      assert.equal(out.attentions.length, c.layers);
      for (const h of out.hiddenStates) {
        assert.deepEqual(h.dims, [2, 8, c.hidden]);
        assert.equal(h.type, floatType);
      }
      assert.deepEqual(numbers(out.hiddenStates[c.layers]), numbers(out.lastHiddenState), "the last hidden state is last_hidden_state");
      for (const a of out.attentions) {
        assert.deepEqual(a.dims, [2, c.heads, 8, 8]);
        assert.equal(a.type, floatType);
        const p = tensorToFloat32(a);
        const tolerance = c.fp16 ? 5e-3 : 1e-5;
        for (let row = 0; row < p.length / 8; row++) {
          const sum = p.subarray(row * 8, row * 8 + 8).reduce((s, v) => s + v, 0);
          assert.ok(Math.abs(sum - 1) < tolerance, `attention row ${row} sums to ${sum}`);
        }
        // Sequence 1 has 4 real tokens: no query attends to its padding keys 4..7.
        for (let row = 0; row < c.heads * 8; row++) {
          const offset = c.heads * 64 + row * 8;
          assert.deepEqual(Array.from(p.subarray(offset + 4, offset + 8)), [0, 0, 0, 0]);
        }
      }
    });
  });

  test(`${label}: recomputeHead on last_hidden_state gives the model's logits`, async () => {
    await withModel(bytes, async (m) => {
      const out = await m.run(feedsFor(c));
      const weights = m.headWeights();
      assert.deepEqual(weights.dense.weight.dims, [c.hidden, c.hidden], "weights are [out, in]");
      assert.deepEqual(weights.classifier.weight.dims, [c.labels, c.hidden]);
      assert.equal(weights.quantized, c.quantized);
      const logits = numbers(out.logits);
      const diff = maxAbsDiff(numbers(recomputeHead(out.lastHiddenState, weights)), logits);
      if (c.quantized) {
        // The file's own arithmetic (uint8 activations, integer matmul) reproduced step by step…
        assert.ok(maxAbsDiff(numbers(recomputeHead(out.lastHiddenState, weights, { quantizedArithmetic: true })), logits) <= 1e-5);
        // …and float maths with the dequantized weights within the quantization's worst case.
        const bound = quantizedHeadErrorBound(out.lastHiddenState, weights);
        assert.ok(bound > 0 && diff <= bound + 1e-4, `diff ${diff} vs bound ${bound}`);
      } else if (c.fp16) {
        // float16 keeps about three significant digits through two Linear layers.
        assert.ok(diff <= 1e-2 * Math.max(1, ...logits.map(Math.abs)), `fp16 diff ${diff}`);
      } else {
        assert.ok(diff <= 1e-4, `fp32 diff ${diff}`);
      }
    });
  });
}

test("the finder does not use names: an anonymised graph gives the same tensors", async () => {
  for (const config of [{}, { quantized: true }, { wrapInIf: true, layerNorm: "op" as const }]) {
    const bytes = buildLookalike(config);
    const feeds = smallFeeds(config.wrapInIf ? branchFlag(true) : {});
    const [original, renamed] = await Promise.all([bytes, anonymise(bytes)].map((b) => withModel(b, async (m) => ({ facts: m.facts, out: await m.run(feeds) }))));
    assert.ok(renamed.facts.hiddenStates.every((name) => !name.includes("distilbert")), "names really are gone");
    assert.equal(renamed.facts.clsGather.node.startsWith("n"), true);
    for (const key of ["logits", "lastHiddenState"] as const) assert.deepEqual(numbers(renamed.out[key]), numbers(original.out[key]));
    renamed.out.hiddenStates.forEach((h, i) => assert.deepEqual(numbers(h), numbers(original.out.hiddenStates[i])));
    renamed.out.attentions.forEach((a, i) => assert.deepEqual(numbers(a), numbers(original.out.attentions[i])));
  }
});

test("run() converts int32 feeds to the int64 the model declares", async () => {
  await withModel(buildLookalike(), async (m) => {
    const feeds = smallFeeds();
    const asInt32 = (t: ort.Tensor) => ({ type: "int32", dims: t.dims, data: Int32Array.from(t.data as BigInt64Array, Number) });
    const a = await m.run(feeds);
    const b = await m.run({ input_ids: asInt32(feeds.input_ids), attention_mask: asInt32(feeds.attention_mask) });
    assert.deepEqual(numbers(a.logits), numbers(b.logits));
  });
});

test("a layer index out of range names the valid range", async () => {
  await withModel(buildLookalike(), async (m) => {
    const out = await m.run(smallFeeds());
    assert.equal(out.attention(1), out.attentions[1]);
    assert.equal(out.hiddenState(2), out.hiddenStates[2]);
    assert.throws(() => out.attention(2), (e: Error) => e instanceof RangeError && /layer 2 is out of range.*2 attention blocks.*0\.\.1/.test(e.message));
    assert.throws(() => out.hiddenState(-1), (e: Error) => e instanceof RangeError && /hidden state -1 is out of range.*0\.\.2/.test(e.message));
    assert.throws(() => out.attention(0.5), RangeError);
  });
});

test("a missing input is named with the feeds that were given", async () => {
  await withModel(buildLookalike(), async (m) => {
    await assert.rejects(m.run({ input_ids: smallFeeds().input_ids }), /needs input 'attention_mask'.*\[input_ids\]/);
  });
});
