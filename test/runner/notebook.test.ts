import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { NotebookInputError } from "../../scripts/runner/errors";
import { parseNotebook, readNotebook } from "../../scripts/runner/notebook";
import { tempDir } from "./helpers";

const valid = {
  nbformat: 4,
  nbformat_minor: 5,
  metadata: { kernelspec: { name: "tslab", display_name: "TypeScript" } },
  cells: [{ cell_type: "code", id: "a", metadata: {}, source: ["1 +\n", "1"], outputs: [], execution_count: null }],
};
const parse = (value: unknown) => parseNotebook(JSON.stringify(value), "bad.ipynb");

test("a valid notebook is read with its sources joined into strings", () => {
  const notebook = parse(valid);
  assert.equal(notebook.cells[0].source, "1 +\n1");
});

test("a file that is not JSON is refused with the file name and the reason", () => {
  assert.throws(
    () => parseNotebook("{ not json", "notes.ipynb"),
    (error: unknown) => error instanceof NotebookInputError && /^notes\.ipynb: is not valid JSON/.test(error.message),
  );
});

test("nbformat 3 and documents without nbformat are refused, naming what was found", () => {
  assert.throws(() => parse({ ...valid, nbformat: 3 }), /bad\.ipynb: has nbformat 3; only nbformat 4/);
  assert.throws(() => parse({ cells: [] }), /has no nbformat field/);
  assert.throws(() => parse([1, 2]), /not a notebook/);
});

test("a notebook for another kernel is refused with the fix", () => {
  const python = { ...valid, metadata: { kernelspec: { name: "python3" } } };
  assert.throws(() => parse(python), /uses kernel "python3".*set metadata\.kernelspec\.name to "tslab"/);
  assert.throws(() => parse({ ...valid, metadata: {} }), /uses no kernelspec/);
});

test("jslab notebooks are accepted", () => {
  assert.equal(parse({ ...valid, metadata: { kernelspec: { name: "jslab" } } }).metadata.kernelspec?.name, "jslab");
});

test("malformed cells are refused with their number", () => {
  const cells = [valid.cells[0], { cell_type: "code", metadata: {}, source: "x" }];
  assert.throws(() => parse({ ...valid, cells }), /cell 2 is a code cell without an outputs array/);
  assert.throws(() => parse({ ...valid, cells: [{ cell_type: "heading", metadata: {}, source: "" }] }), /cell 1 has cell_type "heading"/);
});

test("a missing path and a directory are refused as input errors", async (t) => {
  const dir = tempDir(t);
  await assert.rejects(readNotebook(join(dir, "nope.ipynb")), /nope\.ipynb: no such file/);
  await assert.rejects(readNotebook(dir), /is a directory/);
});

test("nbformat 4.5 notebooks get ids for missing or duplicate cell ids, like nbformat's validate", () => {
  const cells = [{ ...valid.cells[0], id: "same" }, { ...valid.cells[0], id: "same" }, { ...valid.cells[0], id: undefined }];
  const ids = parse({ ...valid, cells }).cells.map((cell) => cell.id);
  assert.equal(ids[0], "same");
  assert.equal(new Set(ids).size, 3);
});

test("transient fields nbformat never stores are dropped", () => {
  const notebook = parse({ ...valid, metadata: { ...valid.metadata, signature: "x", orig_nbformat: 3 } });
  assert.equal("signature" in notebook.metadata, false);
  assert.equal("orig_nbformat" in notebook.metadata, false);
});
