import * as fs from "node:fs";
import * as path from "node:path";
import { copyAssets } from "./assets";
import { writeDirAtomically } from "./atomic";
import { createCodeHighlighter } from "./highlight";
import { createMarkdown } from "./markdown";
import { detectModel } from "./model-note";
import { readNotebook } from "./notebook";
import { renderIndexPage, renderStepPage, stepSummary, stepTitle, type CellIssue, type Step } from "./page";

/** What `buildSite` wrote. */
export interface SiteResult {
  outDir: string;
  pages: string[];
  issues: CellIssue[];
  steps: Pick<Step, "slug" | "title" | "model">[];
}

/** The executed notebooks of a directory, in course order (by file name). */
export function listNotebooks(executedDir: string): string[] {
  if (!fs.existsSync(executedDir)) throw new Error(`${executedDir} does not exist: run \`npm run workbook\` first (npm run book does this when allowed)`);
  const files = fs.readdirSync(executedDir).filter((f) => f.endsWith(".ipynb")).sort();
  if (files.length === 0) throw new Error(`${executedDir} holds no .ipynb files: run \`npm run workbook\` to execute the notebooks`);
  return files.map((f) => path.join(executedDir, f));
}

/** Renders every executed notebook to a page plus an index, into `outDir` (replaced atomically). */
export async function buildSite(executedDir: string, outDir: string): Promise<SiteResult> {
  const steps: Step[] = listNotebooks(executedDir).map((file) => {
    const notebook = readNotebook(file);
    const slug = path.basename(file, ".ipynb");
    return { slug, notebook, title: stepTitle(notebook, slug), summary: stepSummary(notebook), model: detectModel(notebook) };
  });
  const tools = { markdown: createMarkdown(), highlight: await createCodeHighlighter() };
  return writeDirAtomically(outDir, async (dir) => {
    const issues: CellIssue[] = [];
    const pages: string[] = [];
    steps.forEach((step, i) => {
      const page = renderStepPage(steps, i, tools);
      issues.push(...page.issues);
      fs.writeFileSync(path.join(dir, `${step.slug}.html`), page.html);
      pages.push(`${step.slug}.html`);
    });
    fs.writeFileSync(path.join(dir, "index.html"), renderIndexPage(steps, issues));
    copyAssets(dir);
    return { outDir, pages: ["index.html", ...pages], issues, steps: steps.map(({ slug, title, model }) => ({ slug, title, model })) };
  });
}
