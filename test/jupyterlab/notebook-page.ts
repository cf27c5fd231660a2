// Drives the JupyterLab test page (app/src/index.ts) through `window.jlab`, and reads what its output areas show.
import type { Page } from "playwright-core";

/** The part of the page's `window.jlab` (app/src/index.ts) the test reads; JupyterLab's types live only in app/. */
interface LabView {
  panel: {
    content: { widgets: { model: CellModelView; node: HTMLElement }[]; activeCellIndex: number };
    context: { isReady: boolean; model: { toJSON(): unknown } };
    sessionContext: { session?: { kernel?: { name: string } | null } | null; kernelDisplayStatus: string };
  };
  commands: { execute(id: string): Promise<unknown> };
  extensionMimeTypes: string[];
}
interface CellModelView {
  type: string;
  trusted: boolean;
  sharedModel: { getSource(): string };
  getMetadata(key: string): unknown;
  executionCount?: number | null;
  executionState?: string;
}
declare global {
  interface Window {
    jlab?: LabView;
    jlabError?: string;
  }
}

/** One rendered output, as JupyterLab's output area shows it. */
export interface RenderedOutput {
  /** The MIME type JupyterLab chose to render (the output node's data-mime-type). */
  mime: string;
  /** Its visible text. */
  text: string;
  /** Its height in pixels: an empty box still has one. */
  height: number;
}

/** A code cell after running: its source, execution count, trust and rendered outputs. */
export interface CodeCellView {
  index: number;
  source: string;
  executionCount: number | null;
  trusted: boolean;
  /** A worked answer (tag "answer"): collapsed by its metadata, so its outputs are not on screen. */
  answer: boolean;
  outputs: RenderedOutput[];
}

/** What the page logged that a learner would see as a problem (errors of the page, requests leaving the machine). */
export interface PageProblems {
  pageErrors: string[];
  consoleErrors: string[];
  offHost: string[];
}

// Jupyter Server 1.x has no /api/me and no event stream; JupyterLab 4 asks for both and copes without.
const KNOWN_SERVER_1_GAPS = [/\/api\/me\b/, /\/api\/events\/subscribe/, /Failed to load resource: the server responded with a status of 404/];

/** Records page errors, console errors JupyterLab does not expect, and refuses requests to any other host. */
export async function watchLabPage(page: Page, host: string): Promise<PageProblems> {
  const problems: PageProblems = { pageErrors: [], consoleErrors: [], offHost: [] };
  page.on("pageerror", (error) => problems.pageErrors.push(error.message));
  page.on("console", (message) => {
    if (message.type() === "error" && !KNOWN_SERVER_1_GAPS.some((gap) => gap.test(message.text()))) problems.consoleErrors.push(message.text());
  });
  page.on("dialog", (dialog) => { problems.pageErrors.push(`dialog: ${dialog.message()}`); void dialog.dismiss(); });
  await page.route((url) => url.host !== host && /^(https?|wss?):$/.test(url.protocol), (route) => {
    problems.offHost.push(route.request().url());
    return route.abort();
  });
  return problems;
}

/** Opens a notebook page and waits for the notebook to load; with `kernel`, also for its tslab kernel to be idle. */
export async function openNotebook(page: Page, url: string, options: { kernel: boolean }): Promise<void> {
  // "load" waits for every font and stylesheet; on a busy machine that alone can pass 30 s.
  await page.goto(url, { waitUntil: "domcontentloaded", timeout: 120_000 });
  await page.waitForFunction((kernel) => {
    if (window.jlabError) return true;
    const lab = window.jlab;
    if (!lab || !lab.panel.context.isReady) return false;
    return !kernel || (lab.panel.sessionContext.session?.kernel?.name === "tslab" && lab.panel.sessionContext.kernelDisplayStatus === "idle");
  }, options.kernel, { timeout: 120_000 });
  const error = await page.evaluate(() => window.jlabError);
  if (error) throw new Error(`the JupyterLab page failed: ${error}`);
}

/** Waits until no code cell with source is running or queued, and every one has an execution count. */
export async function waitUntilAllRan(page: Page, timeout = 60_000): Promise<void> {
  await page.waitForFunction(() => {
    const { panel } = window.jlab!;
    return panel.content.widgets.every((cell) => {
      const model = cell.model;
      if (model.type !== "code" || model.sharedModel.getSource().trim() === "") return true;
      return typeof model.executionCount === "number" && model.executionState === "idle";
    }) && panel.sessionContext.kernelDisplayStatus === "idle";
  }, undefined, { timeout });
}

/**
 * Runs the notebook as a learner does: selects the first cell, then presses Shift-Enter once per cell, waiting for
 * each code cell to finish before pressing it again.
 */
export async function runCellByCell(page: Page): Promise<void> {
  const count = await page.evaluate(() => window.jlab!.panel.content.widgets.length);
  await page.locator(".jp-Notebook .jp-Cell").first().locator(".jp-InputPrompt").click();
  for (let index = 0; index < count; index++) {
    await page.waitForFunction((i) => window.jlab!.panel.content.activeCellIndex === i, index, { timeout: 10_000 });
    await page.keyboard.press("Shift+Enter");
    await page.waitForFunction((i) => {
      const { panel } = window.jlab!;
      const model = panel.content.widgets[i].model;
      if (model.type !== "code" || model.sharedModel.getSource().trim() === "") return panel.content.activeCellIndex === i + 1;
      return typeof model.executionCount === "number" && model.executionState === "idle";
    }, index, { timeout: 60_000 });
  }
}

/** Every code cell that has source, with what its output area shows. */
export function readCodeCells(page: Page): Promise<CodeCellView[]> {
  return page.evaluate(() => window.jlab!.panel.content.widgets.flatMap((cell, index) => {
    const model = cell.model;
    const source = model.sharedModel.getSource();
    if (model.type !== "code" || source.trim() === "") return [];
    const outputs = Array.from(cell.node.querySelectorAll<HTMLElement>(".jp-OutputArea-output")).map((node) => ({
      // JupyterLab's own renderers label their node; jupyterlab-plotly's (Lumino 1) widget does not.
      mime: node.dataset.mimeType ?? (node.classList.contains("jp-RenderedPlotly") ? "application/vnd.plotly.v1+json" : ""),
      text: node.innerText,
      height: node.getBoundingClientRect().height,
    }));
    const answer = ((model.getMetadata("tags") as string[] | undefined) ?? []).includes("answer");
    return [{ index, source, executionCount: model.executionCount ?? null, trusted: model.trusted, answer, outputs }];
  }));
}

/** Runs one of the page's commands (JupyterLab's ids: notebook:run-all-cells, kernelmenu:restart). */
export async function runCommand(page: Page, id: string): Promise<void> {
  await page.evaluate((command) => window.jlab!.commands.execute(command), id);
}
