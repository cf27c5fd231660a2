// README.md's "Layout" block must match the tree: every top-level folder the repository holds and every src/ folder
// is listed, scripts/' line names each tool folder, and nothing listed is missing.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";

const root = path.resolve(__dirname, "../..");

function layoutBlock(): string[] {
  const readme = fs.readFileSync(path.join(root, "README.md"), "utf8");
  const match = /## Layout\n\n```\n([\s\S]*?)```/.exec(readme);
  assert.ok(match, "README.md has no '## Layout' section with a code block");
  return match[1].split("\n").filter(Boolean);
}

/** Subfolders of a folder (dot-folders aside), sorted. */
const folders = (dir: string) => fs.readdirSync(path.join(root, dir), { withFileTypes: true }).filter((e) => e.isDirectory() && !e.name.startsWith(".")).map((e) => e.name).sort();

test("the layout lists every top-level folder the repository tracks, and build/, and nothing else", () => {
  // Tracked folders, not whatever a working copy has lying around (node_modules/, dist/).
  const tracked = execFileSync("git", ["ls-files"], { cwd: root, encoding: "utf8" }).split("\n").filter((f) => f.includes("/")).map((f) => f.split("/")[0]);
  const expected = [...new Set(tracked)].filter((d) => !d.startsWith(".")).concat("build").sort();
  const listed = layoutBlock().filter((l) => /^\S+\/\s/.test(l)).map((l) => l.split("/")[0]).sort();
  assert.deepEqual(listed, expected);
});

test("the layout lists every folder of src/, and only those", () => {
  const listed = layoutBlock().filter((l) => /^ {2}\S+\/\s/.test(l)).map((l) => l.trim().split("/")[0]).sort();
  assert.deepEqual(listed, folders("src"));
});

test("the scripts/ line names every tool folder", () => {
  const line = layoutBlock().find((l) => l.startsWith("scripts/"));
  assert.ok(line, "no scripts/ line");
  const named = [...line.matchAll(/([a-z-]+)\//g)].map((m) => m[1]).filter((n) => n !== "scripts").sort();
  assert.deepEqual(named, folders("scripts"));
});
