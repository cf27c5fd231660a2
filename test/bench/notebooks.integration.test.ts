import { test } from "node:test";
import assert from "node:assert/strict";
import { join, resolve } from "node:path";
import { benchNotebooks, nbclientProblem } from "../../scripts/bench/notebooks";

const ROOT = resolve(__dirname, "../..");

test("an interpreter that cannot run nbclient is named with the fix", () => {
  assert.match(nbclientProblem("/nonexistent/python3") ?? "", /\/nonexistent\/python3 cannot be run .*python3-nbclient or set PYTHON/);
});

test("a notebook that fails is not timed: the bench says which executor and why", async () => {
  const failing = join(ROOT, "test", "notebooks", "throw.ipynb");
  await assert.rejects(
    benchNotebooks({ notebooks: [failing], repeat: { runs: 1, warmup: 0 }, env: process.env, python: "/nonexistent/python3", timeout: 60 }),
    /the runner failed .*throw\.ipynb \(.*\); the benchmark only times notebooks that run/,
  );
});
