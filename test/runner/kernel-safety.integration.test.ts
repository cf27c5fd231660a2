/**
 * Who can reach the runner's kernel (issue 14, items 2 and 3): its sockets live in a short private directory or the
 * run is refused (never a silent switch to TCP); no node_modules/tslab planted above a notebook is ever started, by
 * the runner or by the kernelspec `npm run kernel` writes. (tslab's HMAC oracle, over tcp and ipc, is attacked in
 * security.integration.test.ts.)
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFile, spawn } from "node:child_process";
import {
  chmodSync,
  chownSync,
  existsSync,
  lstatSync,
  mkdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { KernelClient } from "../../scripts/runner/client";
import { createConnection } from "../../scripts/runner/connection";
import { executeNotebook, type ExecuteResult } from "../../scripts/runner/executor";
import { findTslab } from "../../scripts/runner/kernel-process";
import { parseCliArgs } from "../../scripts/runner/cli-args";
import { findJupyterPython, registerKernel } from "../../scripts/kernel/register";
import {
  createPrivateSocketDir,
  MAX_SOCKET_PATH_BYTES,
  NoPrivateSocketDirError,
  socketPathBytes,
  unsafeBase,
} from "../../scripts/runner/socket-dir";
import type { CodeCell } from "../../scripts/runner/notebook";
import { assertNoProcessesIn, processesIn, ROOT, tempDir } from "./helpers";
import { skipOrFail } from "../helpers/skip";

/** A directory whose path is longer than any Unix socket path can be. */
function longDir(t: Parameters<typeof tempDir>[0]): string {
  let dir = tempDir(t, "long-tmpdir-");
  while (Buffer.byteLength(dir) <= MAX_SOCKET_PATH_BYTES + 10) dir = join(dir, "a-rather-long-directory-name");
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return dir;
}

/** Writes a one-or-more-cell tslab notebook and returns its path. */
function writeNotebook(dir: string, name: string, sources: string[]): string {
  const path = join(dir, name);
  writeFileSync(
    path,
    JSON.stringify({
      nbformat: 4,
      nbformat_minor: 5,
      metadata: { kernelspec: { name: "tslab", display_name: "TypeScript" } },
      cells: sources.map((source, i) => ({ cell_type: "code", id: `c${i}`, metadata: {}, source, outputs: [], execution_count: null })),
    }),
  );
  return path;
}

/** Every stream text of an executed notebook, joined. */
function allText(cells: unknown[]): string {
  return (cells as CodeCell[]).flatMap((cell) => (cell.outputs ?? []).map((o) => ("text" in o ? o.text : ""))).join("");
}

// --- item 2: a long TMPDIR ---------------------------------------------------------------------------------------

test("with a TMPDIR too long for socket paths, the kernel still gets Unix sockets in a short private directory", async (t) => {
  const saved = process.env.TMPDIR;
  process.env.TMPDIR = longDir(t);
  t.after(() => (saved === undefined ? delete process.env.TMPDIR : (process.env.TMPDIR = saved)));
  const connection = await createConnection("tslab");
  try {
    assert.equal(connection.info.transport, "ipc", "never a silent switch to TCP");
    assert.ok(socketPathBytes(connection.dir) <= MAX_SOCKET_PATH_BYTES);
    const stat = lstatSync(connection.dir);
    assert.equal(stat.isDirectory() && !stat.isSymbolicLink(), true);
    assert.equal(stat.mode & 0o777, 0o700);
    assert.equal(stat.uid, process.getuid!());
  } finally {
    await connection.dispose();
  }
});

test("when no private place is short enough, the connection is refused with a message that names the way out", async (t) => {
  const long = longDir(t);
  await assert.rejects(
    createConnection("tslab", "ipc", { socketDirCandidates: [{ base: long, origin: "$TMPDIR" }] }),
    (error: unknown) => {
      assert.ok(error instanceof NoPrivateSocketDirError);
      assert.match(error.message, /\$TMPDIR .*socket paths there would be \d+ bytes/);
      assert.match(error.message, /--transport tcp/);
      assert.match(error.message, /WORKBOOK_TRANSPORT=tcp/);
      return true;
    },
  );
});

test("a place other users could tamper with is not used for the sockets", async (t) => {
  const open = tempDir(t, "socket-base-");
  chmodSync(open, 0o777); // world-writable, not sticky: anyone could rename our directory away
  assert.match(unsafeBase(open) ?? "", /writable by other users and not sticky/);
  const sticky = tempDir(t, "socket-base-");
  chmodSync(sticky, 0o1777);
  assert.equal(unsafeBase(sticky), null, "a sticky world-writable directory (like /tmp) is fine");
  assert.match(unsafeBase(join(open, "missing")) ?? "", /ENOENT/);
  const file = join(sticky, "file");
  writeFileSync(file, "");
  assert.match(unsafeBase(file) ?? "", /not a directory/);
  // A symlink to a safe directory is followed: the directory is made in its target, and is itself no symlink.
  const link = join(sticky, "link");
  symlinkSync(sticky, link);
  const made = createPrivateSocketDir([{ base: link, origin: "$TMPDIR" }]);
  t.after(() => rmSync(made, { recursive: true, force: true }));
  assert.equal(lstatSync(made).isSymbolicLink(), false);
  assert.ok(made.startsWith(sticky + "/"));
  assert.throws(() => createPrivateSocketDir([{ base: open, origin: "$XDG_RUNTIME_DIR" }]), NoPrivateSocketDirError);
  if (process.getuid?.() === 0) {
    const theirs = tempDir(t, "socket-base-");
    const { uid } = await idOf("nobody");
    chownSync(theirs, uid, uid);
    assert.match(unsafeBase(theirs) ?? "", /belongs to another user/);
  } else {
    t.diagnostic("not root: a directory owned by another user was not tried");
  }
});

