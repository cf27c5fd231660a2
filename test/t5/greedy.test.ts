import { test } from "node:test";
import assert from "node:assert/strict";
import { makeTensor } from "../../src/tensor/types";
import { generateGreedy, greedyDecodeByHand, greedyStep } from "../../src/t5";
import { useDemoT5 } from "./helpers";

const t5 = useDemoT5();

test("greedyStep takes the argmax of the last position of the chosen batch row", () => {
  // [batch 2, target 2, vocab 3]; the last position of row 1 is [0.1, 0.7, 0.2].
  const logits = makeTensor("float32", Float32Array.from([9, 0, 0, 0, 0, 9, 0, 0, 9, 0.1, 0.7, 0.2]), [2, 2, 3]);
  assert.equal(greedyStep(logits, 0).tokenId, 2);
  const choice = greedyStep(logits, 1);
  assert.equal(choice.tokenId, 1);
  assert.ok(Math.abs(choice.logit - 0.7) < 1e-6);
  const expected = Math.exp(0.7) / (Math.exp(0.1) + Math.exp(0.7) + Math.exp(0.2));
  assert.ok(Math.abs(choice.probability - expected) < 1e-6);
});

test("greedyStep breaks ties towards the lower id and refuses bad shapes", () => {
  assert.equal(greedyStep(makeTensor("float32", Float32Array.from([1, 5, 5]), [1, 1, 3])).tokenId, 1);
  assert.throws(() => greedyStep(makeTensor("float32", new Float32Array(3), [1, 3])), /\[batch, target, vocab\]/);
  assert.throws(() => greedyStep(makeTensor("float32", new Float32Array(3), [1, 1, 3]), 1), /batch 1 is outside/);
});

test("greedy decoding by hand gives exactly the sequence generate() produces", async () => {
  for (const text of ["summarize: The cat sat on the mat.", "translate English to German: The children play in the park.", "I love this movie"]) {
    const inputs = t5.current.tokenizer(text);
    const byHand = await greedyDecodeByHand(t5.current, inputs, 30);
    assert.ok(byHand.finished, `${text}: stopped at </s>`);
    assert.deepEqual(byHand.sequence, await generateGreedy(t5.current, inputs, 30), text);
    assert.deepEqual(byHand.steps.map((s) => s.decoderLength), byHand.steps.map((_, k) => k + 1));
  }
});

test("decoding by hand stops after maxNewTokens and then reports it did not finish", async () => {
  const inputs = t5.current.tokenizer("summarize: The cat sat on the mat.");
  const byHand = await greedyDecodeByHand(t5.current, inputs, 3);
  assert.equal(byHand.steps.length, 3);
  assert.equal(byHand.finished, false);
  assert.deepEqual(byHand.steps.map((s) => s.piece), ["▁The", "▁cat", "▁sat"]);
  assert.deepEqual(byHand.sequence, await generateGreedy(t5.current, inputs, 3));
});

test("both decoders take one text at a time, and by hand needs at least one step", async () => {
  const two = t5.current.tokenizer(["a cat", "a dog"], { padding: true });
  await assert.rejects(greedyDecodeByHand(t5.current, two, 3), /one text at a time; input_ids has batch 2/);
  await assert.rejects(generateGreedy(t5.current, two, 3), /one text at a time/);
  await assert.rejects(greedyDecodeByHand(t5.current, t5.current.tokenizer("a cat"), 0), /positive integer/);
});
