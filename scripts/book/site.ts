import * as fs from "node:fs";
import * as path from "node:path";
import { replaceDirAtomically, type OutputGuard } from "../output-dir";
import { copyAssets } from "./assets";
import { assessCopies, type CopyState } from "./freshness";
import { createCodeHighlighter } from "./highlight";
import { createMarkdown } from "./markdown";
import { detectModel } from "./model-note";
import { readNotebook } from "./notebook";
import { fileSha256, pageKey, pageRecord, PAGES_MANIFEST, readPagesManifest, rendererFingerprint, reusablePage, type PageRecord } from "./page-cache";
import { renderIndexPage, renderStepPage, stepSummary, stepTitle, type CellIssue, type PageTools, type Step } from "./page";
import { copyTryItAssets, findPanelModel, panelScript, renderPanel, TRY_IT_PAGES, type PanelModel, type TryItWeight } from "./try-it";

/** The project root: the book never writes there, nor above it. */
export const PROJECT_ROOT = path.resolve(__dirname, "..", "..");

/** What `buildSite` wrote. */
export interface SiteResult {
  outDir: string;
  pages: string[];
  issues: CellIssue[];
  /** Notebooks that are not clean (stale, failed, unproven, missing) and executed copies left out (orphan). */
  copies: CopyState[];
  steps: Pick<Step, "slug" | "title" | "model">[];
  /** The "try it" panel: pages that have one, the model it runs or why it cannot, and the bytes it added. */
  tryIt: TryItResult;
  /** Slugs of the pages rendered by this build; the others were copied unchanged from the previous build. */
  rendered: string[];
}

/** What the "try it" panels of a site need and weigh. */
export interface TryItResult {
  /** Per page with a panel: the model's id in the site, or why the panel cannot run it. */
  pages: { slug: string; model?: string; why?: string }[];
  /** Bytes added to the site (none when no panel can run). */
  weight: TryItWeight;
}

/** Where the book reads from besides the executed copies. */
export interface SiteOptions {
  /** The source notebooks: executed copies are checked against them (stale, missing, deleted). */
  notebooksDir?: string;
  /** The built helper module the notebooks import (dist/): a copy executed with another one is stale. */
  helperDir?: string;
  /** The output directory's default path, where an unmarked site of an older book is taken over. */
  defaultOut?: string;
  /** Page renderer tools, when the caller has started loading them (default: made on first use). */
  tools?: ReturnType<typeof lazyPageTools>;
}

/** The executed notebooks of a directory, in course order (by file name). */
export function listNotebooks(executedDir: string): string[] {
  if (!fs.existsSync(executedDir)) throw new Error(`${executedDir} does not exist: run \`npm run workbook\` first (npm run book does this when allowed)`);
  const files = fs.readdirSync(executedDir).filter((f) => f.endsWith(".ipynb")).sort();
  if (files.length === 0) throw new Error(`${executedDir} holds no .ipynb files: run \`npm run workbook\` to execute the notebooks`);
  return files.map((f) => path.join(executedDir, f));
}

/** What the book may replace: only a site it made, never its inputs, the project or a source folder. */
export function bookGuard(executedDir: string, options: SiteOptions = {}): OutputGuard {
  return {
    tool: "npm run book",
    flag: "--out",
    projectRoot: PROJECT_ROOT,
    inputs: [{ flag: "--executed", path: executedDir }, ...(options.notebooksDir ? [{ flag: "--notebooks", path: options.notebooksDir }] : [])],
    defaultPath: options.defaultOut,
    looksLikeOwnOutput: (entries) => entries.every((e) => e === "assets" || /^[^.][^/]*\.html$/.test(e)),
  };
}

/** Gives each page that teaches a step of the panel its panel, running the model behind that page's outputs. */
function addPanels(steps: Step[]): { pages: TryItResult["pages"]; models: PanelModel[] } {
  const pages: TryItResult["pages"] = [];
  const models: PanelModel[] = [];
  for (const step of steps) {
    const focus = TRY_IT_PAGES[step.slug];
    if (!focus) continue;
    const model = findPanelModel(step.model);
    step.panel = renderPanel(focus, step.model, model);
    if ("why" in model) pages.push({ slug: step.slug, why: model.why });
    else {
      step.panelScript = panelScript(model);
      pages.push({ slug: step.slug, model: model.id });
      models.push(model);
    }
  }
  return { pages, models };
}

