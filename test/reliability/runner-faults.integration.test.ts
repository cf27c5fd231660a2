// Issue 9, items 3 and 5: runner faults the runner tests do not already cover, against the workbook CLI
// (`npm run workbook` = scripts/runner/main.ts). Signals to the runner need a runner process of its own, and so does
// one of two runners at once; the other faults run the same command in-process (runCli, what main.ts calls), which
// saves a tsx start-up each. Each test checks the exit code and message, the process table (no kernel left), the output
// directory (only complete notebooks, no temp files), the source notebooks (byte-identical), and that no output ever
// contains the kernel's key.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, watch, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { MARKER } from "../../scripts/output-dir";
import { runCli } from "../../scripts/runner/cli";
import { assertNoProcessesIn, captureStream, commandLine, kernelProcessesIn, processesIn, ROOT, tempDir, waitFor } from "../runner/helpers";
import { skipOrFail } from "../helpers/skip";

const CLI = join(ROOT, "scripts", "runner", "main.ts");

/** Writes a one-code-cell-per-source tslab notebook; returns its path. */
function writeNotebook(path: string, sources: string[]): string {
  mkdirSync(dirname(path), { recursive: true });
  const cells = sources.map((source, i) => ({ cell_type: "code", id: `cell-${i}`, metadata: {}, source, outputs: [], execution_count: null }));
  writeFileSync(path, JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: { kernelspec: { name: "tslab", display_name: "TypeScript" } }, cells }, null, 1));
  return path;
}

/** A cell that announces it runs (a `started` file beside the notebook), then waits for a `go` file, at most four minutes. */
const WAITING_CELL = [
  'import * as fs from "fs";',
  'fs.writeFileSync("started", "");',
  "for (let i = 0; i < 4800 && !fs.existsSync(\"go\"); i++) await new Promise((resolve) => setTimeout(resolve, 50));",
  'console.log("released");',
].join("\n");

/** A running CLI (a process, or runCli in-process) and everything it printed. */
interface CliRun {
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
  stderrSoFar: () => string;
}

/** Starts the workbook CLI with `args`; killed when the test ends if still running. */
function startCli(t: { after: (fn: () => void) => void }, args: string[], env: NodeJS.ProcessEnv = process.env): CliRun & { child: ChildProcess } {
  const child = spawn(process.execPath, ["--import", "tsx", CLI, ...args], { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
  t.after(() => child.kill("SIGKILL"));
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (chunk) => (stdout += chunk));
  child.stderr!.on("data", (chunk) => (stderr += chunk));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolve) =>
    child.once("close", (code, signal) => resolve({ code, signal, stdout, stderr })));
  return { child, exit, stderrSoFar: () => stderr };
}

/** Starts the workbook command in this process (runCli, as main.ts runs it), from the project root. */
function runCliHere(args: string[]): CliRun {
  const stdout = captureStream();
  const stderr = captureStream();
  const exit = runCli(args, { stdout: stdout.stream, stderr: stderr.stream, cwd: ROOT }).then((code) => ({
    code,
    signal: null,
    stdout: stdout.text(),
    stderr: stderr.text(),
  }));
  return { exit, stderrSoFar: stderr.text };
}

/** Waits for `<folder>/started`, failing with the runner's stderr if the cell never got there. */
async function waitUntilStarted(run: CliRun, folder: string): Promise<void> {
  assert.ok(await waitFor(() => existsSync(join(folder, "started")), 120_000), `the waiting cell never started; runner stderr:\n${run.stderrSoFar()}`);
}

/** The kernel running in `folder`: its pid, its connection file and directory, and the HMAC key in it. */
function kernelIn(folder: string): { pid: number; file: string; dir: string; key: string } {
  const kernels = kernelProcessesIn(folder);
  assert.equal(kernels.length, 1, `one tslab kernel runs in ${folder}`);
  const file = /--config-path (\S+)/.exec(commandLine(kernels[0]))?.[1];
  assert.ok(file && existsSync(file), "the kernel's command line names its connection file");
  return { pid: kernels[0], file, dir: dirname(file), key: JSON.parse(readFileSync(file, "utf8")).key };
}

