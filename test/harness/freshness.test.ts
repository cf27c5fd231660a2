import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { markDone, upToDate } from "./freshness";
import { tempDir } from "../helpers/temp-dir";

/** Sets a path's modification time to `ms` (epoch ms), so the test needs no sleeping between edits. */
const touch = (file: string, ms: number) => fs.utimesSync(file, ms / 1000, ms / 1000);

test("a tsc step is up to date only after it passed and while no input, file or folder, changed since", (t) => {
  const root = tempDir(t, "harness-freshness-");
  fs.mkdirSync(path.join(root, "src", "deep"), { recursive: true });
  for (const file of ["src/a.ts", "src/deep/b.ts", "tsconfig.json"]) fs.writeFileSync(path.join(root, file), "x");
  const inputs = ["src", "tsconfig.json"];
  const past = Date.now() - 60_000;
  for (const entry of ["src/a.ts", "src/deep/b.ts", "src/deep", "src", "tsconfig.json"]) touch(path.join(root, entry), past);

  assert.equal(upToDate(root, "build/step.passed", inputs), false, "never passed");
  markDone(root, "build/step.passed", past + 1000);
  assert.equal(upToDate(root, "build/step.passed", inputs), true);
  assert.equal(upToDate(root, "build/step.passed", inputs, ["dist/index.js"]), false, "an output is missing");

  touch(path.join(root, "src/deep/b.ts"), past + 2000);
  assert.equal(upToDate(root, "build/step.passed", inputs), false, "a file changed after the step started");
  markDone(root, "build/step.passed", past + 3000);
  assert.equal(upToDate(root, "build/step.passed", inputs), true);

  fs.rmSync(path.join(root, "src/a.ts"));
  touch(path.join(root, "src"), past + 4000);
  assert.equal(upToDate(root, "build/step.passed", inputs), false, "a file was deleted: its folder changed");
  markDone(root, "build/step.passed", past + 5000);
  fs.mkdirSync(path.join(root, "src", "node_modules"));
  touch(path.join(root, "src"), past + 4500);
  touch(path.join(root, "src", "node_modules"), past + 6000);
  assert.equal(upToDate(root, "build/step.passed", inputs), true, "node_modules is not an input");
});
