import { escapeHtml } from "./escape";
import type { ModelNote } from "./model-note";
import { text, type Notebook, type Output } from "./notebook";
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
}

/** What went wrong in one cell, for the page banner and the CLI's exit status. */
export interface CellIssue { slug: string; cell: number; problem: string }

export const SITE_TITLE = "Behind the pipeline";

/** Content-Security-Policy for every page: scripts, styles and fonts from the site's own files, nothing from the network. */
const CSP = "default-src 'none'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:";

/** The HTML document around a page body. */
function document(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<link rel="stylesheet" href="assets/katex/katex.min.css">
<link rel="stylesheet" href="assets/book.css">
</head>
<body>
${body}
<script src="assets/plotly.min.js"></script>
<script src="assets/book.js"></script>
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
    step ? `<a class="${rel}" rel="${rel}" href="${escapeHtml(step.slug)}.html">${label} ${escapeHtml(step.title)}</a>` : `<span class="${rel} none"></span>`;
  return `<nav class="steps">${link(prev, "prev", "←")}<a class="contents" href="index.html">Contents</a>${link(next, "next", "→")}</nav>`;
}

/** Renders one step's page; returns the HTML and the cells that failed or did not run. */
export function renderStepPage(steps: readonly Step[], index: number, tools: { markdown: (s: string) => string; highlight: (code: string) => string }): { html: string; issues: CellIssue[] } {
  const step = steps[index];
  let figures = 0;
  const ctx: OutputContext = { markdown: tools.markdown, nextFigureId: () => `figure-${++figures}` };
  const issues: CellIssue[] = [];
  const cells = step.notebook.cells.map((cell, i) => {
    const source = text(cell.source);
    if (cell.cell_type === "markdown") return `<section class="cell markdown">${tools.markdown(source)}</section>`;
    if (cell.cell_type !== "code") return `<section class="cell raw"><pre>${escapeHtml(source)}</pre></section>`;
    const problem = cellProblem(cell);
    if (problem) issues.push({ slug: step.slug, cell: i + 1, problem });
    const prompt = cell.execution_count == null ? "[ ]" : `[${cell.execution_count}]`;
    const outputs = mergeStreams(cell.outputs ?? []).map((o) => renderOutput(o, ctx)).join("\n");
    const flag = problem ? `<p class="cell-problem">This cell ${problem === "failed" ? "failed" : "did not run"} when the workbook was executed.</p>` : "";
    return `<section class="cell code${problem ? " problem" : ""}" id="cell-${i + 1}"><div class="prompt">${prompt}</div><div class="body">` +
      `<div class="source">${tools.highlight(source)}</div>${flag}${outputs ? `<div class="outputs">${outputs}</div>` : ""}</div></section>`;
  });
  const banner = issues.length === 0 ? "" :
    `<aside class="run-problems" role="alert"><strong>This notebook did not run cleanly.</strong> ` +
    issues.map((issue) => `<a href="#cell-${issue.cell}">cell ${issue.cell} ${issue.problem}</a>`).join(", ") + "</aside>";
  const nav = navigation(steps, index);
  const body = `<header class="site"><a href="index.html">${escapeHtml(SITE_TITLE)}</a> · step ${index + 1} of ${steps.length}</header>
${nav}
${modelNote(step.model)}
${banner}
<main>
${cells.join("\n")}
</main>
${nav}`;
  return { html: document(`${step.title} · ${SITE_TITLE}`, body), issues };
}

/** The table of contents: one line per step, with the model(s) behind the outputs. */
export function renderIndexPage(steps: readonly Step[], issues: readonly CellIssue[]): string {
  const items = steps.map((step, i) => {
    const broken = issues.some((issue) => issue.slug === step.slug) ? ` <span class="toc-problem">(did not run cleanly)</span>` : "";
    const summary = step.summary ? ` <span class="toc-summary">— ${escapeHtml(step.summary)}</span>` : "";
    return `<li><a href="${escapeHtml(step.slug)}.html"><span class="toc-number">${i + 1}.</span> ${escapeHtml(step.title)}</a>${summary}${broken}</li>`;
  });
  const models = [...new Map(steps.map((s) => [s.model.text, s.model])).values()].filter((m) => m.kind !== "unknown");
  const modelLines = models.length === 0 ? "" :
    `<aside class="model-note model-${models.some((m) => m.kind === "demo") ? "demo" : "checkpoint"}" role="note"><strong>Outputs in this book were produced with:</strong>` +
    `<ul>${models.map((m) => `<li class="model-line">${escapeHtml(m.text)}</li>`).join("")}</ul></aside>`;
  const body = `<header class="site"><a href="index.html">${escapeHtml(SITE_TITLE)}</a></header>
<main>
<h1>${escapeHtml(SITE_TITLE)}</h1>
<p>The sentiment-analysis pipeline taken apart, one step per page. Every page shows the notebook's code and the outputs it produced when the workbook was last run.</p>
${modelLines}
<ol class="toc">
${items.join("\n")}
</ol>
</main>`;
  return document(SITE_TITLE, body);
}
