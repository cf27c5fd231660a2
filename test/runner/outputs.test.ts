import { test } from "node:test";
import assert from "node:assert/strict";
import type { CodeCell, Notebook } from "../../scripts/runner/notebook";
import { OutputRecorder, stderrText } from "../../scripts/runner/outputs";
import type { JupyterMessage } from "../../scripts/runner/wire";

function notebookWith(cellCount: number): Notebook {
  const cells = Array.from({ length: cellCount }, (_, i): CodeCell => ({
    cell_type: "code",
    id: `c${i}`,
    metadata: {},
    source: "x",
    outputs: [],
    execution_count: null,
  }));
  return { nbformat: 4, nbformat_minor: 5, metadata: {}, cells };
}

function message(msg_type: string, content: Record<string, unknown>, date = "2024-01-02T03:04:05.678Z"): JupyterMessage {
  return {
    identities: [],
    header: { msg_id: "m", session: "s", username: "u", date, msg_type, version: "5.3" },
    parent_header: { msg_id: "parent" },
    metadata: {},
    content,
  };
}

const stream = (name: string, text: string) => message("stream", { name, text });
const display = (text: string, displayId?: string, type = "display_data") =>
  message(type, { data: { "text/plain": text }, metadata: {}, transient: displayId ? { display_id: displayId } : {} });

function run(notebook: Notebook, cellIndex: number, messages: JupyterMessage[], recorder = new OutputRecorder(notebook, true)) {
  recorder.beginCell(notebook.cells[cellIndex] as CodeCell);
  return messages.map((m) => recorder.process(m, cellIndex));
}

test("streams become outputs in arrival order and are never merged", () => {
  const notebook = notebookWith(1);
  run(notebook, 0, [stream("stdout", "a\n"), stream("stdout", "b\n"), stream("stderr", "c\n")]);
  assert.deepEqual((notebook.cells[0] as CodeCell).outputs, [
    { output_type: "stream", name: "stdout", text: "a\n" },
    { output_type: "stream", name: "stdout", text: "b\n" },
    { output_type: "stream", name: "stderr", text: "c\n" },
  ]);
  assert.equal(stderrText(notebook.cells[0] as CodeCell), "c\n");
});

test("the idle status ends the cell and is recorded with busy as timing metadata", () => {
  const notebook = notebookWith(1);
  const effects = run(notebook, 0, [
    message("status", { execution_state: "busy" }, "2024-01-02T03:04:05.001Z"),
    message("status", { execution_state: "idle" }, "2024-01-02T03:04:06.5Z"),
  ]);
  assert.deepEqual(effects, ["continue", "idle"]);
  assert.deepEqual(notebook.cells[0].metadata.execution, {
    "iopub.status.busy": "2024-01-02T03:04:05.001000Z",
    "iopub.status.idle": "2024-01-02T03:04:06.500000Z",
  });
});

test("update_display_data rewrites every output with that display id, also in earlier cells, and adds none", () => {
  const notebook = notebookWith(2);
  const recorder = new OutputRecorder(notebook, false);
  run(notebook, 0, [display("first", "d1"), display("other"), display("again", "d1")], recorder);
  run(notebook, 1, [display("updated", "d1", "update_display_data")], recorder);
  const first = (notebook.cells[0] as CodeCell).outputs.map((o) => (o as { data: Record<string, string> }).data["text/plain"]);
  assert.deepEqual(first, ["updated", "other", "updated"]);
  assert.deepEqual((notebook.cells[1] as CodeCell).outputs, []);
});

test("a display_data reusing a known id updates the old ones and is appended too", () => {
  const notebook = notebookWith(1);
  run(notebook, 0, [display("v1", "d"), display("v2", "d")]);
  const texts = (notebook.cells[0] as CodeCell).outputs.map((o) => (o as { data: Record<string, string> }).data["text/plain"]);
  assert.deepEqual(texts, ["v2", "v2"]);
});

test("updates to unknown display ids are ignored", () => {
  const notebook = notebookWith(1);
  run(notebook, 0, [display("lost", "nobody", "update_display_data")]);
  assert.deepEqual((notebook.cells[0] as CodeCell).outputs, []);
});

test("clear_output empties the cell at once, or before the next output with wait", () => {
  const notebook = notebookWith(1);
  run(notebook, 0, [stream("stdout", "gone\n"), message("clear_output", { wait: false }), stream("stdout", "kept\n")]);
  assert.deepEqual((notebook.cells[0] as CodeCell).outputs.map((o) => (o as { text: string }).text), ["kept\n"]);

  run(notebook, 0, [stream("stdout", "old\n"), message("clear_output", { wait: true })]);
  assert.equal((notebook.cells[0] as CodeCell).outputs.length, 1, "wait=True keeps the output until the next one");
  run(notebook, 0, [stream("stdout", "old\n"), message("clear_output", { wait: true }), stream("stdout", "new\n")]);
  assert.deepEqual((notebook.cells[0] as CodeCell).outputs.map((o) => (o as { text: string }).text), ["new\n"]);
});

test("execute_result and error map to nbformat outputs and set the execution count", () => {
  const notebook = notebookWith(1);
  run(notebook, 0, [
    message("execute_result", { data: { "text/plain": "2" }, metadata: {}, execution_count: 5 }),
    message("error", { ename: "E", evalue: "v", traceback: ["t"] }),
  ]);
  const cell = notebook.cells[0] as CodeCell;
  assert.equal(cell.execution_count, 5);
  assert.deepEqual(cell.outputs, [
    { output_type: "execute_result", data: { "text/plain": "2" }, metadata: {}, execution_count: 5 },
    { output_type: "error", ename: "E", evalue: "v", traceback: ["t"] },
  ]);
});

test("execute_input, comm messages and unknown types produce no output", () => {
  const notebook = notebookWith(1);
  const warnings: string[] = [];
  const recorder = new OutputRecorder(notebook, true, (w) => warnings.push(w));
  run(notebook, 0, [message("execute_input", { code: "x", execution_count: 1 }), message("comm_open", {}), message("mystery", {})], recorder);
  assert.deepEqual((notebook.cells[0] as CodeCell).outputs, []);
  assert.deepEqual(warnings, ["unhandled iopub message: mystery"]);
  assert.equal(notebook.cells[0].metadata.execution?.["iopub.execute_input"], "2024-01-02T03:04:05.678000Z");
});
