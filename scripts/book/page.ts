import { escapeHtml } from "./escape";
import type { CopyState } from "./freshness";
import type { ModelNote } from "./model-note";
import { text, type CodeCell, type Notebook, type Output } from "./notebook";
import { renderOutput, type OutputContext } from "./outputs";
import { cellProblem } from "./problems";

/** One step of the course: a notebook and where its page goes. */
export interface Step {
  /** Notebook file name without .ipynb, e.g. "01-tokenizer". */
  slug: string;
  title: string;
  /** One sentence for the table of contents. */
  summary: string;
  notebook: Notebook;
  model: ModelNote;
  /** How the executed copy stands against its source (contract 1); a page that is not clean says so at the top. */
  copy?: CopyState;
  /** The "try it" panel's HTML, on the pages that teach a step the panel shows (see try-it/panel.ts). */
  panel?: string;
  /** The panel's script tag for the top of <head>, when the panel can run (it starts the worker; try-it/panel.ts). */
  panelScript?: string;
}

/** What went wrong in one cell, for the page banner and the CLI's exit status. */
export interface CellIssue { slug: string; cell: number; problem: string }

export const SITE_TITLE = "Behind the pipeline";

/**
 * Content-Security-Policy for every page. Only the site's own script files run (no inline script, no handler, no
 * javascript: URL, whatever an output holds), and only its own files as workers (the "try it" panel's); styles,
 * images and fonts come from the site's files or data: URLs; nothing from the network, no frames, plugins, forms or
 * <base>. The worker's own policy, which also lets it compile WebAssembly, comes with it from the server (serve.ts).
 */
export const CSP = "default-src 'none'; script-src 'self'; worker-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
  "font-src 'self' data:; object-src 'none'; frame-src 'none'; base-uri 'none'; form-action 'none'";

/** The href of a step's page: the file name URL-encoded, so ':', '?', '#' and '%' in a notebook name stay part of it. */
export function pageHref(slug: string): string {
  return escapeHtml(`${encodeURIComponent(slug)}.html`);
}

/** What the prompt shows: In [n] for an execution number, nothing else from the notebook. */
function promptText(count: unknown): string {
  if (count === null || count === undefined) return "[ ]";
  return Number.isSafeInteger(count) ? `[${count as number}]` : "[?]";
}

/**
 * The HTML document around a page body; `figures` loads plotly.js. `tryItScript`, the panel's script, comes first in
 * <head>, before the styles: its worker starts loading the model while the rest of the page arrives.
 */
function document(title: string, body: string, figures = false, tryItScript = ""): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
${tryItScript ? `${tryItScript}\n` : ""}<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<link rel="stylesheet" href="assets/katex/katex.min.css">
<link rel="stylesheet" href="assets/book.css">
</head>
<body>
${body}
${figures ? '<script src="assets/plotly.min.js"></script>\n' : ""}<script src="assets/book.js"></script>
</body>
</html>
`;
}

/** The first `# heading` of a notebook, or a title made from its file name. */
export function stepTitle(notebook: Notebook, slug: string): string {
  for (const cell of notebook.cells) {
    if (cell.cell_type !== "markdown") continue;
    const heading = /^#{1,2}\s+(.+)$/m.exec(text(cell.source));
    if (heading) return heading[1].trim();
  }
  return slug.replace(/^\d+[-_]?/, "").replace(/[-_]+/g, " ") || slug;
}

