// The quiet reporter on node:test event streams like those of a unit shard and of a single file.
import assert from "node:assert/strict";
import { test } from "node:test";
import { LOAD_FAILURE_SUFFIX, reportProcess, SHARD_END_TEST } from "./reporter";

const ROOT = "/project";
const SHARD = "/project/build/test/shards-1/unit-1.test.cjs";
const [A, B, C] = ["a", "b", "c"].map((name) => `/project/test/${name}.test.ts`);

type Event = { type: string; data: { name: string; nesting: number; file?: string; details?: { duration_ms?: number; passed?: boolean; error?: unknown } } };
const pass = (file: string, name: string): Event => ({ type: "test:pass", data: { name, nesting: 0, file, details: { duration_ms: 10 } } });
const fail = (file: string, name: string, error: unknown): Event => ({ type: "test:fail", data: { name, nesting: 0, file, details: { duration_ms: 1, error } } });
/** The event node:test sends when the process of `target` has ended. */
const end = (target: string, passed = true): Event => ({ type: "test:pass", data: { name: target, nesting: 0, file: target, details: { duration_ms: 50, passed } } });

async function* stream(events: Event[]) {
  yield* events;
}

const report = (target: string, events: Event[], members?: string[]) =>
  reportProcess(stream(events) as AsyncIterable<never>, target, { root: ROOT, verbose: false, members });

test("a shard whose process ended early fails each file that never reported, naming the last one that did", async () => {
  const { files, text } = await report(SHARD, [pass(A, "a1"), pass(A, "a2"), end(SHARD)], [A, B, C]);
  assert.deepEqual(files.map((f) => [f.file, f.passed, f.failed, f.done]), [
    ["test/a.test.ts", 2, 0, true],
    ["test/b.test.ts", 0, 1, true],
    ["test/c.test.ts", 0, 1, true],
  ]);
  assert.match(text, /✗ test\/b\.test\.ts {2}1 failed, 0 passed/);
  assert.match(text, /its process ended before this file's tests ran \(the last file that reported was test\/a\.test\.ts/);
});

test("a shard cut short after every file reported fails the last file, not silently", async () => {
  const { files } = await report(SHARD, [pass(A, "a1"), pass(B, "b1"), end(SHARD)], [A, B]);
  assert.deepEqual(files.map((f) => [f.file, f.passed, f.failed]), [["test/a.test.ts", 1, 0], ["test/b.test.ts", 1, 1]]);
});

test("a shard that ran to its end test passes, and the end test is not counted", async () => {
  const { files, text } = await report(SHARD, [pass(A, "a1"), pass(B, "b1"), pass(SHARD, SHARD_END_TEST), end(SHARD)], [A, B]);
  assert.deepEqual(files.map((f) => [f.file, f.passed, f.failed, f.done]), [["test/a.test.ts", 1, 0, true], ["test/b.test.ts", 1, 0, true]]);
  assert.doesNotMatch(text, /✗|every test of this process/);
});

test("a member that threw while loading is that member's failure, and the shard is not said to be unfinished", async () => {
  const broken = new Error("broken at load");
  const events = [fail(SHARD, B + LOAD_FAILURE_SUFFIX, broken), pass(A, "a1"), pass(SHARD, SHARD_END_TEST), end(SHARD, false)];
  const { files, text } = await report(SHARD, events, [A, B]);
  assert.deepEqual(files.map((f) => [f.file, f.passed, f.failed, f.done]), [["test/a.test.ts", 1, 0, true], ["test/b.test.ts", 0, 1, true]]);
  assert.match(text, /✗ test\/b\.test\.ts[^\n]*\n {4}✗ \(the file could not be loaded\)\n {8}Error: broken at load/);
  assert.doesNotMatch(text, /shards-1/);
});

test("a file on its own that ran no test fails; one whose process failed keeps that error", async () => {
  const empty = await report(A, [end(A)]);
  assert.deepEqual(empty.files.map((f) => [f.file, f.failed]), [["test/a.test.ts", 1]]);
  assert.match(empty.text, /the file registers no test, or its process ended before any ran/);
  const crashed = await report(A, [{ type: "test:fail", data: { name: A, nesting: 0, file: A, details: { passed: false, error: new Error("Cannot find module 'x'") } } }]);
  assert.equal(crashed.files[0].failed, 1);
  assert.match(crashed.text, /\(the file itself\)[\s\S]*Cannot find module 'x'/);
  assert.doesNotMatch(crashed.text, /registers no test/);
});

test("a test node:test credits to a helper module counts for the file that was running (or the file on its own)", async () => {
  const HELPER = "/project/test/helpers/some-helper.ts";
  const shard = await report(SHARD, [pass(A, "a1"), pass(B, "b1"), pass(HELPER, "made by a helper"), pass(SHARD, SHARD_END_TEST), end(SHARD)], [A, B]);
  assert.deepEqual(shard.files.map((f) => [f.file, f.passed]), [["test/a.test.ts", 1], ["test/b.test.ts", 2]]);
  const single = await report(A, [pass(A, "a1"), fail(HELPER, "made by a helper", new Error("x")), end(A, false)]);
  assert.deepEqual(single.files.map((f) => [f.file, f.passed, f.failed]), [["test/a.test.ts", 1, 1]]);
});
