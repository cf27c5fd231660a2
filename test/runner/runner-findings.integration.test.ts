/**
 * Issue 14 items 7 and 8 (the runner's part): no output lost in a burst, byte-faithful metadata, strict UTF-8,
 * nbclient's blank cells, bounded timeouts, no leftover processes. The command's side of item 8 and issue 20 items 4
 * and 6 (no terminal escapes in messages, every failure described, metadata.workbook written, --allow-errors running
 * every cell) is in cli.integration.test.ts, on the same runs as its other failure checks.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { runCli } from "../../scripts/runner/cli";
import { LostOutputError } from "../../scripts/runner/errors";
import { executeNotebook, type ExecuteResult } from "../../scripts/runner/executor";
import { findTslab } from "../../scripts/runner/kernel-process";
import { serializeNotebook } from "../../scripts/runner/nbjson";
import { isBlankSource, parseNotebook, parseNotebookBytes, type CodeCell } from "../../scripts/runner/notebook";
import { assertNoProcessesIn, captureStream, processesIn, PYTHON, retryPlainTslabStart, tempDir } from "./helpers";

/** A tslab notebook with the given code cells (and optional notebook metadata), as text. */
function notebookText(sources: string[], metadata: Record<string, unknown> = {}): string {
  return JSON.stringify({
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: "tslab", display_name: "TypeScript" }, ...metadata },
    cells: sources.map((source, i) => ({ cell_type: "code", id: `c${i}`, metadata: {}, source, outputs: [], execution_count: null })),
  });
}

