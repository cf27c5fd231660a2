import { test } from "node:test";
import assert from "node:assert/strict";
import { parseBenchArgs, UsageError } from "../../scripts/bench/cli-args";

test("defaults: the full bench, written to build/bench.json", () => {
  assert.deepEqual(parseBenchArgs([]), { quick: false, out: "build/bench.json", skipNotebooks: false, notebooks: [], help: false });
});

test("--quick alone writes build/bench-quick.json, never over the full run's build/bench.json; --out still wins", () => {
  assert.equal(parseBenchArgs(["--quick"]).out, "build/bench-quick.json");
  assert.equal(parseBenchArgs(["--quick", "--out", "build/bench.json"]).out, "build/bench.json", "asked for explicitly");
});

test("--quick, --out, --skip-notebooks and notebook paths are read", () => {
  assert.deepEqual(parseBenchArgs(["--quick", "a.ipynb", "--out", "x.json", "--skip-notebooks"]), { quick: true, out: "x.json", skipNotebooks: true, notebooks: ["a.ipynb"], help: false });
});

test("unknown options, stray arguments and an empty --out are usage errors", () => {
  assert.throws(() => parseBenchArgs(["--fast"]), (e: unknown) => e instanceof UsageError && /--fast/.test(e.message));
  assert.throws(() => parseBenchArgs(["notebooks/01.txt"]), /"notebooks\/01.txt" is not a notebook/);
  assert.throws(() => parseBenchArgs(["--out", " "]), /--out needs a file path/);
});
