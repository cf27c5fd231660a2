// Headless Debian Chromium through playwright-core, for the book's and the notebook UI's browser tests.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";

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

/** A browser with a fresh profile; `close` removes the profile. */
export async function launchBrowser(): Promise<{ context: BrowserContext; close: () => Promise<void> }> {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), "book-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: FLAGS,
    viewport: { width: 1100, height: 900 },
  });
  return {
    context,
    close: async () => {
      await context.close();
      fs.rmSync(profile, { recursive: true, force: true });
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
