import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { executeNotebook, serializeNotebook, type Notebook } from "../../scripts/runner";
import { chromiumMissing, launchBrowser, PAGE_TIMEOUT_MS, saveScreenshot, watchPage } from "../book/browser";
import { builtDist } from "../helpers/dist";
import { skipFor } from "../helpers/skip";

// Executes test/book/show-smoke.ipynb on a real tslab kernel through the workbook runner, then checks what show()
// and showTokens() put on the wire, and that nbconvert's HTML export of the result draws the figure.
const root = path.resolve(__dirname, "..", "..");
const smoke = path.join(root, "test", "book", "show-smoke.ipynb");
builtDist();

let executed: Notebook;
const outputsOf = (cell: number) => (executed.cells[cell] as { outputs: Record<string, any>[] }).outputs;
const joined = (value: unknown) => (Array.isArray(value) ? value.join("") : String(value));

before(async () => {
  executed = (await executeNotebook(smoke, { timeout: 120 })).notebook;
});

test("show() in a tslab kernel emits exactly one display_data with plotly JSON, HTML and text", () => {
  const outputs = outputsOf(2);
  assert.equal(outputs.length, 1, `one output, got ${JSON.stringify(outputs.map((o) => o.output_type))}`);
  const [output] = outputs;
  assert.equal(output.output_type, "display_data");
  assert.deepEqual(Object.keys(output.data).sort(), ["application/vnd.plotly.v1+json", "text/html", "text/plain"]);
  assert.equal(output.data["application/vnd.plotly.v1+json"].data.length, 2, "the figure arrives as an object with its two traces");
  assert.ok(joined(output.data["text/html"]).includes("window.Plotly"), "the first figure of the session carries plotly.js");
  assert.match(joined(output.data["text/plain"]), /NEGATIVE +POSITIVE/);
});

test("showTokens() emits one display_data whose HTML escapes the hostile token", () => {
  const outputs = outputsOf(3);
  assert.equal(outputs.length, 1);
  const html = joined(outputs[0].data["text/html"]);
  assert.doesNotMatch(html, /<img/);
  assert.match(html, /&lt;img src=x onerror=alert\(1\)&gt;/);
  assert.ok(joined(outputs[0].data["text/plain"]).includes("<img src=x onerror=alert(1)>"));
});

const nbconvertMissing = chromiumMissing() ??
  (spawnSync("/usr/bin/python3", ["-c", "import nbconvert"], { stdio: "ignore" }).status === 0 ? undefined : "nbconvert is not installed for /usr/bin/python3 (apt-get install jupyter-nbconvert)");

let browser: Awaited<ReturnType<typeof launchBrowser>> | undefined;
after(async () => { await browser?.close(); });

test("nbconvert's HTML export of the executed notebook draws the figure and keeps the token inert", { skip: skipFor(nbconvertMissing) }, async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "nbconvert-"));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const input = path.join(dir, "show-smoke.ipynb");
  fs.writeFileSync(input, serializeNotebook(executed));
  const convert = spawnSync("/usr/bin/python3", ["-m", "nbconvert", "--to", "html", input], { encoding: "utf8" });
  assert.equal(convert.status, 0, convert.stderr);
  browser = await launchBrowser();
  const page = await browser.context.newPage();
  const log = await watchPage(page);
  // Generous: the page loads and plotly draws in seconds, but a machine busy with other runs can take much longer.
  await page.goto(pathToFileURL(path.join(dir, "show-smoke.html")).href, { timeout: PAGE_TIMEOUT_MS });
  await page.waitForSelector(".btp-figure .main-svg", { timeout: PAGE_TIMEOUT_MS });
  await saveScreenshot(page, "nbconvert-show-smoke.png", { fullPage: true });
  assert.deepEqual(log.dialogs, []);
  assert.deepEqual(log.pageErrors, []);
  // nbconvert's own template asks CDNs for RequireJS and MathJax (refused here); nothing else may leave the page.
  assert.deepEqual(log.networkRequests.filter((url) => !/cdnjs\.cloudflare\.com|cdn\.jsdelivr\.net|unpkg\.com/.test(url)), []);
});
