// Notebook 07 as a reader gets it: committed clean, and running offline from top to bottom with every
// self-check printing its ✓ line. (Needs dist/, which `npm test` builds first.)
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { executeNotebook } from "../../scripts/runner";
import { projectRoot } from "../../src/model";

const NOTEBOOK = path.join(projectRoot(), "notebooks", "07-t5-logits.ipynb");

test("notebook 07 is committed clean: tslab kernel, nbformat 4.5, no outputs, stable unique cell ids", () => {
  const notebook = JSON.parse(fs.readFileSync(NOTEBOOK, "utf8"));
  assert.deepEqual(notebook.metadata.kernelspec, { display_name: "TypeScript", language: "typescript", name: "tslab" });
  assert.deepEqual([notebook.nbformat, notebook.nbformat_minor], [4, 5]);
  const ids = notebook.cells.map((c: { id: string }) => c.id);
  assert.equal(new Set(ids).size, ids.length);
  assert.ok(ids.every((id: string) => /^[a-z0-9-]+$/.test(id)), "ids are readable names, not random");
  for (const cell of notebook.cells.filter((c: { cell_type: string }) => c.cell_type === "code")) {
    assert.deepEqual([cell.outputs, cell.execution_count], [[], null], `cell ${cell.id} has outputs`);
  }
});

test("notebook 07 runs offline on the demo T5, every cell passing and its checks printed", async () => {
  const { notebook, cells } = await executeNotebook(NOTEBOOK, { env: { ...process.env, WORKBOOK_MODEL: "offline" }, timeout: 120 });
  assert.ok(cells.every((c) => c.status === "ok"), JSON.stringify(cells));
  const text = notebook.cells.flatMap((c) => (c.cell_type === "code" ? c.outputs : []))
    .map((o) => (o.output_type === "stream" ? o.text : ""))
    .join("");
  assert.match(text, /^Model: offline demo T5 t5-demo/m);
  assert.ok(!text.includes("check failed"));
  for (const line of ["greedy decoding by hand gives the ids generate() gives", "batched logits equal the one-at-a-time logits", "logits are [batch, target length, vocab_size]"]) {
    assert.ok(text.includes(`✓ ${line}`), `missing ✓ ${line}`);
  }
  assert.match(text, /by hand: {4}The cat sat on the mat\./);
});