/**
 * The tools pages are rendered with, made on first use: shiki, KaTeX and jsdom take seconds to load, and a rebuild
 * that only copies pages needs none of them. `warm()` starts loading the highlighter ahead of time.
 */
export function lazyPageTools(): PageTools & { warm: () => Promise<void> } {
  let markdown: PageTools["markdown"] | undefined;
  let sanitize: PageTools["sanitize"] | undefined;
  let highlight: PageTools["highlight"] | undefined;
  let loading: Promise<void> | undefined;
  const warm = () => (loading ??= createCodeHighlighter().then((h) => { highlight = h; }));
  return {
    warm,
    markdown: (source, attachments) => (markdown ??= createMarkdown())(source, attachments),
    // jsdom (behind the sanitiser) loads on first use: a refused --out or a usage error answers without it.
    sanitize: (html) => (sanitize ??= (require("./sanitize") as typeof import("./sanitize")).createSanitizer())(html),
    highlight: (code) => {
      if (!highlight) throw new Error("the code highlighter is used before it was loaded: await warm() first");
      return highlight(code);
    },
  };
}

/** Renders every executed notebook to a page plus an index, into `outDir` (replaced atomically). */
export async function buildSite(executedDir: string, outDir: string, options: SiteOptions = {}): Promise<SiteResult> {
  const guard = bookGuard(executedDir, options);
  listNotebooks(executedDir);
  const copies = assessCopies(executedDir, options.notebooksDir, options.helperDir);
  const published = copies.filter((c) => c.executed !== undefined && c.kind !== "orphan");
  if (published.length === 0) throw new Error(`no executed copy in ${executedDir} has its source in ${options.notebooksDir}: nothing to publish`);
  const steps: Step[] = published.map((copy) => {
    const notebook = readNotebook(copy.executed!);
    const slug = path.basename(copy.name, ".ipynb");
    return { slug, notebook, title: stepTitle(notebook, slug), summary: stepSummary(notebook), model: detectModel(notebook), copy };
  });
  const tryIt = addPanels(steps);
  const missing = copies.filter((c) => c.kind === "missing");
  // Pages whose inputs are unchanged since the previous build are copied from it rather than rendered again.
  const previous = readPagesManifest(outDir, guard.tool);
  const fingerprint = rendererFingerprint();
  const keys = steps.map((_, i) => pageKey(fingerprint, steps, i, fileSha256(published[i].executed!)));
  const kept = steps.map((step, i) => reusablePage(outDir, previous, step.slug, keys[i]));
  const tools = options.tools ?? lazyPageTools();
  if (kept.some((page) => page === undefined)) await tools.warm();
  return replaceDirAtomically(outDir, guard, async (dir) => {
    const issues: CellIssue[] = [];
    const pages: string[] = [];
    const rendered: string[] = [];
    const records: Record<string, PageRecord> = {};
    steps.forEach((step, i) => {
      const page = kept[i] ?? renderStepPage(steps, i, tools);
      if (!kept[i]) rendered.push(step.slug);
      issues.push(...page.issues);
      fs.writeFileSync(path.join(dir, `${step.slug}.html`), page.html);
      records[step.slug] = pageRecord(keys[i], page.html, page.issues);
      pages.push(`${step.slug}.html`);
    });
    fs.writeFileSync(path.join(dir, PAGES_MANIFEST), `${JSON.stringify({ version: 1, pages: records }, null, 1)}\n`);
    fs.writeFileSync(path.join(dir, "index.html"), renderIndexPage(steps, issues, missing));
    copyAssets(dir);
    const runnable = tryIt.models;
    const weight = runnable.length > 0 ? copyTryItAssets(dir, runnable) : { code: 0, runtime: 0, models: 0 };
    return {
      outDir, pages: ["index.html", ...pages], issues, copies: copies.filter((c) => c.kind !== "clean"),
      steps: steps.map(({ slug, title, model }) => ({ slug, title, model })), rendered, tryIt: { pages: tryIt.pages, weight },
    };
  });
}
