import * as fs from "node:fs";
import * as path from "node:path";
import { replaceDirAtomically, type OutputGuard } from "../output-dir";
import { copyAssets } from "./assets";
import { assessCopies, type CopyState } from "./freshness";
import { createCodeHighlighter } from "./highlight";
import { createMarkdown } from "./markdown";
import { detectModel } from "./model-note";
import { readNotebook } from "./notebook";
import { renderIndexPage, renderStepPage, stepSummary, stepTitle, type CellIssue, type Step } from "./page";

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
}

/** Where the book reads from besides the executed copies. */
export interface SiteOptions {
  /** The source notebooks: executed copies are checked against them (stale, missing, deleted). */
  notebooksDir?: string;
  /** The built helper module the notebooks import (dist/): a copy executed with another one is stale. */
  helperDir?: string;
  /** The output directory's default path, where an unmarked site of an older book is taken over. */
  defaultOut?: string;
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
  const missing = copies.filter((c) => c.kind === "missing");
  // jsdom (behind the sanitiser) is loaded only now: a refused --out or a usage error answers without it.
  const { createSanitizer } = await import("./sanitize");
  const tools = { markdown: createMarkdown(), highlight: await createCodeHighlighter(), sanitize: createSanitizer() };
  return replaceDirAtomically(outDir, guard, async (dir) => {
    const issues: CellIssue[] = [];
    const pages: string[] = [];
    steps.forEach((step, i) => {
      const page = renderStepPage(steps, i, tools);
      issues.push(...page.issues);
      fs.writeFileSync(path.join(dir, `${step.slug}.html`), page.html);
      pages.push(`${step.slug}.html`);
    });
    fs.writeFileSync(path.join(dir, "index.html"), renderIndexPage(steps, issues, missing));
    copyAssets(dir);
    return {
      outDir, pages: ["index.html", ...pages], issues, copies: copies.filter((c) => c.kind !== "clean"),
      steps: steps.map(({ slug, title, model }) => ({ slug, title, model })),
    };
  });
}
