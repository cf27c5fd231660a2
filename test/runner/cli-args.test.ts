import { test } from "node:test";
import assert from "node:assert/strict";
import { parseCliArgs, UsageError } from "../../scripts/runner/cli-args";

test("defaults: all notebooks, build/executed, 120 s, errors stop the run", () => {
  assert.deepEqual(parseCliArgs([], {}), {
    out: "build/executed",
    timeout: 120,
    allowErrors: false,
    allowLostOutput: false,
    transport: "ipc",
    verbose: false,
    notebooks: [],
    help: false,
  });
});

test("options and notebook paths are read in any order", () => {
  const options = parseCliArgs(["a.ipynb", "--timeout", "5.5", "--allow-errors", "--out", "x", "b.ipynb", "--verbose"], {});
  assert.deepEqual(options, {
    out: "x",
    timeout: 5.5,
    allowErrors: true,
    allowLostOutput: false,
    transport: "ipc",
    verbose: true,
    notebooks: ["a.ipynb", "b.ipynb"],
    help: false,
  });
});

test("--timeout 0 means no limit", () => {
  assert.equal(parseCliArgs(["--timeout", "0"]).timeout, null);
});

test("bad values and unknown flags are usage errors that say what is wrong", () => {
  assert.throws(() => parseCliArgs(["--timeout", "soon"]), (e: unknown) => e instanceof UsageError && /--timeout must be a number/.test(e.message));
  assert.throws(() => parseCliArgs(["--timeout", "-1"]), UsageError);
  assert.throws(() => parseCliArgs(["--jobs", "2"]), /Unknown option '--jobs'/);
  assert.throws(() => parseCliArgs(["--out", ""]), /--out needs a directory/);
});
