import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { PYTHON, startJupyterServer } from "../helpers/jupyter-server";
import { chromiumMissing, launchBrowser, saveScreenshot } from "./browser";
import { builtDist } from "../helpers/dist";
import { skipFor } from "../helpers/skip";

// Item 6 of issue 6: the classic Jupyter Notebook UI (Debian's jupyter-notebook), driven cell by cell in Chromium.
const root = path.resolve(__dirname, "..", "..");
const HOSTILE = "<img src=x onerror=alert(1)>";

function whyNotRunnable(): string | undefined {
  const chromium = chromiumMissing();
  if (chromium) return chromium;
  if (spawnSync(PYTHON, ["-c", "import notebook, jupyter_client"], { stdio: "ignore" }).status !== 0) {
    return "the classic Notebook is not installed for /usr/bin/python3 (apt-get install jupyter-notebook)";
  }
  return undefined;
}
builtDist();
const skip = whyNotRunnable();

test("classic Notebook: run all cells from the UI, the figure draws, the token table is inert, no cell shows an error", { skip: skipFor(skip), timeout: 600_000 }, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "classic-notebook-"));
  // A copy outside the repo (the UI autosaves), importing the built helper by absolute path.
  const notebookDir = path.join(dir, "notebooks");
  fs.mkdirSync(notebookDir);
  const source = fs.readFileSync(path.join(root, "test", "book", "show-smoke.ipynb"), "utf8");
  fs.writeFileSync(path.join(notebookDir, "smoke.ipynb"), source.replace(/\\"\.\.\/\.\.\/dist\\"/g, JSON.stringify(JSON.stringify(path.join(root, "dist"))).slice(1, -1)));

  const server = await startJupyterServer({
    module: "notebook",
    scratch: dir,
    args: (port, token) => ["--no-browser", "--ip=127.0.0.1", `--port=${port}`, "--port-retries=0", `--NotebookApp.token=${token}`, `--notebook-dir=${notebookDir}`],
  });
  const { base, port, token } = server;
  const browser = await launchBrowser();
  try {
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
    await saveScreenshot(page, "classic-notebook.png", { fullPage: true });

    assert.equal(await page.locator(".output_stderr, .output_error").count(), 0, await page.locator(".output_stderr, .output_error").allInnerTexts().then((t) => t.join("\n")));
    assert.ok((await page.locator(".output_area .js-plotly-plot").count()) >= 1);
    assert.ok((await page.locator(".output_area .token-table").innerText()).includes(HOSTILE));
    assert.equal(await page.locator(".output_area .token-table img").count(), 0);
    assert.deepEqual(dialogs, []);
    assert.deepEqual(pageErrors, []);
    assert.deepEqual(offHost, []);
  } finally {
    await browser.close();
    await server.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
