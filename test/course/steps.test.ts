import { test } from "node:test";
import assert from "node:assert/strict";
import { skipCheck, stepOrSkip } from "../../src/course";
import { GraphStructureError } from "../../src/onnx";

async function printedBy<T>(fn: () => Promise<T> | T): Promise<{ value: T; printed: string }> {
  const original = console.log;
  let printed = "";
  console.log = (...args: unknown[]) => { printed += `${args.join(" ")}\n`; };
  try {
    return { value: await fn(), printed };
  } finally {
    console.log = original;
  }
}

test("stepOrSkip returns the step's value and prints nothing when the step can be shown", async () => {
  const { value, printed } = await printedBy(() => stepOrSkip("the head", "some/model", async () => 42));
  assert.deepEqual([value, printed], [42, ""]);
});

test("stepOrSkip says which step can't be shown for which model and why, in lines of at most 100 characters", async () => {
  const ops = "Gemm/MatMul/Add/Relu/Tanh/Gelu/FastGelu/BiasGelu/Erf/Div/Cast/Mul/DynamicQuantizeLinear/MatMulInteger/Identity";
  const message = `/a/very/long/clone/path/build/models/x-demo/onnx/model.onnx: walked back through ${ops} and stopped at a Sigmoid.`;
  const { value, printed } = await printedBy(() => stepOrSkip("the head by hand", "/a/very/long/clone/path/build/models/x-demo", () => {
    throw new GraphStructureError(message, "the head");
  }));
  assert.equal(value, undefined);
  assert.match(printed, /^This step can't be shown for x-demo: the head by hand\. onnx\/model\.onnx: walked back/);
  assert.match(printed.replace(/\s+/g, " "), /stopped at a Sigmoid\./);
  assert.deepEqual(printed.split("\n").filter((line) => line.length > 100), []);
});

test("stepOrSkip lets any other error through: only an unreadable graph is a step to skip", async () => {
  await assert.rejects(stepOrSkip("the head", "m", () => { throw new RangeError("bug"); }), RangeError);
});

test("skipCheck prints what was not checked and why", async () => {
  const { printed } = await printedBy(() => skipCheck("p1 = sigmoid(z1 - z0)", "the model has 5 labels"));
  assert.equal(printed, "– skipped: p1 = sigmoid(z1 - z0) (the model has 5 labels)\n");
});
