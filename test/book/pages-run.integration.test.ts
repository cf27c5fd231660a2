/**
 * Issue 14, item 8 (book): without --no-run, the book executes what is missing or stale, and only that, into
 * --executed. It starts a tslab kernel, so it is an integration test (the rest of the book's page checks are
 * unit tests in pages.test.ts).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { cleanCourse, writeCourse, writeSources } from "./fixture";
import { tempDir } from "../helpers/temp-dir";

const root = path.resolve(__dirname, "..", "..");
const tmp = (t: { after: (fn: () => void) => void }) => {
  const dir = tempDir(t, "book-pages-");
  return dir;
};
const read = (dir: string, file: string) => fs.readFileSync(path.join(dir, file), "utf8");

/** `npm run book` in a child process. */
function book(args: string[]) {
  return spawnSync(process.execPath, ["--import", "tsx", path.join(root, "scripts", "book", "main.ts"), ...args], { encoding: "utf8", cwd: root, timeout: 300_000 });
}

type Json = Record<string, unknown>;
const nb = (cells: Json[]): Json => ({ nbformat: 4, nbformat_minor: 5, metadata: { kernelspec: { name: "tslab", display_name: "TypeScript" } }, cells });
const code = (count: unknown, source: string, outputs: Json[], metadata: Json = {}): Json => ({ cell_type: "code", id: `c${String(count)}`, execution_count: count, metadata, source, outputs });

test("without --no-run, --notebooks and --executed are honoured: only the changed notebook is executed, into --executed", (t) => {
  const dir = tmp(t);
  const notebooks = path.join(dir, "nbs");
  fs.mkdirSync(notebooks);
  fs.writeFileSync(path.join(notebooks, "01-hello.ipynb"), `${JSON.stringify(nb([{ cell_type: "markdown", id: "m", metadata: {}, source: "# Hello" }, code(null, 'console.log("hello from the book test")', [])]), null, 1)}\n`);
  const clean = cleanCourse();
  writeSources(notebooks, { "02-softmax": clean["01-softmax"] });
  const executed = writeCourse(path.join(dir, "executed"), { "02-softmax": clean["01-softmax"] });
  const before = fs.readFileSync(path.join(executed, "02-softmax.ipynb"));
  const run = book(["--executed", executed, "--notebooks", notebooks, "--out", path.join(dir, "book")]);
  assert.match(run.stdout, /executing 1 of 2 notebooks into .*executed:\n {2}01-hello\.ipynb: it has not been executed yet/);
  const written = JSON.parse(read(executed, "01-hello.ipynb")) as { cells: { outputs?: { text?: string[] }[] }[] };
  assert.match(JSON.stringify(written.cells[1].outputs), /hello from the book test/, "executed into --executed");
  assert.ok(fs.readFileSync(path.join(executed, "02-softmax.ipynb")).equals(before), "the up-to-date copy was not executed again");
  assert.match(read(path.join(dir, "book"), "01-hello.html"), /hello from the book test/);
});
