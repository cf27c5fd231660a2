// Headless Debian Chromium through playwright-core, for the book's and the notebook UI's browser tests.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { chromium, type BrowserContext, type Locator, type Page } from "playwright-core";

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

// Flags from the environment notes: no GPU, no sandbox (root in CI), and no background traffic of Chromium's own.
const FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
  "--disable-component-update", "--disable-sync"];

/** Why browser tests cannot run here, or undefined when Chromium is available. */
export function chromiumMissing(): string | undefined {
  return fs.existsSync(CHROMIUM) ? undefined : `Chromium not found at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`;
}

/** What a page did while it was open: console errors, page errors, dialogs, and any request that left file://. */
export interface PageLog {
  consoleErrors: string[];
  pageErrors: string[];
  dialogs: string[];
  networkRequests: string[];
}

/** A browser with a fresh profile; `close` removes the profile even if closing fails, and a failed launch leaves none. */
export async function launchBrowser(): Promise<{ context: BrowserContext; close: () => Promise<void> }> {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), "book-chromium-"));
  const removeProfile = () => fs.rmSync(profile, { recursive: true, force: true });
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: FLAGS,
      viewport: { width: 1100, height: 900 },
    });
  } catch (error) {
    removeProfile();
    throw error;
  }
  // Every wait and action without a bound of its own gets the generous one too, not Playwright's 30 s.
  context.setDefaultTimeout(PAGE_TIMEOUT_MS);
  context.setDefaultNavigationTimeout(PAGE_TIMEOUT_MS);
  return {
    context,
    close: async () => {
      try {
        await context.close();
      } finally {
        removeProfile();
      }
    },
  };
}

/** Records everything a page reports; requests other than file: and data: are recorded and refused. */
export async function watchPage(page: Page): Promise<PageLog> {
  const log: PageLog = { consoleErrors: [], pageErrors: [], dialogs: [], networkRequests: [] };
  page.on("console", (message) => { if (message.type() === "error") log.consoleErrors.push(message.text()); });
  page.on("pageerror", (error) => log.pageErrors.push(error.message));
  page.on("dialog", (dialog) => { log.dialogs.push(`${dialog.type()}: ${dialog.message()}`); void dialog.dismiss(); });
  page.on("request", (request) => {
    if (!/^(file|data|blob|about):/.test(request.url())) log.networkRequests.push(request.url());
  });
  await page.route(/^(https?|wss?|ftp):/, (route) => route.abort());
  return log;
}

/** Where browser tests put their screenshots (build/screenshots, git-ignored). */
export const SCREENSHOTS = path.resolve(__dirname, "..", "..", "build", "screenshots");

/**
 * True when screenshots were asked for (`npm test -- --screenshots`, or TEST_SCREENSHOTS=1). Nothing checks them
 * and a full-page PNG of a course page costs more CPU time than drawing it, so by default none is taken.
 */
export function screenshotsWanted(): boolean {
  return process.env.TEST_SCREENSHOTS === "1";
}

/** Saves build/screenshots/NAME of a page (the whole page with `fullPage`) or of one element, if screenshots were asked for. */
export async function saveScreenshot(target: Page | Locator, name: string, options: { fullPage?: boolean } = {}): Promise<void> {
  if (!screenshotsWanted()) return;
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  const file = path.join(SCREENSHOTS, name);
  if ("goto" in target) await target.screenshot({ path: file, fullPage: options.fullPage ?? false });
  else await target.screenshot({ path: file });
}

/**
 * How long a page may take to load and draw all its figures. A course page draws in a second or two, but on a busy
 * machine Chromium's renderer gets little CPU; the bound only matters when a figure never draws, so it is generous.
 */
export const PAGE_TIMEOUT_MS = 120_000;

/** Opens a file in a fresh tab, waits until every figure has drawn, screenshots it if asked to; returns what the page reported. */
export async function openPage(context: BrowserContext, file: string, screenshot?: string) {
  const page = await context.newPage();
  const log = await watchPage(page);
  await page.goto(pathToFileURL(file).href, { waitUntil: "load", timeout: PAGE_TIMEOUT_MS });
  const figures = await page.locator(".figure, .btp-figure").count();
  await page.waitForFunction(
    (n) => document.querySelectorAll(".main-svg").length >= n && document.querySelectorAll(".js-plotly-plot").length >= n,
    figures,
    { timeout: PAGE_TIMEOUT_MS },
  );
  const drawn = await page.locator(".js-plotly-plot").count();
  if (screenshot) await saveScreenshot(page, screenshot, { fullPage: true });
  return { page, log, figures, drawn };
}
