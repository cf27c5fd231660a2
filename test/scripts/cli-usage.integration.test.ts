/**
 * Every npm-run command answers a command line it cannot understand the same way: "<command>: <what is wrong>",
 * its usage text, exit code 2 and no stack trace; -h prints the usage and exits 0. Each runs as npm would start it.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { parseCommandLine, UsageError } from "../../scripts/cli-usage";

const ROOT = join(__dirname, "..", "..");
const TSX = join(ROOT, "node_modules", "tsx", "dist", "cli.mjs");
const COMMANDS = {
  workbook: "scripts/runner/main.ts",
  bench: "scripts/bench/main.ts",
  book: "scripts/book/main.ts",
  kernel: "scripts/kernel/main.ts",
  "demo-models": "scripts/demo-models/main.ts",
};

function run(script: string, args: string[]) {
  return spawnSync(process.execPath, [TSX, script, ...args], { cwd: ROOT, encoding: "utf8", timeout: 300_000 });
}

test("parseCommandLine turns an unknown option and a missing value into UsageError naming the option", () => {
  const options = { out: { type: "string" as const } };
  assert.throws(() => parseCommandLine(["--bogus"], options), (e: unknown) => e instanceof UsageError && /'--bogus'/.test(e.message));
  assert.throws(() => parseCommandLine(["--out"], options), (e: unknown) => e instanceof UsageError && /--out/.test(e.message));
  const parsed = parseCommandLine(["--out", "x", "a.ipynb"], options);
  assert.deepEqual({ ...parsed.values }, { out: "x" });
  assert.deepEqual(parsed.positionals, ["a.ipynb"]);
});

for (const [command, script] of Object.entries(COMMANDS)) {
  test(`npm run ${command} -- --no-such-option: named, usage shown, exit 2, no stack trace`, () => {
    const result = run(script, ["--no-such-option"]);
    assert.equal(result.status, 2, result.stderr);
    assert.match(result.stderr, new RegExp(`^${command}: Unknown option '--no-such-option'`));
    assert.match(result.stderr, new RegExp(`usage: npm run ${command} -- `));
    assert.doesNotMatch(result.stderr, /\n\s+at /, "no stack trace");
    assert.equal(result.stdout, "");
  });

  test(`npm run ${command} -- -h prints the usage and exits 0`, () => {
    const result = run(script, ["-h"]);
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, new RegExp(`^usage: npm run ${command} -- `));
  });
}
