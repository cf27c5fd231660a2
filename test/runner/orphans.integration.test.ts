/**
 * No kernel outlives the runner: SIGKILL of the runner, or an uncaught exception in a program using the API. Ctrl-C
 * (SIGINT) and SIGTERM are checked on a run with a finished and an interrupted notebook in
 * test/reliability/runner-faults.integration.test.ts (exit 130/143, no process left, connection directory removed,
 * nothing half-written), so they are not run a second time here.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { commandLine, kernelProcessesIn, processesIn, ROOT, tempDir, waitFor } from "./helpers";

/** A notebook whose cell announces it started (a file next to it) and then waits a minute. */
function longNotebook(dir: string): string {
  const path = join(dir, "long.ipynb");
  const source = 'import * as fs from "fs";\nfs.writeFileSync("started", "");\nawait new Promise((resolve) => setTimeout(resolve, 60_000));';
  writeFileSync(
    path,
    JSON.stringify({
      nbformat: 4,
      nbformat_minor: 5,
      metadata: { kernelspec: { name: "tslab", display_name: "TypeScript" } },
      cells: [{ cell_type: "code", id: "long", metadata: {}, source, outputs: [], execution_count: null }],
    }),
  );
  return path;
}

/** Starts `script args` under tsx, waits until the long cell runs in a kernel, and returns the process. */
async function startedRunner(
  t: { after: (fn: () => void) => void },
  dir: string,
  script: string,
  args: string[],
): Promise<{ child: ChildProcess; exit: Promise<[number | null, string | null]> }> {
  const child = spawn(process.execPath, ["--import", "tsx", script, ...args], { cwd: ROOT, stdio: ["ignore", "ignore", "pipe"] });
  t.after(() => child.kill("SIGKILL"));
  const exit = new Promise<[number | null, string | null]>((resolve) => child.once("exit", (code, signal) => resolve([code, signal])));
  let stderr = "";
  child.stderr!.on("data", (chunk) => (stderr += chunk));
  const started = await waitFor(() => existsSync(join(dir, "started")), 120_000);
  assert.ok(started, `the cell never started; runner stderr:\n${stderr}`);
  return { child, exit };
}

const cli = join(ROOT, "scripts", "runner", "main.ts");

/** The private connection directory of the one kernel running in `dir`, read from its command line. */
function kernelConnectionDir(dir: string): string {
  const kernels = kernelProcessesIn(dir);
  assert.equal(kernels.length, 1, "one tslab kernel runs in the notebook's folder");
  const match = /--config-path (\S+)/.exec(commandLine(kernels[0]));
  assert.ok(match);
  assert.ok(existsSync(match[1]));
  return dirname(match[1]);
}

describe("kernels never outlive the runner", { concurrency: true }, () => {
  test("SIGKILL of the runner (no handler can run) still takes the kernel down, through the guard", async (t) => {
    const dir = tempDir(t, "runner-orphan-");
    const { child, exit } = await startedRunner(t, dir, cli, ["--out", join(dir, "out"), longNotebook(dir)]);
    const connectionDir = kernelConnectionDir(dir);
    child.kill("SIGKILL");
    assert.deepEqual(await exit, [null, "SIGKILL"]);
    assert.ok(await waitFor(() => processesIn(dir).length === 0, 30_000), `left behind: ${processesIn(dir).map(commandLine)}`);
    assert.equal(existsSync(connectionDir), false, "the guard removed the key file and sockets");
  });

  test("an uncaught exception in a program using executeNotebook takes the kernel down", async (t) => {
    const dir = tempDir(t, "runner-orphan-");
    const { exit } = await startedRunner(t, dir, join(__dirname, "fixtures", "crash-runner.ts"), [longNotebook(dir)]);
    assert.deepEqual(await exit, [1, null]);
    assert.ok(await waitFor(() => processesIn(dir).length === 0, 30_000), `left behind: ${processesIn(dir).map(commandLine)}`);
  });
});