test("--transport and WORKBOOK_TRANSPORT choose tcp only explicitly; anything else is a usage error", () => {
  assert.equal(parseCliArgs([], {}).transport, "ipc");
  assert.equal(parseCliArgs(["--transport", "tcp"], {}).transport, "tcp");
  assert.equal(parseCliArgs([], { WORKBOOK_TRANSPORT: "tcp" }).transport, "tcp");
  assert.equal(parseCliArgs(["--transport", "ipc"], { WORKBOOK_TRANSPORT: "tcp" }).transport, "ipc");
  assert.throws(() => parseCliArgs(["--transport", "udp"], {}), /--transport must be ipc or tcp, got "udp"/);
  assert.throws(() => parseCliArgs([], { WORKBOOK_TRANSPORT: "TCP " }), /WORKBOOK_TRANSPORT must be ipc or tcp/);
});

/** The uid and gid of a local user. */
async function idOf(user: string): Promise<{ uid: number; gid: number }> {
  const run = promisify(execFile);
  return { uid: Number((await run("id", ["-u", user])).stdout), gid: Number((await run("id", ["-g", user])).stdout) };
}

// --- item 3: a node_modules/tslab planted above the notebook ------------------------------------------------------

/** A directory with a fake node_modules/tslab whose startKernel writes `marker`, and a notebook folder below it. */
function plantFakeTslab(t: Parameters<typeof tempDir>[0]) {
  const top = tempDir(t, "planted-");
  const marker = join(top, "fake-tslab-ran");
  const fake = join(top, "node_modules", "tslab", "dist");
  mkdirSync(fake, { recursive: true });
  writeFileSync(join(top, "node_modules", "tslab", "package.json"), JSON.stringify({ name: "tslab", version: "9.9.9" }));
  const body = `require("fs").writeFileSync(${JSON.stringify(marker)}, "planted tslab ran as uid " + process.getuid());`;
  writeFileSync(join(fake, "main.js"), `exports.startKernel = () => { ${body} process.exit(0); };\nexports.main = exports.startKernel;\n`);
  const notebooks = join(top, "course", "notebooks");
  mkdirSync(notebooks, { recursive: true });
  return { top, marker, notebooks };
}

test("control: a plain tslab started below a planted node_modules/tslab runs the planted one", async (t) => {
  const { marker, notebooks } = plantFakeTslab(t);
  const path = writeNotebook(notebooks, "victim.ipynb", ['console.log("own kernel")']);
  await assert.rejects(executeNotebook(path, { tslab: findTslab(), timeout: 30, startupTimeout: 20 }));
  assert.equal(existsSync(marker), true);
});

/**
 * One run serves two checks: a notebook below a planted node_modules/tslab, executed by the runner while TMPDIR is
 * too long for socket paths. Its cell prints the transport of its connection file and a line of its own.
 */
let planted: { result: ExecuteResult; marker: string; notebooks: string } | undefined;
before(async () => {
  const cleanups: (() => void)[] = [];
  after(() => cleanups.forEach((cleanup) => cleanup()));
  const t = { after: (fn: () => void) => void cleanups.push(fn) };
  const { marker, notebooks } = plantFakeTslab(t);
  const path = writeNotebook(notebooks, "victim.ipynb", [
    'import * as fs from "fs";\nconst file = process.argv[process.argv.indexOf("--config-path") + 1];\n' +
      'console.log("transport", JSON.parse(fs.readFileSync(file, "utf8")).transport);\nconsole.log("own kernel");',
  ]);
  const saved = process.env.TMPDIR;
  process.env.TMPDIR = longDir(t);
  try {
    planted = { result: await executeNotebook(path, { timeout: 60 }), marker, notebooks };
  } finally {
    if (saved === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = saved;
  }
});

test("a notebook runs end to end over ipc under a long TMPDIR (the kernel reads an ipc connection file)", async () => {
  assert.match(allText(planted!.result.notebook.cells), /transport ipc/);
  await assertNoProcessesIn(planted!.notebooks);
});

test("the runner never starts a node_modules/tslab planted above the notebook's folder", () => {
  assert.match(allText(planted!.result.notebook.cells), /own kernel/);
  assert.equal(existsSync(planted!.marker), false, "the planted tslab did not run");
});

test("the kernelspec `npm run kernel` writes never starts a planted node_modules/tslab either", async (t) => {
  let python: string;
  try {
    python = findJupyterPython(["/usr/bin/python3", "python3"]);
  } catch {
    return skipOrFail(t, "no Python with jupyter_client here (apt-get install jupyter-client)");
  }
  const prefix = tempDir(t, "kernelspec-");
  const { argv } = registerKernel({ projectRoot: ROOT, prefix, pythonCandidates: [python] });
  const { marker, notebooks } = plantFakeTslab(t);
  const connection = await createConnection("tslab");
  t.after(() => connection.dispose());
  // Start the kernel exactly as Jupyter would: the spec's argv, {connection_file} filled in, in the notebook's folder.
  const [command, ...args] = argv.map((arg) => arg.replace("{connection_file}", connection.file));
  const kernel = spawn(command, args, { cwd: notebooks, stdio: "ignore" });
  const exited = new Promise((resolve) => kernel.once("exit", resolve));
  const client = new KernelClient(connection);
  client.connect();
  try {
    await client.waitForReady({ timeoutMs: 60_000, exited });
    assert.equal(existsSync(marker), false, "the planted tslab did not run");
  } finally {
    client.close();
    kernel.kill("SIGKILL");
    await exited;
  }
});