/** The first sentence of prose after the title: the step's line in the table of contents. */
export function stepSummary(notebook: Notebook): string {
  for (const cell of notebook.cells) {
    if (cell.cell_type !== "markdown") continue;
    const prose = text(cell.source).split(/\n\s*\n/).map((p) => p.trim()).find((p) => p && !p.startsWith("#") && !p.startsWith("$$"));
    if (!prose) continue;
    const plain = prose.replace(/`([^`]*)`/g, "$1").replace(/\[([^\]]*)\]\([^)]*\)/g, "$1").replace(/[*_]/g, "").replace(/\s+/g, " ");
    const sentence = /^.+?[.!?](?=\s|$)/.exec(plain)?.[0] ?? plain;
    return sentence.length > 180 ? `${sentence.slice(0, 179)}…` : sentence;
  }
  return "";
}

/** The visible note naming the model behind the outputs. */
function modelNote(model: ModelNote): string {
  const lead = model.kind === "demo" ? "Outputs on this page come from the offline demo model: its numbers differ from the course."
    : model.kind === "checkpoint" ? "Outputs on this page come from this model:" : "Model not reported.";
  return `<aside class="model-note model-${model.kind}" role="note"><strong>${escapeHtml(lead)}</strong> <span class="model-line">${escapeHtml(model.text)}</span></aside>`;
}

/** Joins consecutive stream outputs of one name (one console.log each), as notebook front ends show them. */
function mergeStreams(outputs: readonly Output[]): Output[] {
  const merged: Output[] = [];
  for (const output of outputs) {
    const last = merged[merged.length - 1];
    if (output.output_type === "stream" && last?.output_type === "stream" && last.name === output.name) {
      merged[merged.length - 1] = { ...last, text: text(last.text) + text(output.text) };
    } else merged.push(output);
  }
  return merged;
}

/** Previous / contents / next links. */
function navigation(steps: readonly Step[], index: number): string {
  const prev = steps[index - 1];
  const next = steps[index + 1];
  const link = (step: Step | undefined, rel: string, label: string) =>
    step ? `<a class="${rel}" rel="${rel}" href="${pageHref(step.slug)}">${label} ${escapeHtml(step.title)}</a>` : `<span class="${rel} none"></span>`;
  return `<nav class="steps">${link(prev, "prev", "←")}<a class="contents" href="index.html">Contents</a>${link(next, "next", "→")}</nav>`;
}

/** Renders one step's page; returns the HTML and the cells that failed or did not run. */
/** The tools a page is rendered with. */
export interface PageTools {
  markdown: (source: string, attachments?: Record<string, unknown>) => string;
  highlight: (code: string) => string;
  sanitize: (html: string) => string;
}

/** True for a worked answer (contract 2): a code cell tagged "answer". */
export function isAnswerCell(cell: { cell_type: string; metadata?: { tags?: unknown } }): boolean {
  const tags = cell.metadata?.tags;
  return cell.cell_type === "code" && Array.isArray(tags) && tags.includes("answer");
}

/** One code cell: prompt, source, a note when it failed or did not run, outputs; an answer folded in <details>. */
function codeCell(cell: CodeCell, i: number, slug: string, ctx: OutputContext, tools: PageTools, issues: CellIssue[]): string {
  const source = text(cell.source);
  const problem = cellProblem(cell);
  if (problem) issues.push({ slug, cell: i + 1, problem });
  const outputs = mergeStreams(Array.isArray(cell.outputs) ? cell.outputs : []).map((o) => renderOutput(o, ctx)).join("\n");
  const flag = problem ? `<p class="cell-problem">This cell ${problem === "failed" ? "failed" : "did not run"} when the workbook was executed.</p>` : "";
  const body = `<div class="prompt">${promptText(cell.execution_count)}</div><div class="body">` +
    `<div class="source">${tools.highlight(source)}</div>${flag}${outputs ? `<div class="outputs">${outputs}</div>` : ""}</div>`;
  const classes = `cell code${problem ? " problem" : ""}`;
  if (isAnswerCell(cell)) {
    return `<section class="cell answer" id="cell-${i + 1}"><details${problem ? " open" : ""}><summary>Show the answer</summary>` +
      `<div class="${classes}">${body}</div></details></section>`;
  }
  return `<section class="${classes}" id="cell-${i + 1}">${body}</section>`;
}

/** The banner of a page whose executed copy is not a clean run of its current source. */
function copyBanner(copy: CopyState | undefined): string {
  if (!copy || copy.kind === "clean") return "";
  const lead = copy.kind === "stale" ? "This page is out of date:" : copy.kind === "failed" ? "This page comes from a failed run:"
    : "This page is not verified:";
  return `<aside class="run-problems page-${copy.kind}" role="alert"><strong>${escapeHtml(lead)}</strong> ${escapeHtml(copy.why)}. ` +
    "Its outputs may not match the code shown. Run <code>npm run book</code> again to re-execute it.</aside>";
}

/** Renders one step's page; returns the HTML and the cells that failed, did not run or could not be shown. */
export function renderStepPage(steps: readonly Step[], index: number, tools: PageTools): { html: string; issues: CellIssue[] } {
  const step = steps[index];
  let figures = 0;
  const ctx: OutputContext = { markdown: tools.markdown, sanitize: tools.sanitize, nextFigureId: () => `figure-${++figures}` };
  const issues: CellIssue[] = [];
  const cells = step.notebook.cells.map((cell, i) => {
    try {
      if (cell.cell_type === "markdown") return `<section class="cell markdown">${tools.markdown(text(cell.source), cell.attachments)}</section>`;
      if (cell.cell_type !== "code") return `<section class="cell raw"><pre>${escapeHtml(text(cell.source))}</pre></section>`;
      return codeCell(cell, i, step.slug, ctx, tools, issues);
    } catch (error) {
      // One malformed cell is named and shown as such; the rest of the book is still built.
      const why = (error as Error).message;
      issues.push({ slug: step.slug, cell: i + 1, problem: `could not be shown (${why})` });
      return `<section class="cell problem" id="cell-${i + 1}"><p class="cell-problem">This cell could not be shown: ${escapeHtml(why)}</p></section>`;
    }
  });
  // The panel goes after the page's introduction, the first markdown cell.
  if (step.panel) {
    const intro = step.notebook.cells.findIndex((cell) => cell.cell_type === "markdown");
    cells.splice(intro === 0 ? 1 : 0, 0, step.panel);
  }
  const banner = issues.length === 0 ? "" :
    `<aside class="run-problems" role="alert"><strong>This notebook did not run cleanly.</strong> ` +
    issues.map((issue) => `<a href="#cell-${issue.cell}">cell ${issue.cell} ${issue.problem}</a>`).join(", ") + "</aside>";
  const nav = navigation(steps, index);
  const body = `<header class="site"><a href="index.html">${escapeHtml(SITE_TITLE)}</a> · step ${index + 1} of ${steps.length}</header>
${nav}
${copyBanner(step.copy)}
${modelNote(step.model)}
${banner}
<main>
${cells.join("\n")}
</main>
${nav}`;
  // plotly.js (4 MB) is loaded only by pages that draw a figure.
  return { html: document(`${step.title} · ${SITE_TITLE}`, body, figures > 0, step.panelScript), issues };
}

/** The table of contents: one line per step, with the model(s) behind the outputs. */
export function renderIndexPage(steps: readonly Step[], issues: readonly CellIssue[], missing: readonly CopyState[] = []): string {
  const items = steps.map((step, i) => {
    const copy = step.copy && step.copy.kind !== "clean" ? ` <span class="toc-problem">(${escapeHtml(step.copy.kind === "stale" ? "out of date" : step.copy.kind === "failed" ? "failed run" : "not verified")})</span>` : "";
    const broken = issues.some((issue) => issue.slug === step.slug) ? ` <span class="toc-problem">(did not run cleanly)</span>` : "";
    const summary = step.summary ? ` <span class="toc-summary">— ${escapeHtml(step.summary)}</span>` : "";
    // Titles such as "1 · The pipeline in one call" carry their own number; others get the step's.
    const number = /^\d+\s*[·.:)-]/.test(step.title) ? "" : `<span class="toc-number">${i + 1}.</span> `;
    return `<li><a href="${pageHref(step.slug)}">${number}${escapeHtml(step.title)}</a>${summary}${copy}${broken}</li>`;
  });
  const absent = missing.map((copy) => `<li class="toc-missing">${escapeHtml(copy.name)} <span class="toc-problem">(not executed: no page)</span></li>`);
  const incomplete = absent.length === 0 ? "" :
    `<aside class="run-problems" role="alert"><strong>This book is incomplete:</strong> ${absent.length} of ${steps.length + absent.length} notebooks have no executed copy.</aside>`;
  const models = [...new Map(steps.map((s) => [s.model.text, s.model])).values()].filter((m) => m.kind !== "unknown");
  const modelLines = models.length === 0 ? "" :
    `<aside class="model-note model-${models.some((m) => m.kind === "demo") ? "demo" : "checkpoint"}" role="note"><strong>Outputs in this book were produced with:</strong>` +
    `<ul>${models.map((m) => `<li class="model-line">${escapeHtml(m.text)}</li>`).join("")}</ul></aside>`;
  const body = `<header class="site"><a href="index.html">${escapeHtml(SITE_TITLE)}</a></header>
<main>
<h1>${escapeHtml(SITE_TITLE)}</h1>
<p>The sentiment-analysis pipeline taken apart, one step per page. Every page shows the notebook's code and the outputs it produced when the workbook was last run.</p>
${incomplete}
${modelLines}
<ol class="toc">
${[...items, ...absent].join("\n")}
</ol>
</main>`;
  return document(SITE_TITLE, body);
}
