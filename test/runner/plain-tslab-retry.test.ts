// The controls that run plain tslab start it again only when its start-up race is why it failed.
import { test } from "node:test";
import assert from "node:assert/strict";
import { KernelStartError } from "../../scripts/runner/errors";
import { retryPlainTslabStart } from "./helpers";

const RACE = "UnhandledPromiseRejection: Error: Socket is blocked by a bind or unbind operation\n    at ZmqMessage.signAndSend";

test("plain tslab's start-up race is tried again, and says so; the run's result is returned", async () => {
  const notes: string[] = [];
  let calls = 0;
  const result = await retryPlainTslabStart({ diagnostic: (m) => notes.push(m) }, async () => {
    calls += 1;
    if (calls < 3) throw new KernelStartError("the kernel did not answer kernel_info within 60 s", RACE);
    return "ran";
  });
  assert.equal(result, "ran");
  assert.equal(calls, 3);
  assert.equal(notes.length, 2);
  assert.match(notes[0], /start-up race \(try 1 of 3\)/);
});

test("any other failure, or the race a third time, is thrown at once", async () => {
  let calls = 0;
  const other = new KernelStartError("the kernel exited before answering kernel_info", "Error: Cannot find module 'typescript'");
  await assert.rejects(retryPlainTslabStart({ diagnostic: () => {} }, async () => (calls++, Promise.reject(other))), (e) => e === other);
  assert.equal(calls, 1);
  calls = 0;
  await assert.rejects(retryPlainTslabStart({ diagnostic: () => {} }, async () => {
    calls += 1;
    throw new KernelStartError("no answer", RACE);
  }), /no answer/);
  assert.equal(calls, 3);
});
