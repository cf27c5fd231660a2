// The transcript the shared workbook run keeps for the parity test (test/helpers/transcript.ts): which messages
// belong to which cell, and that a run it cannot account for is refused rather than replayed wrongly.
import { test } from "node:test";
import assert from "node:assert/strict";
import type { Channel, JupyterMessage } from "../../scripts/runner";
import { TranscriptRecorder } from "../helpers/transcript";

let count = 0;
function message(msgType: string, parent: string, content: Record<string, unknown> = {}): JupyterMessage {
  const id = `m${count++}`;
  return {
    identities: [],
    header: { msg_id: id, session: "s", username: "u", date: "2026-11-30T00:00:00.000Z", msg_type: msgType, version: "5.3" },
    parent_header: parent ? { msg_id: parent } : {},
    metadata: {},
    content,
  };
}

function recorded(messages: [Channel, JupyterMessage][]): TranscriptRecorder {
  const recorder = new TranscriptRecorder();
  for (const [channel, m] of messages) recorder.observe(channel, m);
  return recorder;
}

test("each executed cell gets its reply and the iopub messages of its request, in arrival order", () => {
  const recorder = recorded([
    ["shell", message("kernel_info_reply", "k1", { implementation: "tslab" })],
    ["iopub", message("status", "k1", { execution_state: "idle" })],
    ["iopub", message("status", "r1", { execution_state: "busy" })],
    ["iopub", message("stream", "r1", { name: "stdout", text: "one\n" })],
    ["shell", message("execute_reply", "r1", { status: "ok", execution_count: 1 })],
    ["iopub", message("status", "r1", { execution_state: "idle" })],
    ["iopub", message("display_data", "r2", { data: { "text/plain": "2" } })],
    ["shell", message("execute_reply", "r2", { status: "ok", execution_count: 2 })],
  ]);
  const transcript = recorder.transcript(["a", "b"]);
  assert.deepEqual(transcript.kernelInfo, { implementation: "tslab" });
  assert.deepEqual(transcript.executions.map((e) => e.code), ["a", "b"]);
  assert.deepEqual(transcript.executions[0].messages.map((m) => `${m.channel} ${m.msg_type}`), ["iopub status", "iopub stream", "shell execute_reply", "iopub status"]);
  assert.deepEqual(transcript.executions[1].messages.map((m) => m.msg_type), ["display_data", "execute_reply"]);
  assert.deepEqual(transcript.executions[0].messages[1].content, { name: "stdout", text: "one\n" });
});

test("a request tslab aborted (and the runner sent again) is left out", () => {
  const recorder = recorded([
    ["shell", message("kernel_info_reply", "k1")],
    ["shell", message("execute_reply", "r1", { status: "aborted" })],
    ["iopub", message("stream", "r2", { name: "stdout", text: "ran\n" })],
    ["shell", message("execute_reply", "r2", { status: "ok", execution_count: 1 })],
  ]);
  const [only] = recorder.transcript(["a"]).executions;
  assert.deepEqual(only.messages.map((m) => m.msg_type), ["stream", "execute_reply"]);
});

test("a run it cannot account for is refused: replies and cells differ in number, or no kernel_info_reply", () => {
  const replies = recorded([["shell", message("kernel_info_reply", "k1")], ["shell", message("execute_reply", "r1", { status: "ok" })]]);
  assert.throws(() => replies.transcript(["a", "b"]), /answered 1 execute requests, but 2 cells were executed/);
  const noInfo = recorded([["shell", message("execute_reply", "r1", { status: "ok" })]]);
  assert.throws(() => noInfo.transcript(["a"]), /no kernel_info_reply/);
});
