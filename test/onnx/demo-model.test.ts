// The offline demo model (`npm run demo-models`): a DistilBERT-shaped export built by src/demo-models/distilbert/, built here
// on first use like every test that needs the demo model (test/helpers/demo-model.ts).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as ort from "onnxruntime-node";
import { COURSE_ATTENTION_MASK, COURSE_INPUT_IDS } from "../../src/course";
import { clearInspectCache, inspectModel, quantizedHeadErrorBound, recomputeHead } from "../../src/onnx";
import { SENTIMENT_DEMO_MODEL_NAME } from "../../src/demo-models";
import { maxAbsDiff, numbers, runPlain } from "./helpers";
import { demoModel } from "../helpers/demo-model";

const dir = demoModel(SENTIMENT_DEMO_MODEL_NAME);
const files = { fp32: join(dir, "onnx", "model.onnx"), quantized: join(dir, "onnx", "model_quantized.onnx") };

function courseFeeds(): Record<string, ort.Tensor> {
  const tensor = (rows: readonly (readonly number[])[]) => new ort.Tensor("int64", BigInt64Array.from(rows.flat().map(BigInt)), [rows.length, rows[0].length]);
  return { input_ids: tensor(COURSE_INPUT_IDS), attention_mask: tensor(COURSE_ATTENTION_MASK) };
}

for (const [kind, file] of Object.entries(files)) {
  test(`demo model ${kind}: all n_layers + 1 hidden states, attentions and last_hidden_state on the course batch`, async () => {
    const config = JSON.parse(readFileSync(join(dir, "config.json"), "utf8"));
    const model = await inspectModel(file);
    const out = await model.run(courseFeeds());
    assert.equal(model.facts.layers, config.n_layers);
    assert.deepEqual(out.lastHiddenState.dims, [2, 16, config.dim]);
    assert.equal(out.hiddenStates.length, config.n_layers + 1);
    assert.equal(out.attentions.length, config.n_layers);
    for (const a of out.attentions) assert.deepEqual(a.dims, [2, config.n_heads, 16, 16]);
    const plain = await runPlain(readFileSync(file), courseFeeds());
    assert.ok(maxAbsDiff(numbers(out.logits), numbers(plain.logits)) <= 1e-5, "exposing tensors does not change the logits");
  });

  test(`demo model ${kind}: recomputeHead(last_hidden_state) gives the model's logits`, async () => {
    const model = await inspectModel(file);
    const out = await model.run(courseFeeds());
    const weights = model.headWeights();
    const logits = numbers(out.logits);
    const floatDiff = maxAbsDiff(numbers(recomputeHead(out.lastHiddenState, weights)), logits);
    if (kind === "fp32") {
      assert.equal(weights.quantized, false);
      assert.ok(floatDiff <= 1e-4, `fp32 diff ${floatDiff}`);
    } else {
      assert.equal(weights.quantized, true);
      const exact = maxAbsDiff(numbers(recomputeHead(out.lastHiddenState, weights, { quantizedArithmetic: true })), logits);
      assert.ok(exact <= 1e-5, `quantized arithmetic diff ${exact}`);
      const bound = quantizedHeadErrorBound(out.lastHiddenState, weights);
      assert.ok(floatDiff <= bound + 1e-4, `float diff ${floatDiff} vs quantization bound ${bound}`);
    }
  });
}

test("demo model: the quantized file's dequantized head weights are close to the fp32 file's", async () => {
  const [fp32, q8] = await Promise.all([inspectModel(files.fp32), inspectModel(files.quantized)]);
  for (const layer of ["dense", "classifier"] as const) {
    const a = fp32.headWeights()[layer];
    const b = q8.headWeights()[layer];
    assert.deepEqual(a.weight.dims, b.weight.dims);
    const scale = numbers(b.quantized!.scale);
    // int8 rounding moves each weight by at most half a quantization step of its column.
    assert.ok(maxAbsDiff(numbers(a.weight), numbers(b.weight)) <= Math.max(...scale) / 2 + 1e-7);
    assert.deepEqual(numbers(a.bias), numbers(b.bias));
  }
  await clearInspectCache();
});
