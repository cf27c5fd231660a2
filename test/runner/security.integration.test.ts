/**
 * tslab is a signing oracle (it answers a bad HMAC with the right one, on iopub once a cell has run).
 * These tests attack the runner's kernel mid-notebook (issue 14, item 2): plain tslab over tcp as the control; the
 * project's kernel over tcp, which answers nothing; and the default ipc transport, which another user cannot reach.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile, execFileSync } from "node:child_process";
import { chmodSync, copyFileSync, cpSync, existsSync, readdirSync, readFileSync, readlinkSync, statSync, writeFileSync } from "node:fs";
import { promisify } from "node:util";
import { basename, dirname, join } from "node:path";
import { createConnection, type Transport } from "../../scripts/runner/connection";
import { executeNotebook, type ExecuteResult } from "../../scripts/runner/executor";
import { findTslab } from "../../scripts/runner/kernel-process";
import type { CodeCell } from "../../scripts/runner/notebook";
import { assertNoProcessesIn, kernelProcessesIn, processesIn, retryPlainTslabStart, ROOT, tempDir, waitFor } from "./helpers";

const ATTACK = join(__dirname, "fixtures", "hmac-attack.cjs");
const isRoot = process.getuid?.() === 0;

/** Listening sockets of the given processes, as the endpoints a local attacker would read from /proc. */
function listeningEndpoints(pids: number[]): { tcp: string[]; ipc: string[] } {
  const inodes = new Set<string>();
  for (const pid of pids) {
    for (const fd of readdirSync(`/proc/${pid}/fd`)) {
      const match = /^socket:\[(\d+)\]$/.exec(safeReadlink(`/proc/${pid}/fd/${fd}`));
      if (match) inodes.add(match[1]);
    }
  }
  const tcp: string[] = [];
  for (const line of readFileSync("/proc/net/tcp", "utf8").split("\n").slice(1)) {
    const fields = line.trim().split(/\s+/);
    // st 0A = LISTEN; field 9 is the inode.
    if (fields[3] === "0A" && inodes.has(fields[9])) tcp.push(`tcp://127.0.0.1:${parseInt(fields[1].split(":")[1], 16)}`);
  }
  const ipc: string[] = [];
  for (const line of readFileSync("/proc/net/unix", "utf8").split("\n").slice(1)) {
    const fields = line.trim().split(/\s+/);
    // Flags 00010000 = accepting connections; field 6 is the inode, 7 the path.
    if (fields[3] === "00010000" && inodes.has(fields[6]) && fields[7]) ipc.push(`ipc://${fields[7]}`);
  }
  return { tcp, ipc };
}

function safeReadlink(path: string): string {
  try {
    return readlinkSync(path);
  } catch {
    return "";
  }
}

/**
 * Runs a notebook whose second cell waits while `attack` runs against the kernel's endpoints,
 * like a reader's notebook busy with a long cell. Returns the attack's report and the executed notebook.
 */
async function attackDuringRun(
  t: Parameters<typeof tempDir>[0],
  transport: Transport,
  attack: (endpoints: string[]) => Promise<unknown>,
  tslab?: string,
) {
  const dir = tempDir(t, "runner-attack-");
  const done = join(dir, "attack-finished");
  const waiting = join(dir, "second-cell-running");
  const notebook = {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: "tslab", display_name: "TypeScript" } },
    cells: [
      // After one cell, tslab's stderr goes to iopub: the oracle's answer becomes readable without the key.
      { cell_type: "code", id: "first", metadata: {}, source: 'console.log("first cell")', outputs: [], execution_count: null },
      {
        cell_type: "code",
        id: "wait",
        metadata: {},
        source: `import * as fs from "fs";\nfs.writeFileSync(${JSON.stringify(waiting)}, "");\nwhile (!fs.existsSync(${JSON.stringify(done)})) await new Promise((r) => setTimeout(r, 50));`,
        outputs: [],
        execution_count: null,
      },
    ],
  };
  const path = join(dir, "victim.ipynb");
  writeFileSync(path, JSON.stringify(notebook));
  // The controls run plain tslab (`tslab`), whose oracle is open; the project's launcher (the default) closes it.
  const running = executeNotebook(path, { transport, timeout: 180, tslab });
  // A run that fails (a kernel that never started) ends the wait at once, with its own error.
  let failure: { error: unknown } | undefined;
  running.catch((error: unknown) => (failure = { error }));
  let report: unknown;
  try {
    const kernelPids = () => kernelProcessesIn(dir);
    // The second cell announces itself: the first has run, so the kernel is in the vulnerable state.
    await waitFor(() => existsSync(waiting) || failure !== undefined, 120_000);
    if (failure) throw failure.error;
    assert.ok(existsSync(waiting), "the notebook's second cell never started");
    assert.ok(await waitFor(() => kernelPids().length > 0 && listeningEndpoints(kernelPids()).tcp.length + listeningEndpoints(kernelPids()).ipc.length >= 5, 30_000));
    const endpoints = listeningEndpoints(kernelPids());
    report = { endpoints, attack: await attack([...endpoints.tcp, ...endpoints.ipc]) };
  } finally {
    writeFileSync(done, "");
  }
  const result: ExecuteResult = await running;
  return { dir, report: report as { endpoints: { tcp: string[]; ipc: string[] }; attack: { connected: number; oracle: boolean; executed: boolean } }, result };
}

