// The transcript the shared workbook run keeps for the parity test (test/helpers/transcript.ts): which messages
// belong to which request, which attempt of a retried request is kept, and that a run it cannot account for is
// refused rather than replayed wrongly.
import { test } from "node:test";
import assert from "node:assert/strict";
import type { Channel, Direction, JupyterMessage } from "../../scripts/runner";
import { TranscriptRecorder } from "../helpers/transcript";

let count = 0;
function message(msgType: string, parent: string, content: Record<string, unknown> = {}, id = `m${count++}`): JupyterMessage {
  return {
    identities: [],
    header: { msg_id: id, session: "s", username: "u", date: "2026-11-30T00:00:00.000Z", msg_type: msgType, version: "5.3" },
    parent_header: parent ? { msg_id: parent } : {},
    metadata: {},
    content,
  };
}
const request = (id: string, code: string) => message("execute_request", "", { code, silent: false, stop_on_error: true }, id);

function recorded(messages: [Channel, JupyterMessage, Direction?][]): TranscriptRecorder {
  const recorder = new TranscriptRecorder();
  for (const [channel, m, direction] of messages) recorder.observe(channel, m, direction ?? "received");
  return recorder;
}

test("each request gets its content, and the reply and iopub messages the kernel sent for it, in arrival order", () => {
  const transcript = recorded([
    ["shell", message("kernel_info_request", "", {}, "k1"), "sent"],
    ["shell", message("kernel_info_reply", "k1", { implementation: "tslab" })],
    ["iopub", message("status", "k1", { execution_state: "idle" })],
    ["shell", request("r1", "a"), "sent"],
    ["iopub", message("status", "r1", { execution_state: "busy" })],
    ["iopub", message("stream", "r1", { name: "stdout", text: "one\n" })],
    ["shell", message("execute_reply", "r1", { status: "ok", execution_count: 1 })],
    ["iopub", message("status", "r1", { execution_state: "idle" })],
    ["shell", request("r2", "b"), "sent"],
    ["iopub", message("display_data", "r2", { data: { "text/plain": "2" } })],
    ["iopub", message("stream", "r1", { name: "stdout", text: "late\n" })],
    ["shell", message("execute_reply", "r2", { status: "ok", execution_count: 2 })],
  ]).transcript();
  assert.deepEqual(transcript.kernelInfo, { implementation: "tslab" });
  assert.deepEqual(transcript.executions.map((e) => e.request), [
    { code: "a", silent: false, stop_on_error: true },
    { code: "b", silent: false, stop_on_error: true },
  ]);
  assert.deepEqual(transcript.executions[0].messages.map((m) => `${m.channel} ${m.msg_type}`), [
    "iopub status", "iopub stream", "shell execute_reply", "iopub status", "iopub stream",
  ], "a late output of the first request stays with it, after its idle");
  assert.deepEqual(transcript.executions[1].messages.map((m) => m.msg_type), ["display_data", "execute_reply"]);
});

test("a request tslab aborted and the runner sent again is left out; an aborted one that was not retried stays", () => {
  const transcript = recorded([
    ["shell", message("kernel_info_reply", "k1")],
    ["shell", request("r1", "a"), "sent"],
    ["shell", message("execute_reply", "r1", { status: "aborted" })],
    ["shell", request("r2", "a"), "sent"],
    ["iopub", message("stream", "r2", { name: "stdout", text: "ran\n" })],
    ["shell", message("execute_reply", "r2", { status: "ok", execution_count: 1 })],
    ["shell", request("r3", "b"), "sent"],
    ["shell", message("execute_reply", "r3", { status: "aborted" })],
  ]).transcript();
  assert.deepEqual(transcript.executions.map((e) => e.request.code), ["a", "b"]);
  assert.deepEqual(transcript.executions[0].messages.map((m) => m.msg_type), ["stream", "execute_reply"]);
  assert.deepEqual(transcript.executions[1].messages.map((m) => m.content.status), ["aborted"]);
});

test("a run it cannot account for is refused: a request with no reply, or no kernel_info_reply", () => {
  const unanswered = recorded([["shell", message("kernel_info_reply", "k1")], ["shell", request("r1", "a"), "sent"]]);
  assert.throws(() => unanswered.transcript(), /execute request 1 \(of 1\) has no reply/);
  const noInfo = recorded([["shell", request("r1", "a"), "sent"], ["shell", message("execute_reply", "r1", { status: "ok" })]]);
  assert.throws(() => noInfo.transcript(), /no kernel_info_reply/);
});
