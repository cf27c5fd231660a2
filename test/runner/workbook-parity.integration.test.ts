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
import { comparable, tempDir } from "./helpers";
import { executedWorkbook, workbookNames } from "../helpers/workbook";

const names = workbookNames();
const skip = names.length === 0 ? "notebooks/ has no notebooks yet" : nbclientUnavailable();

test("the workbook: nbclient and the runner write the same notebooks", { skip: skip ?? false }, async (t) => {
  const out = tempDir(t, "runner-workbook-");
  const env = { ...process.env, WORKBOOK_MODEL: "offline" };
  const workbook = await executedWorkbook();
  const jobs = workbook.notebooks.map((n) => ({ input: n.source, output: join(out, `nbclient-${n.name}`), timeout: 600 }));
  const reference = runNbclient(jobs, env);
  for (const [i, run] of workbook.notebooks.entries()) {
    assert.equal(run.error, null, `${run.name} failed in the runner: ${run.error}`);
    assert.equal(reference[i].error, null, `${run.name} failed under nbclient`);
    assert.deepEqual(comparable(run.executed!, true), comparable(jobs[i].output, true), `${run.name}: same executed notebook`);
  }
});