async function workbook(cwd: string, args: string[]) {
  const stdout = captureStream();
  const stderr = captureStream();
  const code = await runCli(args, { stdout: stdout.stream, stderr: stderr.stream, cwd });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

function streamText(cell: CodeCell): string {
  return cell.outputs.map((o) => ("text" in o ? o.text : "")).join("");
}

// --- item 7: output bursts ------------------------------------------------------------------------------------------

/**
 * One run serves the burst and the detached-process tests: a cell printing 100,000 lines, a next cell, then a cell
 * that detaches two processes into their own sessions.
 */
const sharedDir = tempDir({ after }, "burst-detached-");
let shared: { result: ExecuteResult; warnings: string[] };
before(async () => {
  const path = join(sharedDir, "burst.ipynb");
  writeFileSync(
    path,
    notebookText([
      "for (let i = 0; i < 100000; i++) console.log(`line ${i}`);",
      'console.log("next cell")',
      'import { spawn } from "child_process";\n' +
        'const child = spawn("sleep", ["300"], { detached: true, stdio: "ignore" });\nchild.unref();\n' +
        '// One that also drops the environment it inherited.\n' +
        'const bare = spawn("/bin/sleep", ["301"], { detached: true, stdio: "ignore", env: {} });\nbare.unref();\n' +
        'console.log("started", child.pid, bare.pid);',
    ]),
  );
  const warnings: string[] = [];
  shared = { result: await executeNotebook(path, { timeout: 600, warn: (m) => warnings.push(m) }), warnings };
});

test("a cell printing 100,000 lines keeps every one of them, in order", () => {
  const { result, warnings } = shared;
  const lines = streamText(result.notebook.cells[0] as CodeCell).split("\n").filter(Boolean);
  assert.equal(lines.length, 100_000);
  assert.equal(lines.every((line, i) => line === `line ${i}`), true, "in order, none missing");
  assert.equal(streamText(result.notebook.cells[1] as CodeCell), "next cell\n");
  assert.equal(result.lostOutput, false);
  // The one warning expected is the detached cell's (checked below).
  assert.deepEqual(warnings.filter((w) => !/^the kernel left 2 process\(es\) running outside its process group; killed: /.test(w)), []);
});

test("output lost anyway (a plain tslab's publisher) marks the cell and fails, unless --allow-lost-output", async (t) => {
  const dir = tempDir(t, "lost-");
  const path = join(dir, "lost.ipynb");
  writeFileSync(path, notebookText(["for (let i = 0; i < 20000; i++) console.log(`line ${i}`);"]));
  await assert.rejects(retryPlainTslabStart(t, () => executeNotebook(path, { tslab: findTslab(), timeout: 300 })), (error: unknown) => {
    assert.ok(error instanceof LostOutputError);
    assert.match(error.message, /output of In \[1\] \(cell 1\) was lost/);
    assert.equal(error.lostOutput, true);
    const cell = error.notebook!.cells[0] as CodeCell;
    assert.match(streamText(cell), /\[workbook\] output of this cell was lost/);
    return true;
  });
  const kept = await retryPlainTslabStart(t, () => executeNotebook(path, { tslab: findTslab(), timeout: 300, allowLostOutput: true }));
  assert.equal(kept.lostOutput, true);
  assert.match(streamText(kept.notebook.cells[0] as CodeCell), /\[workbook\] output of this cell was lost/);
});

// --- item 8: metadata, UTF-8, blank cells -----------------------------------------------------------------------

test("metadata numbers are written back exactly as nbformat writes them (1.0, 1e-07, a 23-digit integer)", () => {
  const source =
    '{"cells": [], "metadata": {"kernelspec": {"name": "tslab"}, "x": {"one": 1.0, "small": 1e-07, "big": 12345678901234567890123, ' +
    '"neg": -0.0, "e": 1E5, "list": [2.50, 100, 1e16]}}, "nbformat": 4, "nbformat_minor": 5}';
  const ours = serializeNotebook(parseNotebook(source, "numbers.ipynb"));
  const theirs = spawnSync(PYTHON, ["-c", "import sys, nbformat; nbformat.write(nbformat.reads(sys.stdin.read(), 4), sys.stdout)"], {
    input: source,
    encoding: "utf8",
  });
  assert.equal(theirs.status, 0, theirs.stderr);
  assert.equal(ours, theirs.stdout);
  assert.match(ours, /"one": 1\.0,/);
  assert.match(ours, /"small": 1e-07/);
  assert.match(ours, /"big": 12345678901234567890123/);
});

test("a notebook that is not valid UTF-8 is refused, naming the file and the byte", () => {
  const good = Buffer.from(notebookText(["1"]));
  const at = good.indexOf("tslab");
  const bad = Buffer.concat([good.subarray(0, at), Buffer.from([0xc3, 0x28]), good.subarray(at)]);
  assert.throws(() => parseNotebookBytes(bad, "latin.ipynb"), /latin\.ipynb: is not valid UTF-8 \(bad byte 0xc3 at offset \d+\)/);
  for (const bytes of [[0xed, 0xa0, 0x80], [0xc0, 0xaf], [0xf4, 0x90, 0x80, 0x80], [0xe2, 0x82]]) {
    // a surrogate, an overlong "/", a code point above U+10FFFF, a truncated sequence
    const broken = Buffer.concat([good.subarray(0, at), Buffer.from(bytes), good.subarray(at)]);
    assert.throws(() => parseNotebookBytes(broken, "x.ipynb"), /is not valid UTF-8/);
  }
  assert.doesNotThrow(() => parseNotebookBytes(Buffer.from(notebookText(["'é 😀'"])), "ok.ipynb"));
});

test("a cell is blank exactly when nbclient finds it blank (Python's str.strip, for every BMP character)", () => {
  const probe = spawnSync(PYTHON, ["-c", "import sys; sys.stdout.write(','.join(str(c) for c in range(0x10000) if not chr(c).strip()))"], {
    encoding: "utf8",
  });
  assert.equal(probe.status, 0, probe.stderr);
  const python = new Set(probe.stdout.split(",").map(Number));
  const differ: string[] = [];
  for (let code = 0; code < 0x10000; code++) {
    if (code >= 0xd800 && code <= 0xdfff) continue;
    if (isBlankSource(String.fromCharCode(code)) !== python.has(code)) differ.push(code.toString(16));
  }
  assert.deepEqual(differ, []);
  assert.equal(isBlankSource("\x1c \n"), true);
  assert.equal(isBlankSource("\ufeff"), false);
});

test("--timeout beyond what a Node.js timer can wait is refused at once, with no TimeoutOverflowWarning", async (t) => {
  const dir = tempDir(t, "timeout-");
  writeFileSync(join(dir, "a.ipynb"), notebookText(["1"]));
  const warnings: string[] = [];
  const onWarning = (warning: Error) => warnings.push(warning.name);
  process.on("warning", onWarning);
  t.after(() => process.off("warning", onWarning));
  for (const timeout of ["2147484", "1e12"]) {
    const { code, stderr } = await workbook(dir, ["--timeout", timeout, "--out", "out", "a.ipynb"]);
    assert.equal(code, 2);
    assert.match(stderr, /--timeout .* is longer than Node\.js timers can wait \(at most 2147483 s/);
  }
  await assert.rejects(executeNotebook(join(dir, "a.ipynb"), { timeout: 2147484 }), /timeout of 2147484 s is longer than the longest timer/);
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(warnings, []);
  await assertNoProcessesIn(dir);
});

// --- item 8: leftovers ------------------------------------------------------------------------------------------

test("a process the kernel detached into its own session is ended with the kernel and reported", async () => {
  const { result, warnings } = shared;
  const [, pid, bare] = /started (\d+) (\d+)/.exec(streamText(result.notebook.cells[2] as CodeCell))!.map(Number);
  assert.equal(isAlive(pid), false, "the detached sleep is gone");
  assert.equal(isAlive(bare), false, "the detached sleep without the environment is gone too");
  assert.equal(warnings.some((w) => w.includes(`pid ${pid}: sleep 300`)), true, warnings.join("\n"));
  assert.equal(warnings.some((w) => w.includes(`pid ${bare}: /bin/sleep 301`)), true, warnings.join("\n"));
  await assertNoProcessesIn(sharedDir);
});

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    const state = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.[0];
    return state !== "Z";
  } catch {
    return false;
  }
}