/**
 * The attack script with the one package it loads (zeromq, and cmake-ts that loads its addon), copied into a fresh
 * world-readable folder: `nobody` cannot read the checkout itself when it lives in a private (0700) folder, as a
 * CI clone or a home directory does. Removed when the test ends.
 */
function attackerCopy(t: Parameters<typeof tempDir>[0]): string {
  const dir = tempDir(t, "runner-attacker-");
  for (const name of ["zeromq", "cmake-ts"]) {
    cpSync(join(ROOT, "node_modules", name), join(dir, "node_modules", name), { recursive: true, dereference: true });
  }
  copyFileSync(ATTACK, join(dir, basename(ATTACK)));
  makeWorldReadable(dir);
  return join(dir, basename(ATTACK));
}

/** chmod a+rX, recursively: whatever umask the checkout was made with, `nobody` can read the copy. */
function makeWorldReadable(path: string): void {
  const stat = statSync(path);
  chmodSync(path, (stat.mode & 0o777) | (stat.isDirectory() || stat.mode & 0o100 ? 0o555 : 0o444));
  if (stat.isDirectory()) for (const entry of readdirSync(path)) makeWorldReadable(join(path, entry));
}

/** How the attack script runs; see runAttack. */
interface AttackOptions {
  /** Run as `nobody`, from a copy that user can read. */
  asNobody: boolean;
  /** How long to attack, counted from the attacker's first connection (default 30 s). */
  timeoutMs?: number;
  /**
   * How long to wait for a first connection (default 60 s). Over tcp it comes within milliseconds unless the machine
   * is busy, and the wait ends with it; only where it must never come (another user's ipc) is the whole wait spent.
   */
  connectGraceMs?: number;
  /** Wait for the attacker's code to run (default), or leave once the signed request is sent. */
  awaitExecution?: boolean;
}

/**
 * Runs the attack script and returns its JSON report. It stops once its code ran (or, without `awaitExecution`,
 * once the signed request is sent), or when its time is up.
 */
async function runAttack(t: Parameters<typeof tempDir>[0], endpoints: string[], marker: string, options: AttackOptions) {
  const { asNobody, timeoutMs = 30_000, connectGraceMs = 60_000, awaitExecution = true } = options;
  const id = (flag: string) => Number(execFileSync("id", [flag, "nobody"], { encoding: "utf8" }));
  const ids = asNobody ? { uid: id("-u"), gid: id("-g") } : {};
  const script = asNobody ? attackerCopy(t) : ATTACK;
  const args = [script, JSON.stringify({ endpoints, marker, timeoutMs, connectGraceMs, awaitExecution })];
  const { stdout } = await promisify(execFile)(process.execPath, args, { encoding: "utf8", cwd: dirname(script), ...ids });
  return JSON.parse(stdout) as { connected: number; oracle: boolean; executed: boolean };
}

/** Every stream text of an executed notebook, joined. */
function allText(cells: unknown[]): string {
  return (cells as CodeCell[]).flatMap((cell) => (cell.outputs ?? []).map((o) => ("text" in o ? o.text : ""))).join("");
}

