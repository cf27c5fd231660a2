// The head finder on every family's offline demo model (contract 6), fp32 and quantized: the family and
// layer names it reports, and recomputeHead against the file's logits on the course sentences.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as ort from "onnxruntime-node";
import { AutoTokenizer } from "@huggingface/transformers";
import { COURSE_SENTENCES } from "../../src/course";
import { FAMILY_NAMES, inspectModel, quantizedHeadErrorBound, recomputeHead, type HeadFamily } from "../../src/onnx";
import { demoModel } from "../helpers/demo-model";
import { maxAbsDiff, numbers } from "./helpers";

// Contract 6: one demo model per family.
const FAMILY_DEMOS: readonly { name: string; family: HeadFamily; activation: string }[] = [
  { name: "distilbert-sst2-demo", family: "distilbert", activation: "relu" },
  { name: "bert-5star-demo", family: "bert", activation: "tanh" },
  { name: "roberta-3label-demo", family: "roberta", activation: "tanh" },
  { name: "deberta-v2-multilabel-demo", family: "deberta-v2", activation: "gelu" },
];

// One tokenizer per family for both of its files (loading a byte-level BPE tokenizer costs about half a second).
const tokenizers = new Map<string, ReturnType<typeof AutoTokenizer.from_pretrained>>();
function familyTokenizer(name: string, dir: string): ReturnType<typeof AutoTokenizer.from_pretrained> {
  if (!tokenizers.has(name)) tokenizers.set(name, AutoTokenizer.from_pretrained(dir));
  return tokenizers.get(name)!;
}

for (const demo of FAMILY_DEMOS) {
  for (const file of ["model.onnx", "model_quantized.onnx"]) {
    const quantized = file.includes("quantized");
    test(`${demo.name} ${file}: the ${demo.family} head, recomputed to the file's logits`, async () => {
      const dir = demoModel(demo.name);
      const tokenizer = await familyTokenizer(demo.name, dir);
      const batch = tokenizer([...COURSE_SENTENCES], { padding: true, truncation: true });
      const ids = { input_ids: batch.input_ids, attention_mask: batch.attention_mask };
      const model = await inspectModel(join(dir, "onnx", file));
      const out = await model.run(ids);
      // The unedited file, fed what the tokenizer gave for each input it declares.
      const session = await ort.InferenceSession.create(readFileSync(join(dir, "onnx", file)));
      const given = batch as unknown as Record<string, { data: BigInt64Array; dims: number[] } | undefined>;
      const plainFeeds = Object.fromEntries(session.inputNames.map((name) => {
        const t = given[name];
        assert.ok(t, `the tokenizer gives ${name}, which the file declares`);
        return [name, new ort.Tensor("int64", t.data, t.dims)];
      }));
      const logits = numbers((await session.run(plainFeeds)).logits as ort.Tensor);
      await session.release();
      assert.ok(maxAbsDiff(numbers(out.logits), logits) <= 1e-5, "run() feeds what the file needs and leaves the logits alone");

      const head = model.headWeights();
      const config = JSON.parse(readFileSync(join(dir, "config.json"), "utf8"));
      assert.equal(head.family, demo.family);
      assert.equal(head.activation, demo.activation);
      assert.deepEqual(head.names, FAMILY_NAMES[demo.family]);
      assert.equal(head.quantized, quantized);
      assert.equal(head.classifier.weight.dims[0], Object.keys(config.id2label).length);
      const floatDiff = maxAbsDiff(numbers(recomputeHead(out.lastHiddenState, head)), logits);
      if (!quantized) {
        assert.ok(floatDiff <= 1e-4, `fp32 diff ${floatDiff}`);
        return;
      }
      const exact = maxAbsDiff(numbers(recomputeHead(out.lastHiddenState, head, { quantizedArithmetic: true })), logits);
      assert.ok(exact <= 1e-4, `quantized arithmetic diff ${exact}`);
      assert.ok(floatDiff <= quantizedHeadErrorBound(out.lastHiddenState, head) + 1e-4, `float diff ${floatDiff}`);
    });
  }
}