/** Asserts no text holds the key (or a 16-hex-digit piece of it), the connection file's path or its directory. */
function assertNoSecrets(texts: Record<string, string>, kernel: { file: string; dir: string; key: string }): void {
  assert.match(kernel.key, /^[0-9a-f]{64}$/);
  const secrets = [kernel.key, kernel.key.slice(0, 16), kernel.key.slice(-16), kernel.file, kernel.dir];
  for (const [where, text] of Object.entries(texts)) {
    for (const secret of secrets) assert.ok(!text.includes(secret), `${where} contains ${secret === kernel.key.slice(0, 16) || secret === kernel.key.slice(-16) ? "part of the key" : secret}`);
  }
}

/** Every file in `dir` by name, with its text. */
function filesIn(dir: string): Record<string, string> {
  if (!existsSync(dir)) return {};
  // The runner's marker (it made this folder) is not an executed notebook.
  return Object.fromEntries(readdirSync(dir).filter((name) => name !== MARKER).map((name) => [name, readFileSync(join(dir, name), "utf8")]));
}

/** Asserts `dir` holds exactly `names`, each a complete notebook (parses, nbformat 4, executed); returns them parsed. */
function assertCompleteNotebooks(dir: string, names: string[]): Record<string, { cells: { outputs: { text?: string[] }[] }[] }> {
  const files = filesIn(dir);
  assert.deepEqual(Object.keys(files).sort(), [...names].sort(), `${dir} holds only the finished notebooks (no temp or probe files)`);
  return Object.fromEntries(Object.entries(files).map(([name, text]) => {
    const notebook = JSON.parse(text);
    assert.equal(notebook.nbformat, 4, name);
    assert.ok(text.endsWith("}\n"), `${name} ends where a complete notebook ends`);
    return [name, notebook];
  }));
}

/** Snapshot of the source notebooks' bytes, to compare after the run. */
function snapshot(paths: string[]): Map<string, Buffer> {
  return new Map(paths.map((path) => [path, readFileSync(path)]));
}

function assertUnchanged(before: Map<string, Buffer>): void {
  for (const [path, bytes] of before) assert.ok(readFileSync(path).equals(bytes), `${path} is byte-identical after the run`);
}

/** Mounts a 64 KiB tmpfs at `target`, or returns why it cannot (not root, no mount permission). */
function mountTinyDisk(target: string): string | undefined {
  if (process.platform !== "linux") return "tmpfs mounts need Linux";
  if (process.getuid?.() !== 0) return "mounting a small tmpfs needs root";
  mkdirSync(target, { recursive: true });
  const mounted = spawnSync("mount", ["-t", "tmpfs", "-o", "size=64k,mode=0755", "tmpfs", target], { encoding: "utf8" });
  return mounted.status === 0 ? undefined : `mount -t tmpfs refused: ${(mounted.stderr || mounted.error?.message || "").trim()}`;
}

