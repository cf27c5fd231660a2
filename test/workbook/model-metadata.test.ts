// Contract 1: the runner records in metadata.workbook.model which model each notebook ran on, as the notebook's own
// loader chose it ({kind, name, source, banner}); the book reads it from there rather than from the banner's wording.
import assert from "node:assert/strict";
import { test } from "node:test";
import { executedNotebook, executedWorkbook, workbookNames } from "../helpers/workbook";

test("every executed notebook records the model its loader chose, and that banner is what it printed", async () => {
  const workbook = await executedWorkbook();
  for (const name of workbookNames()) {
    const notebook = executedNotebook(workbook, name) as { metadata: { workbook?: { model?: Record<string, string> } }; cells: { outputs?: { name?: string; text?: string | string[] }[] }[] };
    const model = notebook.metadata.workbook?.model;
    assert.ok(model, `${name}: no metadata.workbook.model`);
    assert.equal(model.kind, "demo", `${name}: the tests run offline, so the loader chose a demo model`);
    assert.ok(model.name && model.source, `${name}: the record names the model and what from_pretrained took`);
    const stdout = notebook.cells.flatMap((c) => c.outputs ?? []).filter((o) => o.name === "stdout").map((o) => (Array.isArray(o.text) ? o.text.join("") : o.text ?? "")).join("");
    assert.ok(stdout.includes(model.banner), `${name}: the recorded banner is not what the notebook printed:\n${model.banner}`);
  }
});
