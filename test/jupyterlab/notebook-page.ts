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
/** A command the test started, and how it ended (recorded in the page so a wait can report it). */
interface CommandRecord {
  id: string;
  state: "running" | "done" | "failed";
  error?: string;
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
    jlabCommands?: CommandRecord[];
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
  await waitInLab(page, `the notebook opened${options.kernel ? ", its tslab kernel idle" : ""}`, (kernel) => {
    if (window.jlabError) return true;
    const lab = window.jlab;
    if (!lab || !lab.panel.context.isReady) return false;
    return !kernel || (lab.panel.sessionContext.session?.kernel?.name === "tslab" && lab.panel.sessionContext.kernelDisplayStatus === "idle");
  }, options.kernel, 120_000);
  const error = await page.evaluate(() => window.jlabError);
  if (error) throw new Error(`the JupyterLab page failed: ${error}`);
}

/**
 * What the page shows while a wait is stuck: the kernel's status and connection, each code cell's execution count
 * and state, an open dialog, the commands the test started. A timeout message carries it.
 */
export function describeLab(page: Page): Promise<string> {
  const read = page.evaluate(() => {
    const lab = window.jlab;
    if (!lab) return `no window.jlab (page error: ${window.jlabError ?? "none"})`;
    const { sessionContext, content } = lab.panel;
    const kernel = sessionContext.session?.kernel as { status?: string; connectionStatus?: string } | null | undefined;
    const cells = content.widgets.flatMap((cell, index) => cell.model.type === "code" && cell.model.sharedModel.getSource().trim() !== ""
      ? [`${index}:${cell.model.executionCount ?? "-"}/${cell.model.executionState ?? "?"}`] : []);
    const dialog = document.querySelector(".jp-Dialog") as HTMLElement | null;
    return [
      `kernel ${kernel ? `${kernel.status}, ${kernel.connectionStatus}` : "none"} (display status ${sessionContext.kernelDisplayStatus})`,
      `code cells (index:count/state) ${cells.join(" ")}`,
      `dialog: ${dialog ? dialog.innerText.replace(/\s+/g, " ").trim() : "none"}`,
      `commands: ${JSON.stringify(window.jlabCommands ?? [])}`,
    ].join("\n");
  });
  // A page that does not answer within 10 s is itself the finding.
  const timeout = new Promise<string>((resolve) => setTimeout(() => resolve("the page did not answer within 10 s"), 10_000).unref());
  return Promise.race([read, timeout]).catch((error: unknown) => `the page could not be read: ${String(error)}`);
}

/** page.waitForFunction, whose timeout error also says what `what` was and what the page showed. */
export async function waitInLab<Arg>(page: Page, what: string, predicate: (arg: Arg) => boolean, arg: Arg, timeout: number): Promise<void> {
  try {
    // Arg is a plain value here, which Playwright passes through unchanged.
    await page.waitForFunction(predicate as (arg: unknown) => boolean, arg, { timeout });
  } catch (error) {
    throw new Error(`${what}: not within ${timeout / 1000} s (${(error as Error).message.split("\n")[0]})\n${await describeLab(page)}`);
  }
}

/** Waits until the command the test started last with this id has ended, and fails if it failed. */
export async function waitForCommand(page: Page, id: string, timeout = 120_000): Promise<void> {
  await waitInLab(page, `the command ${id} ends`, (command) => {
    const record = (window.jlabCommands ?? []).filter((c) => c.id === command).at(-1);
    return record !== undefined && record.state !== "running";
  }, id, timeout);
  const record = await page.evaluate((command) => (window.jlabCommands ?? []).filter((c) => c.id === command).at(-1), id);
  if (record?.state !== "done") throw new Error(`the command ${id} failed: ${record?.error ?? "never started"}`);
}

/**
 * Waits until no code cell with source is running or queued, and every one has an execution count. Stops early if
 * JupyterLab opened a dialog (it would wait for a click) or a command the test started failed; either way, and on
 * timeout, the error says what the page showed.
 */
export async function waitUntilAllRan(page: Page, timeout = 180_000): Promise<void> {
  await waitInLab(page, "every code cell ran", () => {
    const { panel } = window.jlab!;
    if (document.querySelector(".jp-Dialog") || (window.jlabCommands ?? []).some((c) => c.state === "failed")) return true;
    return panel.content.widgets.every((cell) => {
      const model = cell.model;
      if (model.type !== "code" || model.sharedModel.getSource().trim() === "") return true;
      return typeof model.executionCount === "number" && model.executionState === "idle";
    }) && panel.sessionContext.kernelDisplayStatus === "idle";
  }, undefined, timeout);
  const stuck = await page.evaluate(() => Boolean(document.querySelector(".jp-Dialog")) || (window.jlabCommands ?? []).some((c) => c.state === "failed"));
  if (stuck) throw new Error(`JupyterLab stopped the run:\n${await describeLab(page)}`);
}

/**
 * Runs the notebook as a learner does: selects the first cell, then presses Shift-Enter once per cell, waiting for
 * each code cell to finish before pressing it again.
 */
export async function runCellByCell(page: Page): Promise<void> {
  const count = await page.evaluate(() => window.jlab!.panel.content.widgets.length);
  await page.locator(".jp-Notebook .jp-Cell").first().locator(".jp-InputPrompt").click();
  for (let index = 0; index < count; index++) {
    await waitInLab(page, `cell ${index} is the active cell`, (i) => window.jlab!.panel.content.activeCellIndex === i, index, 30_000);
    await page.keyboard.press("Shift+Enter");
    await waitInLab(page, `cell ${index} ran after Shift-Enter`, (i) => {
      const { panel } = window.jlab!;
      const model = panel.content.widgets[i].model;
      if (model.type !== "code" || model.sharedModel.getSource().trim() === "") return panel.content.activeCellIndex === i + 1;
      return typeof model.executionCount === "number" && model.executionState === "idle";
    }, index, 120_000);
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

/**
 * Starts one of the page's commands (JupyterLab's ids: notebook:run-all-cells, kernelmenu:restart) and returns at
 * once: Run All's promise settles only when the last cell replies, so the caller waits on what the page shows, with a
 * timeout, instead. How the command ended is recorded for describeLab. A wait started after this cannot mistake the
 * previous run for this one: Run All clears each code cell's count and marks it running before execute() returns.
 */
export async function runCommand(page: Page, id: string): Promise<void> {
  await page.evaluate((command) => {
    const record: CommandRecord = { id: command, state: "running" };
    (window.jlabCommands ??= []).push(record);
    window.jlab!.commands.execute(command).then(
      () => { record.state = "done"; },
      (error: unknown) => { record.state = "failed"; record.error = error instanceof Error ? error.message : String(error); },
    );
  }, id);
}