// Two faults in one run, as neither needs a run of its own: the kernel killed mid-cell (victim), then a notebook that
// runs after it and fits on the disk (after), then one whose executed copy does not fit on a 64 KiB --out (large).
// One kernel fewer than a run for each (a tslab start costs 3–4 s of CPU); the subtests read the same run.
test("runner faults: SIGKILL of the kernel mid-cell, then a full disk, in one run", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "faults-kill-disk-"));
  const out = join(dir, "out");
  // One cleanup, in order: the mount must be gone before the folder can be removed.
  t.after(() => {
    spawnSync("umount", [out]);
    rmSync(dir, { recursive: true, force: true });
  });
  const refused = mountTinyDisk(out);
  const victim = writeNotebook(join(dir, "victim", "victim.ipynb"), ['console.log("first cell ran")', WAITING_CELL]);
  const after = writeNotebook(join(dir, "after", "after.ipynb"), ['console.log("after ran")']);
  const large = writeNotebook(join(dir, "large", "large.ipynb"), ['process.stdout.write(("y".repeat(99) + "\\n").repeat(2_000));']);
  const sources = snapshot([victim, after, large]);
  const run = runCliHere(["--out", out, victim, after, large]);
  await waitUntilStarted(run, dirname(victim));
  const kernel = kernelIn(dirname(victim));
  process.kill(kernel.pid, "SIGKILL");
  const { code, stdout, stderr } = await run.exit;
  // Without the small disk (no root), large.ipynb is written like any other notebook.
  const complete = refused ? ["after.ipynb", "large.ipynb", "victim.ipynb"] : ["after.ipynb", "victim.ipynb"];

  await t.test("SIGKILL of the kernel mid-cell is a dead kernel naming the cell; later notebooks still run; nothing is left", async () => {
    assert.equal(code, 1, stderr);
    assert.match(stderr, /victim\.ipynb failed \(failed cells: In \[2\]\): the kernel died while running In \[2\] \(cell 2\) \(killed by SIGKILL\)\n {2}source:\n {4}import \* as fs from "fs";/);
    assert.match(stdout, /victim\.ipynb +│ +1\/2 │ +[\d.]+ │ FAILED at In \[2\] \(cell 2\) \(DeadKernelError\)/);
    assert.match(stdout, /after\.ipynb +│ +1\/1 │ +[\d.]+ │ ok/);
    const written = assertCompleteNotebooks(out, complete);
    assert.equal((written["victim.ipynb"] as { metadata?: { workbook?: { outcome?: string } } }).metadata?.workbook?.outcome, "failed");
    assert.deepEqual(written["after.ipynb"].cells[0].outputs[0].text, ["after ran\n"]);
    await assertNoProcessesIn(dirname(victim), dirname(after), dirname(large));
    assert.equal(existsSync(kernel.dir), false, "the dead kernel's connection directory is removed");
    assertUnchanged(sources);
    assertNoSecrets({ stdout, stderr, ...filesIn(out) }, kernel);
  });

  await t.test("a full disk is a clear error naming the notebook and ENOSPC; the notebook that fitted is whole, no temp file is left", async (t) => {
    if (refused) {
      return skipOrFail(t, refused);
    }
    assert.equal(code, 1, stderr);
    assert.match(stderr, new RegExp(`large\\.ipynb failed: output directory ${out}: cannot write large\\.ipynb \\(ENOSPC: no space left on device`));
    assert.match(stdout, /after\.ipynb +│ +1\/1 │ +[\d.]+ │ ok/);
    assertCompleteNotebooks(out, complete);
    await assertNoProcessesIn(dirname(victim), dirname(after), dirname(large));
    assertUnchanged(sources);
  });
});

for (const [signal, exitCode] of [["SIGINT", 130], ["SIGTERM", 143]] as const) {
  test(`runner fault: ${signal} mid-run keeps the finished notebook whole, writes nothing of the interrupted one, leaves sources and no kernel`, async (t) => {
    const dir = tempDir(t, "faults-signal-");
    const done = writeNotebook(join(dir, "done", "done.ipynb"), ['console.log("done ran")']);
    const cut = writeNotebook(join(dir, "cut", "cut.ipynb"), ['console.log("cut started")', WAITING_CELL, 'console.log("never")']);
    const sources = snapshot([done, cut]);
    const out = join(dir, "out");
    const run = startCli(t, ["--out", out, done, cut]);
    await waitUntilStarted(run, dirname(cut));
    const kernel = kernelIn(dirname(cut));
    run.child.kill(signal);

    const { code, signal: killedBy, stdout, stderr } = await run.exit;
    assert.deepEqual([code, killedBy], [exitCode, null]);
    assert.match(stderr, new RegExp(`workbook: ${signal} received, kernels stopped\\n$`));
    const written = assertCompleteNotebooks(out, ["done.ipynb"]);
    assert.deepEqual(written["done.ipynb"].cells[0].outputs[0].text, ["done ran\n"]);
    await assertNoProcessesIn(dirname(done), dirname(cut));
    assert.equal(existsSync(kernel.dir), false, "the key file and sockets are removed");
    assertUnchanged(sources);
    assertNoSecrets({ stdout, stderr, ...filesIn(out) }, kernel);
  });
}