/** A file path the attacker (nobody) can check and the kernel can write. */
function markerPath(t: Parameters<typeof tempDir>[0]): string {
  const dir = tempDir(t, "runner-marker-");
  chmodSync(dir, 0o777);
  return join(dir, "pwned");
}

test("the connection file is 0600 in a 0700 directory, holds a 256-bit key, and is deleted afterwards", async () => {
  const connection = await createConnection("tslab");
  try {
    assert.equal(statSync(connection.dir).mode & 0o777, 0o700);
    assert.equal(statSync(connection.file).mode & 0o777, 0o600);
    const info = JSON.parse(readFileSync(connection.file, "utf8"));
    assert.match(info.key, /^[0-9a-f]{64}$/);
    assert.equal(info.transport, "ipc");
    assert.ok(info.ip.startsWith(connection.dir + "/"), "sockets live inside the private directory");
  } finally {
    await connection.dispose();
  }
  assert.equal(existsSync(connection.dir), false);
});

test("control: over tcp with plain tslab, another local user runs code in the kernel through the HMAC oracle", async (t) => {
  // Not root: the attacker runs as this same user, which still needs only the endpoints, never the key.
  if (!isRoot) t.diagnostic("not root: the attack ran as this user, not as nobody");
  const marker = markerPath(t);
  // The notebook's second cell keeps the kernel busy while the attack runs, and tslab runs requests in turn: the
  // attacker's request can run only after that cell, which ends after the attack. So the attacker does not wait for
  // its code to run; the marker is looked for once the notebook is done.
  const attack = (endpoints: string[]) => runAttack(t, endpoints, marker, { asNobody: isRoot, awaitExecution: false });
  const { dir, report, result } = await retryPlainTslabStart(t, () => attackDuringRun(t, "tcp", attack, findTslab()));
  assert.equal(report.endpoints.tcp.length, 5);
  assert.equal(report.attack.oracle, true, "the valid HMAC leaked on iopub");
  assert.equal(existsSync(marker), true, "the attacker's code ran in the kernel");
  // The rejected signature's answer went to iopub, but the runner keeps it out of the executed notebook.
  const waitCell = result.notebook.cells[1] as CodeCell;
  assert.doesNotMatch(JSON.stringify(waitCell.outputs), /invalid hmac|want /);
  assert.doesNotMatch(JSON.stringify(result.notebook), /invalid hmac|want [0-9a-f]{16}/);
  await assertNoProcessesIn(dir);
});

test("over tcp chosen explicitly, the project's kernel answers a bad signature with nothing: no oracle, no code run", async (t) => {
  const marker = markerPath(t);
  // The 3 s only bound how long to listen for an answer that must never come; they start once the attacker has
  // connected (waited for apart), so `connected > 0` does not depend on the machine's load.
  const attack = (endpoints: string[]) => runAttack(t, endpoints, marker, { asNobody: false, timeoutMs: 3000 });
  const { dir, report, result } = await attackDuringRun(t, "tcp", attack);
  assert.equal(report.attack.connected > 0, true, "the attacker did reach the ports");
  assert.equal(report.attack.oracle, false, "no valid HMAC was published");
  assert.equal(report.attack.executed, false);
  assert.equal(existsSync(marker), false);
  assert.doesNotMatch(JSON.stringify(result.notebook), /invalid hmac|want [0-9a-f]{16}/);
  assert.match(allText(result.notebook.cells), /first cell/);
  await assertNoProcessesIn(dir);
});

test("over the default ipc transport the kernel has no TCP port, and another user's attack fails", async (t) => {
  const marker = markerPath(t);
  // The connect is refused at once (EACCES), so there is nothing to wait for: 5 s of trying shows it stays refused.
  const attack = async (endpoints: string[]) => (isRoot ? runAttack(t, endpoints, marker, { asNobody: true, connectGraceMs: 5000 }) : null);
  const { dir, report } = await attackDuringRun(t, "ipc", attack);
  assert.deepEqual(report.endpoints.tcp, [], "nothing listens on TCP");
  assert.equal(report.endpoints.ipc.length, 5);
  if (isRoot) {
    assert.deepEqual(report.attack, { connected: 0, oracle: false, executed: false });
  } else {
    t.diagnostic("not root: the attack as another user was not attempted (same-user processes can read the key anyway)");
  }
  assert.equal(existsSync(marker), false);
  await assertNoProcessesIn(dir);
});
