// Synthetic executed notebooks for the book's tests, made with the real figure builders so the JSON matches what
// show() emits. No kernel is needed: the outputs are written the way the runner writes them.
import * as fs from "node:fs";
import * as path from "node:path";
import type { TestContext } from "node:test";
import { formatWithOptions } from "node:util";
import { markOutputDir } from "../../scripts/output-dir";
import { main as bookMain } from "../../scripts/book/main";
import { lazyPageTools } from "../../scripts/book/site";
import { sourceSha256 } from "../../scripts/provenance";
import {
  attentionHeatmap, figureBundle, layerLines, probabilityBars, tokenRows, tokenTableHtml, tokenTableText,
} from "../../src/plot";

/**
 * One set of page tools (shiki, KaTeX, jsdom) for every site a test process builds: loading a set costs seconds of
 * CPU, and the unit files share their process. `npm run book` too renders every page of a build with one set.
 */
export const pageTools = lazyPageTools();

/**
 * `npm run book` with `args`, in this process: its exit code and what it printed. A new process would load tsx, shiki,
 * KaTeX and jsdom again, seconds of CPU per call; book-command.integration.test.ts runs the real command.
 */
export async function runBook(t: TestContext, args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  const out = { stdout: "", stderr: "" };
  const capture = (stream: keyof typeof out) => (...items: unknown[]) => { out[stream] += `${formatWithOptions({ colors: false }, ...items)}\n`; };
  const log = t.mock.method(console, "log", capture("stdout"));
  const error = t.mock.method(console, "error", capture("stderr"));
  try {
    return { status: await bookMain(args, pageTools), ...out };
  } finally {
    log.mock.restore();
    error.mock.restore();
  }
}

export const HOSTILE = "<img src=x onerror=alert(1)>";
export const DEMO_BANNER = "Model: offline demo model tiny-distilbert in build/demo-models/tiny (no network): a demo with the course's shapes, whose numbers differ from the course.";
export const HUB_BANNER = "Model: Xenova/distilbert-base-uncased-finetuned-sst-2-english, the course's checkpoint (Hugging Face Hub).";

type Json = Record<string, unknown>;
let cellCounter = 0;

const lines = (text: string): string[] => text.split(/(?<=\n)/);
const markdown = (source: string): Json => ({ cell_type: "markdown", id: `m${++cellCounter}`, metadata: {}, source: lines(source) });
const code = (count: number | null, source: string, outputs: Json[]): Json => ({
  cell_type: "code", id: `c${++cellCounter}`, execution_count: count, metadata: {}, outputs, source: lines(source),
});
const stdout = (text: string): Json => ({ output_type: "stream", name: "stdout", text: lines(text) });
const stderr = (text: string): Json => ({ output_type: "stream", name: "stderr", text: lines(text) });
const display = (data: Record<string, unknown>): Json => ({
  output_type: "display_data", metadata: {},
  data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, typeof v === "string" ? lines(v) : v])),
});
const notebook = (cells: Json[]): Json => ({
  cells,
  metadata: { kernelspec: { display_name: "TypeScript", language: "typescript", name: "tslab" }, language_info: { name: "typescript" } },
  nbformat: 4, nbformat_minor: 5,
});

const sentences = ["I've been waiting for a HuggingFace course my whole life.", HOSTILE];
const tokens = ["[CLS]", "i", HOSTILE, "[SEP]", "[PAD]", "[PAD]"];