test("runner fault: SIGINT while the executed notebook is being written leaves no temp file and no partial notebook", async (t) => {
  const dir = tempDir(t, "faults-write-");
  // About 20 MB of output, so the write takes long enough for the signal to land in it.
  const big = writeNotebook(join(dir, "big.ipynb"), ['process.stdout.write(("x".repeat(99) + "\\n").repeat(200_000));']);
  const sources = snapshot([big]);
  const out = join(dir, "out");
  mkdirSync(out);
  const run = startCli(t, ["--out", out, big]);
  let signalledDuringWrite = false;
  const watcher = watch(out, (_event, name) => {
    // The notebook's own temp file (".big.ipynb.<pid>-<hex>.tmp"), not the folder marker's, written at the start.
    if (!signalledDuringWrite && name?.startsWith(".big.ipynb.") && name.endsWith(".tmp")) {
      signalledDuringWrite = run.child.kill("SIGINT");
      watcher.close();
    }
  });
  t.after(() => watcher.close());
  const { code, stderr } = await run.exit;
  watcher.close();
  assert.ok(signalledDuringWrite, `the temp file never appeared; runner stderr:\n${stderr}`);
  const files = readdirSync(out).filter((name) => name !== MARKER);
  // The rename may win the race against the signal; then the notebook is there, and whole.
  if (files.length === 1) {
    t.diagnostic("the rename finished before the signal arrived: the complete notebook was kept");
    assertCompleteNotebooks(out, ["big.ipynb"]);
  } else {
    assert.equal(code, 130, stderr);
    assert.deepEqual(files, [], "the half-written temp file is removed");
  }
  await assertNoProcessesIn(dir);
  assertUnchanged(sources);
});

test("runner fault: two runners writing the same --out at once leave only complete notebooks and no temp files", async (t) => {
  const dir = tempDir(t, "faults-two-");
  // Each cell writes ~2 MB tagged with the runner's name, so each file shows which runner wrote it, and writes overlap in time.
  const tagged = 'const tag = process.env.RUNNER_TAG ?? "none";\nprocess.stdout.write(`${tag}\\n` + (tag + "-".repeat(95) + "\\n").repeat(20_000));';
  const names = ["a.ipynb", "b.ipynb"];
  const paths = names.map((name) => writeNotebook(join(dir, "src", name.replace(".ipynb", ""), name), [tagged]));
  const sources = snapshot(paths);
  const out = join(dir, "out");
  // Runner "one" runs in a process of its own, runner "two" in this one: its kernels inherit this environment, which
  // is restored once both runs ended (kernels start while a run goes on).
  const one = startCli(t, ["--out", out, ...paths], { ...process.env, RUNNER_TAG: "one" });
  const saved = process.env.RUNNER_TAG;
  process.env.RUNNER_TAG = "two";
  const results = await Promise.all([one.exit, runCliHere(["--out", out, ...paths]).exit]).finally(() => {
    if (saved === undefined) delete process.env.RUNNER_TAG;
    else process.env.RUNNER_TAG = saved;
  });
  for (const result of results) assert.equal(result.code, 0, result.stderr);

  const written = assertCompleteNotebooks(out, names);
  for (const [name, notebook] of Object.entries(written)) {
    const text = notebook.cells[0].outputs.map((output) => (output.text ?? []).join("")).join("");
    const tag = text.split("\n", 1)[0];
    assert.ok(tag === "one" || tag === "two", `${name} was written by one runner, whole (starts with ${JSON.stringify(tag.slice(0, 20))})`);
    assert.equal(text.split("\n").filter((line) => line === `${tag}${"-".repeat(95)}`).length, 20_000, `${name} holds all of runner ${tag}'s output and none of the other's`);
  }
  await assertNoProcessesIn(...paths.map(dirname));
  assertUnchanged(sources);
});

test("the key stays private: a whole run's stdout, stderr and executed notebooks never show the key or the connection file", async (t) => {
  const dir = tempDir(t, "faults-key-");
  // Output on both streams, a failing cell (its stderr is quoted in the report) and a display, while the key is read.
  const notebook = writeNotebook(join(dir, "chatty.ipynb"), [
    'console.log("to stdout"); console.error("to stderr");',
    WAITING_CELL,
    'throw new Error("a failing cell");',
    '({ shown: "a value" })',
  ]);
  const out = join(dir, "out");
  const run = runCliHere(["--allow-errors", "--out", out, notebook]);
  await waitUntilStarted(run, dir);
  const kernel = kernelIn(dir);
  writeFileSync(join(dir, "go"), "");
  const { code, stdout, stderr } = await run.exit;
  assert.equal(code, 0, stderr);
  const written = assertCompleteNotebooks(out, ["chatty.ipynb"]);
  assert.match(JSON.stringify(written), /a failing cell/, "the failing cell's error is in the executed notebook");
  assert.match(JSON.stringify(written), /released/);
  assertNoSecrets({ stdout, stderr, ...filesIn(out) }, kernel);
  assert.equal(existsSync(kernel.dir), false, "the connection file is deleted after the run");
});
