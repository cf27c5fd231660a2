import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { buildSite, type SiteResult } from "../../scripts/book/site";
import { figureHtml, probabilityBars, tokenRows, tokenTableHtml } from "../../src/plot";
import { chromiumMissing, launchBrowser, openPage, screenshotsWanted, SCREENSHOTS } from "./browser";
import { cleanCourse, HOSTILE, writeCourse } from "./fixture";
import { skipFor } from "../helpers/skip";
import { tempDir } from "../helpers/temp-dir";

const skip = chromiumMissing();

let browser: Awaited<ReturnType<typeof launchBrowser>> | undefined;
let site: SiteResult;
let siteDir: string | undefined;

before(async () => {
  if (skip) return;
  siteDir = fs.mkdtempSync(path.join(os.tmpdir(), "book-browser-"));
  site = await buildSite(writeCourse(path.join(siteDir, "executed"), cleanCourse()), path.join(siteDir, "book"));
  browser = await launchBrowser();
});
after(async () => {
  try {
    await browser?.close();
  } finally {
    if (siteDir) fs.rmSync(siteDir, { recursive: true, force: true });
  }
});

/** Opens a file of the test site in a fresh tab (see openPage). */
const open = (file: string, screenshot?: string) => openPage(browser!.context, file, screenshot);

test("every page of the site loads from file:// with no console errors, no network requests and every figure drawn", { skip: skipFor(skip) }, async () => {
  const shot = path.join(SCREENSHOTS, "book-02-attention.png");
  fs.rmSync(shot, { force: true });
  for (const file of site.pages) {
    const { page, log, figures, drawn } = await open(path.join(site.outDir, file), `book-${file.replace(/\.html$/, "")}.png`);
    assert.deepEqual(log, { consoleErrors: [], pageErrors: [], dialogs: [], networkRequests: [] }, file);
    assert.equal(drawn, figures, `${file}: every figure has a plot`);
    await page.close();
  }
  assert.equal(fs.existsSync(shot), screenshotsWanted(), "a page is screenshotted exactly when screenshots were asked for");
});

test("with TEST_SCREENSHOTS=1, opening a page saves its screenshot in build/screenshots", { skip: skipFor(skip) }, async (t) => {
  const shot = path.join(SCREENSHOTS, "book-index.png");
  fs.rmSync(shot, { force: true });
  const before = process.env.TEST_SCREENSHOTS;
  process.env.TEST_SCREENSHOTS = "1";
  t.after(() => (before === undefined ? delete process.env.TEST_SCREENSHOTS : (process.env.TEST_SCREENSHOTS = before)));
  const { page } = await open(path.join(site.outDir, "index.html"), "book-index.png");
  await page.close();
  assert.ok(fs.statSync(shot).size > 1000, "a PNG was written");
});

test("the hostile token is shown as text in the site's token table and figure labels, and runs nothing", { skip: skipFor(skip) }, async () => {
  const { page, log } = await open(path.join(site.outDir, "01-softmax.html"));
  assert.equal(await page.locator(".token-table img").count(), 0);
  assert.ok((await page.locator(".token-table").innerText()).includes(HOSTILE));
  assert.ok((await page.locator(".figure .xtick text").allTextContents()).includes(HOSTILE), "the figure's axis shows the token literally");
  await page.waitForTimeout(300);
  assert.deepEqual(log.dialogs, []);
  await page.close();
});

test("notebook figure HTML: plotly.js loads once even with an AMD define on the page, and later figures reuse it", { skip: skipFor(skip) }, async (t) => {
  const dir = tempDir(t, "figure-html-");
  const figure = probabilityBars(["I love it", HOSTILE], ["NEGATIVE", "POSITIVE"], [[0.1, 0.9], [0.8, 0.2]], { title: "probabilities" });
  // A stand-in for classic Notebook's RequireJS and a CommonJS shim: plotly.js must not register with either.
  const page = `<!doctype html><html><head><meta charset="utf-8"><script>
    window.amdCalls = 0; window.define = function () { window.amdCalls++; }; window.define.amd = {}; window.module = { exports: {} };
  </script></head><body>
  ${figureHtml(figure, { includePlotly: true })}
  ${tokenTableHtml(tokenRows(["[CLS]", HOSTILE, "[PAD]"], [101, 1, 0], [1, 1, 0]))}
  ${figureHtml(figure)}
  </body></html>`;
  const file = path.join(dir, "notebook-output.html");
  fs.writeFileSync(file, page);
  const opened = await open(file, "figure-html-amd.png");
  assert.equal(opened.figures, 2);
  assert.equal(opened.drawn, 2);
  assert.equal(await opened.page.evaluate(() => (window as unknown as { amdCalls: number }).amdCalls), 0);
  assert.deepEqual(await opened.page.evaluate(() => (window as unknown as { module: { exports: object } }).module.exports), {});
  assert.deepEqual(opened.log, { consoleErrors: [], pageErrors: [], dialogs: [], networkRequests: [] });
  await opened.page.close();
});
