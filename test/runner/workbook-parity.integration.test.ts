/**
 * The course's own notebooks through nbclient and through the runner give the same executed notebooks
 * (measured times and generated ids masked). The runner's side is the workbook run every test shares
 * (test/helpers/workbook.ts), so only nbclient executes here: the comparison is with the very copies the
 * workbook tests check.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { nbclientUnavailable, runNbclient } from "./nbclient";
import { comparable, ROOT, tempDir } from "./helpers";
import { executedWorkbook, workbookNames } from "../helpers/workbook";

const notebooksDir = join(ROOT, "notebooks");

const names = workbookNames();
const skip = names.length === 0 ? "notebooks/ has no notebooks yet" : nbclientUnavailable();

test("the workbook: nbclient and the runner write the same notebooks", { skip: skip ?? false }, async (t) => {
  const out = tempDir(t, "runner-workbook-");
  const env = { ...process.env, WORKBOOK_MODEL: "offline" };
  // nbclient starts at once: under npm test the shared run may still be going, and the two overlap.
  const jobs = names.map((name) => ({ input: join(notebooksDir, name), output: join(out, `nbclient-${name}`), timeout: 600 }));
  const nbclient = runNbclient(jobs, env);
  nbclient.catch(() => undefined); // awaited below; this only keeps a failure while waiting from being "unhandled"
  const workbook = await executedWorkbook();
  const reference = await nbclient;
  assert.deepEqual(workbook.notebooks.map((n) => n.name), names, "nbclient ran the notebooks of the shared run");
  for (const [i, run] of workbook.notebooks.entries()) {
    assert.equal(run.error, null, `${run.name} failed in the runner: ${run.error}`);
    assert.equal(reference[i].error, null, `${run.name} failed under nbclient`);
    // metadata.workbook is the runner's provenance stamp (contract 1), which nbclient has no counterpart for.
    const ours = comparable(run.executed!, true) as { metadata: Record<string, unknown> };
    assert.ok(ours.metadata.workbook, `${run.name}: the runner's copy carries its provenance`);
    delete ours.metadata.workbook;
    assert.deepEqual(ours, comparable(jobs[i].output, true), `${run.name}: same executed notebook`);
  }
});
