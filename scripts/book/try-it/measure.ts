// How long a reader waits for the "try it" panel's first result: a one-page site with the panel, served by the book's
// server, opened in headless Chromium. The clock is the page's own: from navigation start (performance.timeOrigin)
// to the task after the animation frame that draws the first sentence's steps (data-first-result-ms, panel.js).
// Cold: a fresh browser context (empty caches) per run, navigated once Chromium's own start-up of its window is over.
// Warm: one on-disk profile, the page opened again (HTTP cache, 304s, JS code cache). Used by `npm run bench`.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { chromium, type Browser } from "playwright-core";
import { markOutputDir } from "../../output-dir";
import { sourceSha256 } from "../../provenance";
import { serveSite } from "../serve";
import { buildSite } from "../site";

/** Debian's Chromium unless CHROMIUM_PATH names another. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/** What the panel measured: page navigation → first result shown, per run (ms), and the bytes the panel adds. */
export interface FirstResultRuns {
  firstResultMs: number[];
  /** Worker start → `pipeline()` loaded, per run (ms). */
  loadMs: number[];
  /** Per run: when each of the worker's loading steps finished, in ms since navigation start (panel.js's data-timeline). */
  timelines: Record<string, number>[];
  /** The 1-minute load average when each run ended: the machine is shared, so the figure needs it. */
  loadAverages: number[];
  siteBytes: number;
}

/** Cold: a fresh context per run; warm: the same on-disk profile throughout (the first load fills its caches). */
export type CacheState = "cold" | "warm";

/** An executed notebook whose only output is `banner`, with its provenance, as the runner writes one. */
function bannerNotebook(banner: string): string {
  const cells = (outputs: unknown[], count: number | null) => [
    { cell_type: "markdown", id: "m", metadata: {}, source: ["# Softmax\n"] },
    { cell_type: "code", id: "c", execution_count: count, metadata: {}, source: ["console.log(banner);"], outputs },
  ];
  const metadata = { kernelspec: { display_name: "TypeScript", language: "typescript", name: "tslab" } };
  const source = `${JSON.stringify({ cells: cells([], null), metadata, nbformat: 4, nbformat_minor: 5 }, null, 1)}\n`;
  const workbook = { source_sha256: sourceSha256(Buffer.from(source)), outcome: "ok", failed_cells: [] };
  const outputs = [{ output_type: "stream", name: "stdout", text: [`${banner}\n`] }];
  return JSON.stringify({ cells: cells(outputs, 1), metadata: { ...metadata, workbook }, nbformat: 4, nbformat_minor: 5 }, null, 1);
}

/** Why the measurement cannot run here, or undefined. */
export function firstResultUnavailable(): string | undefined {
  return fs.existsSync(CHROMIUM) ? undefined : `Chromium not found at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`;
}

/**
 * Waits until the browser's own processes are idle, at most `limitMs`. Each new context opens a window whose
 * omnibox popup (a WebUI page, chrome://omnibox-popup.top-chrome) loads in its own renderer: about 2.5 s of one core
 * on an idle machine, and a full core for 6-7 s of a page load when it overlaps one (seen in traces). A reader's
 * browser did that when it started, not when they open the page, so the page is opened once it has finished.
 * Idle: all Chromium processes together used less than 12% of a core in each of two 250 ms intervals in a row.
 */
async function browserSettled(browser: Browser, limitMs = 20_000): Promise<void> {
  const cdp = await browser.newBrowserCDPSession();
  try {
    // SystemInfo.getProcessInfo answers in Chromium with a browser target; where it does not, the page opens at once.
    const cpuSeconds = async () => (await cdp.send("SystemInfo.getProcessInfo")).processInfo.reduce((sum, p) => sum + p.cpuTime, 0);
    const begun = Date.now();
    let last = await cpuSeconds();
    for (let quiet = 0; quiet < 2 && Date.now() - begun < limitMs;) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      const now = await cpuSeconds();
      quiet = now - last < 0.03 ? quiet + 1 : 0;
      last = now;
    }
  } catch {
    // Only a wait: without process figures the load is measured as before.
  } finally {
    await cdp.detach();
  }
}

const FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update"];

/**
 * Loads the softmax page `runs + warmup` times; `banner` names the model. Cold: each load in a fresh browser context.
 * Warm: every load in one on-disk profile (an incognito-like context keeps no code cache), after `warmup` loads.
 */
export async function measureFirstResult(banner: string, runs: number, warmup: number, cache: CacheState = "cold"): Promise<FirstResultRuns> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-try-it-"));
  const server = { close: async () => {} };
  const browser = cache === "cold"
    ? await chromium.launch({ executablePath: CHROMIUM, args: FLAGS })
    : await chromium.launchPersistentContext(path.join(dir, "profile"), { executablePath: CHROMIUM, args: FLAGS });
  try {
    const executed = path.join(dir, "executed");
    fs.mkdirSync(executed);
    markOutputDir(executed, "npm run workbook");
    fs.writeFileSync(path.join(executed, "05-softmax.ipynb"), bannerNotebook(banner));
    const site = await buildSite(executed, path.join(dir, "book"));
    const page = site.tryIt.pages[0];
    if (!page?.model) throw new Error(`the panel cannot run the bench's model: ${page?.why ?? "no panel"}`);
    const served = await serveSite(site.outDir, 0);
    server.close = served.close;
    const result: FirstResultRuns = {
      firstResultMs: [], loadMs: [], timelines: [], loadAverages: [],
      siteBytes: site.tryIt.weight.code + site.tryIt.weight.runtime + site.tryIt.weight.models,
    };
    const offsite: string[] = [];
    for (let i = 0; i < warmup + runs; i++) {
      const context = "newContext" in browser ? await browser.newContext() : browser;
      // Nothing may come from elsewhere: the figure is the offline panel's. A route turns the HTTP cache off, so warm
      // runs only watch (and fail below if anything left the site).
      if (cache === "cold") await context.route("**/*", (route) => (route.request().url().startsWith(served.url) ? route.continue() : route.abort()));
      else if (i === 0) context.on("request", (request) => { if (!/^data:/.test(request.url()) && !request.url().startsWith(served.url)) offsite.push(request.url()); });
      const tab = await context.newPage();
      // (A persistent context, the warm runs', has no Browser to ask: its window opened with the first load.)
      if ("newContext" in browser) await browserSettled(browser);
      await tab.goto(`${served.url}05-softmax.html`);
      const panel = tab.locator(".try-it[data-first-result-ms]");
      await panel.waitFor({ state: "attached", timeout: 180_000 });
      if (i >= warmup) {
        result.firstResultMs.push(Number(await panel.getAttribute("data-first-result-ms")));
        result.loadMs.push(Number(await panel.getAttribute("data-load-ms")));
        result.timelines.push(JSON.parse((await panel.getAttribute("data-timeline")) ?? "{}") as Record<string, number>);
        result.loadAverages.push(os.loadavg()[0]);
      }
      if (context === browser) await tab.close();
      else await context.close();
    }
    if (offsite.length > 0) throw new Error(`the panel made requests outside the site: ${offsite.join(", ")}`);
    return result;
  } finally {
    await browser.close();
    await server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
