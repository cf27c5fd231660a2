import { test } from "node:test";
import assert from "node:assert/strict";
import { parseBenchArgs, UsageError } from "../../scripts/bench/cli-args";

test("defaults: the full bench, written to build/bench.json", () => {
  assert.deepEqual(parseBenchArgs([]), { quick: false, out: "build/bench.json", skipNotebooks: false, help: false });
});

test("--quick, --out and --skip-notebooks are read", () => {
  assert.deepEqual(parseBenchArgs(["--quick", "--out", "x.json", "--skip-notebooks"]), { quick: true, out: "x.json", skipNotebooks: true, help: false });
});

test("unknown options, stray arguments and an empty --out are usage errors", () => {
  assert.throws(() => parseBenchArgs(["--fast"]), (e: unknown) => e instanceof UsageError && /--fast/.test(e.message));
  assert.throws(() => parseBenchArgs(["notebooks/01.ipynb"]), UsageError);
  assert.throws(() => parseBenchArgs(["--out", " "]), /--out needs a file path/);
});
