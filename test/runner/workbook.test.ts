/**
 * The course itself: every notebooks/*.ipynb must run through the runner with the offline model, and nbclient,
 * where installed, must produce the same notebooks (measured times and generated ids masked).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { runNotebooks, type NotebookOutcome } from "../../scripts/runner/batch";
import { serializeNotebook } from "../../scripts/runner/nbjson";
import { readNotebook } from "../../scripts/runner/notebook";
import { comparable, nbclientSkipReason, runNbclient, ROOT, tempDir } from "./helpers";

const dir = join(ROOT, "notebooks");
const names = readdirSync(dir).filter((name) => name.endsWith(".ipynb")).sort();
const env = { ...process.env, WORKBOOK_MODEL: "offline" };
const noNotebooks = names.length === 0 ? "notebooks/ has no notebooks yet" : null;
let outcomes: NotebookOutcome[] = [];

test("every notebook of the workbook runs through the runner (WORKBOOK_MODEL=offline)", { skip: noNotebooks ?? false }, async (t) => {
  const inputs = await Promise.all(names.map(async (name) => ({ path: join(dir, name), notebook: await readNotebook(join(dir, name)) })));
  outcomes = await runNotebooks(inputs, { env, timeout: 600 });
  for (const outcome of outcomes) assert.equal(outcome.error, undefined, `${outcome.path}: ${outcome.error?.message}`);
  t.diagnostic(outcomes.map((o) => `${o.path.slice(dir.length + 1)} ${o.seconds.toFixed(1)} s`).join(", "));
});

test("nbclient executes the workbook to the same notebooks", { skip: noNotebooks ?? nbclientSkipReason() ?? false }, (t) => {
  assert.equal(outcomes.length, names.length, "the runner's run above completed");
  const out = tempDir(t, "runner-workbook-");
  const jobs = names.map((name) => ({ input: join(dir, name), output: join(out, `nbclient-${name}`), timeout: 600 }));
  const reference = runNbclient(jobs, env);
  for (const [i, name] of names.entries()) {
    assert.equal(reference[i].error, null, `${name} failed under nbclient`);
    const ours = join(out, `runner-${name}`);
    writeFileSync(ours, serializeNotebook(outcomes[i].result!.notebook));
    assert.deepEqual(comparable(ours, true), comparable(jobs[i].output, true), `${name}: same executed notebook`);
  }
});