/** A clean two-step course: softmax (demo model, bars + token table) and attention (hub model, heatmap + lines). */
export function cleanCourse(): Record<string, Json> {
  const rows = tokenRows(tokens, [101, 1045, 1026, 102, 0, 0], [1, 1, 1, 1, 0, 0]);
  const attention = [
    [0.4, 0.2, 0.2, 0.2, 0, 0], [0.1, 0.5, 0.2, 0.2, 0, 0], [0.25, 0.25, 0.25, 0.25, 0, 0],
    [0.3, 0.3, 0.2, 0.2, 0, 0], [0.25, 0.25, 0.25, 0.25, 0, 0], [0.25, 0.25, 0.25, 0.25, 0, 0],
  ];
  return {
    "01-softmax": notebook([
      markdown("# From logits to probabilities\n\nSoftmax turns the two logits of each sentence into probabilities that sum to one.\n\n$$\\mathrm{softmax}(z)_i = \\frac{e^{z_i}}{\\sum_j e^{z_j}}$$\n\nInline maths such as $p_i \\in (0, 1)$ works too. <script>alert('markdown')</script>"),
      code(1, 'import { loadModel } from "../dist";\nconst model = await loadModel();', [stdout(`${DEMO_BANNER}\n`)]),
      code(2, "show(probabilityBars(sentences, labels, probabilities));", [display(figureBundle(probabilityBars(sentences, ["NEGATIVE", "POSITIVE"], [[0.0402, 0.9598], [0.9995, 0.0005]], { title: "probabilities" })))]),
      markdown("The tokens, with padding greyed out:"),
      code(3, "showTokens(tokenRows(tokens, ids, mask));", [display({ "text/html": tokenTableHtml(rows), "text/plain": tokenTableText(rows) })]),
      code(4, "console.warn('dtype not specified; using fp32');", [stderr("dtype not specified; using fp32\n")]),
    ]),
    "02-attention": notebook([
      markdown("# Attention\n\nEach row shows where one token looks."),
      code(1, "console.log(banner);\nconsole.log('12 layers');", [stdout(`${HUB_BANNER}\n`), stdout("12 layers\n")]),
      code(2, "show(attentionHeatmap(weights, tokens));", [display(figureBundle(attentionHeatmap(attention, tokens)))]),
      code(3, "show(layerLines(norms, { series: tokens }));", [display(figureBundle(layerLines([[1, 2, 3, 4, 5, 6], [2, 3, 4, 5, 6, 7]], { series: tokens, title: "norm per layer" })))]),
    ]),
  };
}

/** A notebook whose second cell failed (a TypeScript diagnostic on stderr) so the third never ran. */
export function failingCourse(): Record<string, Json> {
  return {
    "01-broken": notebook([
      markdown("# A step that breaks\n\nThe second cell has a type error."),
      code(1, "console.log('Model: offline demo model tiny');", [stdout("Model: offline demo model tiny\n")]),
      code(2, "const n: number = 'one';", [stderr("1:7 - Type 'string' is not assignable to type 'number'.\n")]),
      code(null, "console.log(n);", []),
    ]),
  };
}

/** The committed source of an executed notebook: no outputs, no execution counts, no runner metadata. */
export function sourceText(nb: Json): string {
  const cells = (nb.cells as Json[]).map((cell) => (cell.cell_type === "code" ? { ...cell, execution_count: null, outputs: [] } : cell));
  const { workbook: _, ...metadata } = nb.metadata as Json;
  return `${JSON.stringify({ ...nb, cells, metadata }, null, 1)}\n`;
}

/** Writes the sources of a course into `dir` (as committed in notebooks/); returns the dir. */
export function writeSources(dir: string, course: Record<string, Json>): string {
  fs.mkdirSync(dir, { recursive: true });
  for (const [slug, nb] of Object.entries(course)) fs.writeFileSync(path.join(dir, `${slug}.ipynb`), sourceText(nb));
  return dir;
}

/** True when a code cell's outputs hold an error or a TypeScript diagnostic on stderr. */
function cellFailed(cell: Json): boolean {
  return (Array.isArray(cell.outputs) ? (cell.outputs as Json[]) : []).some((o) => o.output_type === "error" || (o.name === "stderr" && /^\d+:\d+ - /m.test(([] as string[]).concat(o.text as string[]).join(""))));
}

/**
 * Writes notebooks as the runner does (its marker on the folder, one-space indented JSON, `metadata.workbook` per contract 1 with the hash
 * of `sourceText`) into `dir`; `provenance: false` leaves the metadata out, as an older runner did. Returns the dir.
 */
export function writeCourse(dir: string, course: Record<string, Json>, options: { provenance?: boolean } = {}): string {
  fs.mkdirSync(dir, { recursive: true });
  markOutputDir(dir, "npm run workbook");
  for (const [slug, nb] of Object.entries(course)) {
    const failed = (nb.cells as Json[]).filter((c) => c.cell_type === "code" && cellFailed(c)).map((c) => c.execution_count as number);
    const workbook = { source_sha256: sourceSha256(Buffer.from(sourceText(nb))), outcome: failed.length > 0 ? "failed" : "ok", failed_cells: failed };
    const metadata = options.provenance === false ? nb.metadata : { ...(nb.metadata as Json), workbook: { ...((nb.metadata as Json).workbook as Json | undefined), ...workbook } };
    fs.writeFileSync(path.join(dir, `${slug}.ipynb`), `${JSON.stringify({ ...nb, metadata }, null, 1)}\n`);
  }
  return dir;
}
