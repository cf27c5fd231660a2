/**
 * The course's own notebooks through nbclient and through the runner give the same executed notebooks
 * (measured times and generated ids masked). Running the workbook twice costs about a minute on a 2-core machine;
 * RUNNER_PARITY_WORKBOOK=0 leaves it out of a local run (it still says so), CI always runs it.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { nbclientUnavailable, runNbclient } from "./nbclient";
import { runNotebooks } from "../../scripts/runner/batch";
import { serializeNotebook } from "../../scripts/runner/nbjson";
import { readNotebook } from "../../scripts/runner/notebook";
import { comparable, ROOT, tempDir } from "./helpers";

const dir = join(ROOT, "notebooks");
const names = readdirSync(dir).filter((name) => name.endsWith(".ipynb")).sort();
const env = { ...process.env, WORKBOOK_MODEL: "offline" };
const skip =
  process.env.RUNNER_PARITY_WORKBOOK === "0"
    ? "RUNNER_PARITY_WORKBOOK=0 leaves out the workbook comparison with nbclient"
    : names.length === 0
      ? "notebooks/ has no notebooks yet"
      : nbclientUnavailable();

test("the workbook: nbclient and the runner write the same notebooks", { skip: skip ?? false }, async (t) => {
  const out = tempDir(t, "runner-workbook-");
  const inputs = await Promise.all(names.map(async (name) => ({ path: join(dir, name), notebook: await readNotebook(join(dir, name)) })));
  const outcomes = await runNotebooks(inputs, { env, timeout: 600 });
  const jobs = names.map((name) => ({ input: join(dir, name), output: join(out, `nbclient-${name}`), timeout: 600 }));
  const reference = runNbclient(jobs, env);
  for (const [i, name] of names.entries()) {
    assert.equal(outcomes[i].error, undefined, `${name} failed in the runner: ${outcomes[i].error?.message}`);
    assert.equal(reference[i].error, null, `${name} failed under nbclient`);
    const ours = join(out, `runner-${name}`);
    writeFileSync(ours, serializeNotebook(outcomes[i].result!.notebook));
    assert.deepEqual(comparable(ours, true), comparable(jobs[i].output, true), `${name}: same executed notebook`);
  }
});
