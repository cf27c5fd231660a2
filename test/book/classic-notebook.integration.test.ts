import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { chromiumMissing, launchBrowser } from "./browser";

// Item 6 of issue 6: the classic Jupyter Notebook UI (Debian's jupyter-notebook), driven cell by cell in Chromium.
const root = path.resolve(__dirname, "..", "..");
const PYTHON = "/usr/bin/python3";
const HOSTILE = "<img src=x onerror=alert(1)>";

function whyNotRunnable(): string | undefined {
  const chromium = chromiumMissing();
  if (chromium) return chromium;
  if (spawnSync(PYTHON, ["-c", "import notebook, jupyter_client"], { stdio: "ignore" }).status !== 0) {
    return "the classic Notebook is not installed for /usr/bin/python3 (apt-get install jupyter-notebook)";
  }
  if (!fs.existsSync(path.join(root, "dist", "plot", "index.js"))) return "dist/ is not built (run npm run build)";
  return undefined;
}
const skip = whyNotRunnable();
if (skip) console.log(`# skipping classic Notebook UI test: ${skip}`);

/** A free loopback port (bound then released, as jupyter_client picks kernel ports). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    }).on("error", reject);
  });
}

/** Polls the server's API until it answers, or fails with the server's output. */
async function waitForServer(base: string, token: string, server: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 180_000;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`jupyter notebook exited with ${server.exitCode}:\n${output()}`);
    try {
      if ((await fetch(`${base}/api/status`, { headers: { Authorization: `token ${token}` } })).ok) return;
    } catch { /* not listening yet */ }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`jupyter notebook did not answer within 180 s:\n${output()}`);
}

/** Shuts down every kernel through the REST API (they run in their own sessions), then the server itself. */
async function stopServer(base: string, token: string, server: ChildProcess): Promise<void> {
  const headers = { Authorization: `token ${token}` };
  try {
    const kernels = (await (await fetch(`${base}/api/kernels`, { headers })).json()) as { id: string }[];
    for (const kernel of kernels) await fetch(`${base}/api/kernels/${kernel.id}`, { method: "DELETE", headers });
  } catch { /* the server is already gone */ }
  if (server.exitCode === null) {
    const exited = new Promise((r) => server.once("exit", r));
    server.kill("SIGTERM");
    const timer = setTimeout(() => server.kill("SIGKILL"), 5000);
    await exited;
    clearTimeout(timer);
  }
}

test("classic Notebook: run all cells from the UI, the figure draws, the token table is inert, no cell shows an error", { skip, timeout: 600_000 }, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "classic-notebook-"));
  const prefix = path.join(dir, "prefix");
  const register = spawnSync("npm", ["run", "--silent", "kernel", "--", "--prefix", prefix], { cwd: root, encoding: "utf8" });
  assert.equal(register.status, 0, register.stderr);

  // A copy outside the repo (the UI autosaves), importing the built helper by absolute path.
  const notebookDir = path.join(dir, "notebooks");
  fs.mkdirSync(notebookDir);
  const source = fs.readFileSync(path.join(root, "test", "book", "show-smoke.ipynb"), "utf8");
  fs.writeFileSync(path.join(notebookDir, "smoke.ipynb"), source.replace(/\\"\.\.\/\.\.\/dist\\"/g, JSON.stringify(JSON.stringify(path.join(root, "dist"))).slice(1, -1)));

  const token = randomBytes(24).toString("hex");
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const env = {
    ...process.env,
    JUPYTER_PATH: path.join(prefix, "share", "jupyter"),
    JUPYTER_CONFIG_DIR: path.join(dir, "config"),
    JUPYTER_DATA_DIR: path.join(dir, "data"),
    JUPYTER_RUNTIME_DIR: path.join(dir, "runtime"),
  };
  const server = spawn(PYTHON, ["-m", "notebook", "--no-browser", "--ip=127.0.0.1", `--port=${port}`, "--port-retries=0",
    `--NotebookApp.token=${token}`, `--notebook-dir=${notebookDir}`, ...(process.getuid?.() === 0 ? ["--allow-root"] : [])], { env, stdio: ["ignore", "pipe", "pipe"] });
  let serverOutput = "";
  server.stdout!.on("data", (d) => { serverOutput += d; });
  server.stderr!.on("data", (d) => { serverOutput += d; });
  const browser = await launchBrowser();
  try {
    await waitForServer(base, token, server, () => serverOutput);
    const page = await browser.context.newPage();
    const dialogs: string[] = [];
    const pageErrors: string[] = [];
    const offHost: string[] = [];
    page.on("dialog", (d) => { dialogs.push(d.message()); void d.dismiss(); });
    page.on("pageerror", (e) => pageErrors.push(e.message));
    page.on("request", (r) => { if (!r.url().startsWith(base) && !r.url().startsWith(`ws://127.0.0.1:${port}`) && !/^(data|blob|about):/.test(r.url())) offHost.push(r.url()); });
    await page.route((url) => url.hostname !== "127.0.0.1" && /^https?:$/.test(url.protocol), (route) => route.abort());

    await page.goto(`${base}/notebooks/smoke.ipynb?token=${token}`);
    await page.waitForFunction(() => {
      const jupyter = (window as any).Jupyter;
      return jupyter?.notebook?.kernel?.is_connected?.() && document.querySelector("#kernel_indicator_icon.kernel_idle_icon");
    }, undefined, { timeout: 180_000 });
    await page.click("#menus a.dropdown-toggle:text-is('Cell')");
    await page.click("#run_all_cells > a");
    await page.waitForFunction(() => {
      const cells = (window as any).Jupyter.notebook.get_cells().filter((c: any) => c.cell_type === "code");
      return cells.every((c: any) => typeof c.input_prompt_number === "number") && document.querySelector("#kernel_indicator_icon.kernel_idle_icon");
    }, undefined, { timeout: 300_000 });
    await page.waitForSelector(".output_area .main-svg", { timeout: 60_000 });
    fs.mkdirSync(path.join(root, "build", "screenshots"), { recursive: true });
    await page.screenshot({ path: path.join(root, "build", "screenshots", "classic-notebook.png"), fullPage: true });

    assert.equal(await page.locator(".output_stderr, .output_error").count(), 0, await page.locator(".output_stderr, .output_error").allInnerTexts().then((t) => t.join("\n")));
    assert.ok((await page.locator(".output_area .js-plotly-plot").count()) >= 1);
    assert.ok((await page.locator(".output_area .token-table").innerText()).includes(HOSTILE));
    assert.equal(await page.locator(".output_area .token-table img").count(), 0);
    assert.deepEqual(dialogs, []);
    assert.deepEqual(pageErrors, []);
    assert.deepEqual(offHost, []);
  } finally {
    await browser.close();
    await stopServer(base, token, server);
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
