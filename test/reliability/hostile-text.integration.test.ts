// Issue 9, item 4: user text that reaches HTML is inert. Hostile sentences, tokens, labels and titles go
// through every HTML the project emits — the token table, showTable's table, each figure builder's
// figureHtml, and the course site (`npm run book`) — and must come out as text: checked in the strings,
// by running the figure scripts in a sandbox, and in headless Chromium (no dialog, no script, no handler).
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import * as vm from "node:vm";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { buildSite, type SiteResult } from "../../scripts/book/site";
import { scoreScatter, temperatureFigure } from "../../src/plot/logits";
import {
  attentionHeatmap, figureBundle, figureHtml, heatmap, hiddenStateHeatmap, layerHeatmap, layerLines, probabilityBars,
  tableBundle, tokenRows, tokenTable, tokenTableHtml, tokenTableText, type Figure,
} from "../../src/plot";
import { createMarkdown } from "../../scripts/book/markdown";
import { skipFor } from "../helpers/skip";

/** Text a learner could type or a tokenizer could produce; each would open a dialog if it ever ran. */
const HOSTILE: readonly string[] = [
  `<script>alert("script")</script>`,
  `<img src=x onerror=alert("onerror")>`,
  `"><svg onload=alert("double-quote-breakout")>`,
  `'><img src=x onerror=alert('single-quote-breakout')>`,
  `</script><script>alert("script-breakout")</script>`,
  `<a href="javascript:alert('link')">click me</a>`,
  `javascript:alert('bare-url')`,
  `<iframe srcdoc="<script>parent.alert('iframe')</script>"></iframe>`,
  `<!--<script>alert("comment")</script>-->`,
  `\u2028\u2029</script><script>alert("line-separators")</script>`,
  `<b onmouseover=alert("hover")>bold</b>`,
  `%{customdata}<a href="javascript:alert('plotly-link')">x</a>`,
];

/** Markdown a notebook author (or a pasted snippet) could hold: links and images whose URL would run code. */
const HOSTILE_MARKDOWN: readonly string[] = [
  `[click](javascript:alert('md-link'))`,
  `[mixed case](JaVaScRiPt:alert('md-case'))`,
  `<javascript:alert('md-autolink')>`,
  `![picture](javascript:alert('md-image'))`,
  `[by reference][evil]\n\n[evil]: javascript:alert('md-reference')`,
  `[data](data:text/html,<script>alert('md-data')</script>)`,
  `[vb](vbscript:msgbox('md-vbscript'))`,
  `<a href="javascript:alert('md-raw-html')">raw</a>`,
  `$\\href{javascript:alert('katex-href')}{maths link}$`,
];

// ---------------------------------------------------------------------------------------------------
// What the project emits, with hostile text in every user-supplied string.

const tokens = ["[CLS]", ...HOSTILE, "[SEP]"];
const square = tokens.map((_, i) => tokens.map((__, j) => (i === j ? 0.5 : 0.5 / (tokens.length - 1))));
const labels = [HOSTILE[1], HOSTILE[5]];
const probabilities = HOSTILE.map((_, i) => [i / HOSTILE.length, 1 - i / HOSTILE.length]);
const title = HOSTILE[3];

/** Every figure builder, fed hostile labels, titles and value names. */
const FIGURES: Readonly<Record<string, Figure>> = {
  probabilityBars: probabilityBars(HOSTILE, labels, probabilities, { title }),
  attentionHeatmap: attentionHeatmap(square, tokens, { title }),
  hiddenStateHeatmap: hiddenStateHeatmap(tokens.map((_, i) => [i, -i, 0.5]), tokens, { title }),
  heatmap: heatmap([[1, 2], [3, 4]], { rowLabels: labels, columnLabels: [HOSTILE[0], HOSTILE[9]], title, xTitle: HOSTILE[4], yTitle: HOSTILE[2], valueName: HOSTILE[10] }),
  layerLines: layerLines([[1, 2], [3, 4], [5, 6]], { series: labels, layerLabels: HOSTILE.slice(0, 3), title, valueName: HOSTILE[11] }),
  layerHeatmap: layerHeatmap([[1, 2], [3, 4]], { series: [HOSTILE[6], HOSTILE[7]], layerLabels: [HOSTILE[8], HOSTILE[9]], title }),
  tokenTable: tokenTable(tokenRows(tokens, tokens.map((_, i) => 100 + i)), { title }),
  temperatureFigure: temperatureFigure([1, 2], labels, [0.5, 1, 2], { title }),
  scoreScatter: scoreScatter([{ name: HOSTILE[0], x: [1, 2], y: [3, 4], labels: [HOSTILE[4], HOSTILE[10]] }], { xTitle: HOSTILE[2], yTitle: HOSTILE[8], title }),
};

const tokenHtml = tokenTableHtml(tokenRows(tokens, tokens.map((_, i) => 100 + i), tokens.map((_, i) => (i < tokens.length - 2 ? 1 : 0))));
const table = tableBundle(HOSTILE.map((sentence, i) => ({ [HOSTILE[0]]: sentence, label: labels[i % 2], score: i / 10 })));

// ---------------------------------------------------------------------------------------------------
// String-level checks.

/** Tag names that open or close elements in `html`. */
function tagNames(html: string): Set<string> {
  return new Set([...html.matchAll(/<\/?([a-z][a-z0-9-]*)/gi)].map((m) => m[1].toLowerCase()));
}

/** Each start tag's attributes as [name, decoded value], read the way an HTML parser splits them. */
function attributes(html: string): [string, string][] {
  const found: [string, string][] = [];
  for (const tag of html.matchAll(/<[a-z][a-z0-9-]*((?:\s+[^\s"'=<>\/]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+))?)*)\s*\/?>/gi)) {
    for (const m of tag[1].matchAll(/([^\s"'=<>\/]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g)) {
      found.push([m[1].toLowerCase(), visibleText(m[2] ?? m[3] ?? m[4] ?? "")]);
    }
  }
  return found;
}

/** Problems that would make markup live: event-handler attributes, script URLs, and injected elements. */
function liveMarkup(html: string): string[] {
  const problems: string[] = [];
  for (const [name, value] of attributes(html)) {
    if (name.startsWith("on")) problems.push(`event handler ${name}="${value}"`);
    if (/^(?:href|src|action|formaction|xlink:href|data)$/.test(name) && /^(?:javascript|vbscript|data:text)/i.test(value.replace(/[\u0000-\u0020]/g, ""))) {
      problems.push(`script URL ${name}="${value}"`);
    }
    if (name === "srcdoc") problems.push(`srcdoc="${value}"`);
  }
  for (const tag of ["iframe", "object", "embed", "svg", "img", "b"]) if (tagNames(html).has(tag)) problems.push(`<${tag}> element`);
  return problems;
}

/** `html` without tags and with entities decoded: what a reader sees. */
function visibleText(html: string): string {
  return html.replace(/<[^>]*>/g, "").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, "&");
}

test("control: the string checks flag the hostile text when it is pasted into HTML unescaped", () => {
  const flagged = HOSTILE.filter((text) => liveMarkup(`<td>${text}</td>`).length > 0 || tagNames(text).has("script") || tagNames(text).has("iframe"));
  // Only the bare `javascript:` text is harmless outside an attribute; the check must flag all the others.
  assert.deepEqual(HOSTILE.filter((text) => !flagged.includes(text)), ["javascript:alert('bare-url')"]);
  assert.deepEqual(liveMarkup(`<a href="${HOSTILE[6]}">x</a>`), [`script URL href="${HOSTILE[6]}"`]);
});

test("hostile tokens in the HTML token table are text: only table tags, every token shown as typed", () => {
  assert.deepEqual([...tagNames(tokenHtml)].sort(), ["table", "tbody", "td", "th", "thead", "tr"]);
  assert.deepEqual(liveMarkup(tokenHtml), []);
  for (const token of HOSTILE) assert.ok(visibleText(tokenHtml).includes(token), `token shown literally: ${token}`);
  for (const token of HOSTILE) assert.ok(tokenTableText(tokenRows([token], [1])).includes(JSON.stringify(token)), "the text face quotes it");
});

test("hostile sentences and column names in showTable's HTML are text: only table tags, every value shown as typed", () => {
  assert.deepEqual([...tagNames(table.html)].sort(), ["table", "tbody", "td", "th", "thead", "tr"]);
  assert.deepEqual(liveMarkup(table.html), []);
  for (const sentence of HOSTILE) assert.ok(visibleText(table.html).includes(sentence), `sentence shown literally: ${sentence}`);
});

/** Runs a figure's script in a sandbox with stand-ins for the DOM and Plotly; returns what it drew and whether anything else ran. */
function runFigureScript(html: string, id: string): { drawn: { data: unknown; layout: unknown }[]; alerts: number } {
  const scripts = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1]);
  assert.equal(scripts.length, 1, "one script element, closed where figureHtml closes it");
  const drawn: { data: unknown; layout: unknown }[] = [];
  let alerts = 0;
  const element = { textContent: "" };
  const alert = () => void alerts++;
  const window = { alert, Plotly: { newPlot: (_el: unknown, data: unknown, layout: unknown) => void drawn.push({ data, layout }) } };
  vm.runInNewContext(scripts[0], { window, alert, document: { getElementById: (wanted: string) => (wanted === id ? element : null) }, setTimeout: () => 0 });
  // Objects made inside the sandbox have its prototypes: compare them as plain JSON.
  return { drawn: JSON.parse(JSON.stringify(drawn)), alerts };
}

for (const [name, figure] of Object.entries(FIGURES)) {
  test(`hostile labels in ${name}'s figure HTML stay inside the figure JSON: one script, no tags, drawn with the labels unchanged`, () => {
    const html = figureHtml(figure, { id: "figure-under-test" });
    assert.deepEqual([...tagNames(html)].sort(), ["div", "script"]);
    assert.deepEqual(liveMarkup(html), []);
    const { drawn, alerts } = runFigureScript(html, "figure-under-test");
    assert.equal(alerts, 0);
    assert.equal(drawn.length, 1, "the script drew the figure");
    // The labels reach Plotly exactly as the builder made them (Plotly-escaped), so Plotly shows them as text.
    assert.deepEqual(drawn[0], JSON.parse(JSON.stringify({ data: figure.data, layout: figure.layout })));
    assert.doesNotMatch(JSON.stringify(figure), /<(script|img|svg|iframe|a|b)\b/i, "no label reaches Plotly as markup it would draw");
  });
}

test("the course site's markdown shows links and images with script URLs as text only", () => {
  const markdown = createMarkdown();
  for (const source of HOSTILE_MARKDOWN) {
    const html = markdown(source);
    assert.deepEqual(liveMarkup(html).filter((problem) => !problem.startsWith("<svg")), [], source);
    assert.doesNotMatch(html, /<a [^>]*href="\s*(javascript|vbscript|data):/i, source);
  }
  assert.match(markdown("[next step](02-tokenizer.ipynb) and [docs](https://huggingface.co/docs)"), /href="02-tokenizer\.html".*href="https:\/\/huggingface\.co\/docs"/, "safe links still work");
});

// ---------------------------------------------------------------------------------------------------
// The course site, built from an executed notebook full of hostile text.

const lines = (text: string): string[] => text.split(/(?<=\n)/);
const display = (data: Record<string, unknown>) => ({
  output_type: "display_data", metadata: {},
  data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, typeof v === "string" ? lines(v) : v])),
});

/** An executed notebook with hostile text in its title, prose, code, every output type and its model banner. */
function hostileNotebook(): Record<string, unknown> {
  const everything = HOSTILE.join("\n");
  const tokensShown = tokenRows(tokens, tokens.map((_, i) => 100 + i));
  return {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: "tslab", display_name: "TypeScript" }, workbook: { model: `Model: ${HOSTILE[1]}` } },
    cells: [
      { cell_type: "markdown", id: "title", metadata: {}, source: lines(`# Hostile ${HOSTILE[1]}\n\n${HOSTILE.join("\n\n")}\n\n${HOSTILE_MARKDOWN.join("\n\n")}\n`) },
      {
        cell_type: "code", id: "code", execution_count: 1, metadata: {}, source: lines(`const sentences = ${JSON.stringify(HOSTILE)};\n// ${HOSTILE[0]}`),
        outputs: [
          { output_type: "stream", name: "stdout", text: lines(`${everything}\n`) },
          { output_type: "stream", name: "stderr", text: lines(`${everything}\n`) },
          { output_type: "execute_result", execution_count: 1, metadata: {}, data: { "text/plain": lines(everything) } },
          display(figureBundle(FIGURES.probabilityBars)),
          display(figureBundle(FIGURES.attentionHeatmap)),
          display({ "text/html": tokenTableHtml(tokensShown), "text/plain": tokenTableText(tokensShown) }),
          display({ "text/html": table.html, "text/plain": table.text }),
          display({ "text/markdown": `${HOSTILE.join("\n\n")}\n\n${HOSTILE_MARKDOWN.join("\n\n")}` }),
        ],
      },
      {
        cell_type: "code", id: "fails", execution_count: 2, metadata: { tags: ["raises-exception"] }, source: lines("throw new Error(sentences[0]);"),
        outputs: [{ output_type: "error", ename: HOSTILE[0], evalue: HOSTILE[1], traceback: [...HOSTILE] }],
      },
    ],
  };
}

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "hostile-text-"));
let site: SiteResult;
/** A file name a notebook could have: the slug ends up in links and titles. */
const HOSTILE_SLUG = `02-x"><img src=x onerror=alert('slug')>`;

before(async () => {
  const executed = path.join(scratch, "executed");
  fs.mkdirSync(executed);
  fs.writeFileSync(path.join(executed, "01-hostile.ipynb"), JSON.stringify(hostileNotebook(), null, 1));
  const second = hostileNotebook();
  (second.cells as { source: string[] }[])[0].source = ["# Second step\n", "\n", `${HOSTILE[2]}\n`];
  fs.writeFileSync(path.join(executed, `${HOSTILE_SLUG}.ipynb`), JSON.stringify(second, null, 1));
  site = await buildSite(executed, path.join(scratch, "book"));
});
after(() => fs.rmSync(scratch, { recursive: true, force: true }));

/** Every script element of a book page: the two site scripts and one JSON spec per figure, nothing else. */
function bookScripts(html: string): string[] {
  return [...html.matchAll(/<script\b[^>]*>/gi)].map((m) => m[0]);
}

test("the course site shows hostile text from titles, prose, code, outputs, banners and file names as text", () => {
  assert.deepEqual(site.pages.sort(), ["01-hostile.html", `${HOSTILE_SLUG}.html`, "index.html"].sort());
  for (const page of site.pages) {
    const html = fs.readFileSync(path.join(site.outDir, page), "utf8");
    // KaTeX draws its error box and the token table its rows with ordinary tags; <svg> only comes from KaTeX's own glyphs.
    assert.deepEqual(liveMarkup(html).filter((problem) => problem !== "<svg> element" || !html.includes('class="katex')), [], page);
    for (const script of bookScripts(html)) {
      assert.match(script, /^<script (src="assets\/(plotly\.min|book)\.js"|type="application\/json" id="figure-\d+-spec")>$/, `${page}: only the site's own script elements`);
    }
    assert.doesNotMatch(html, /<a [^>]*href="\s*(javascript|vbscript|data):/i, page);
  }
  const step = fs.readFileSync(path.join(site.outDir, "01-hostile.html"), "utf8");
  assert.equal(bookScripts(step).length, 2 + 2, "two site scripts and the two figures' JSON");
  for (const text of HOSTILE) assert.ok(visibleText(step).includes(text), `shown literally on the page: ${JSON.stringify(text)}`);
});

// ---------------------------------------------------------------------------------------------------
// In Chromium: load the pages, draw and hover every figure, and watch for anything that runs.

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
  "--disable-component-update", "--disable-sync"];
const noBrowser = fs.existsSync(CHROMIUM) ? undefined : `Chromium not found at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`;

/** How long a page may take to load and draw its figures: seconds normally, far more on a loaded machine. */
const PAGE_TIMEOUT_MS = 120_000;

let context: BrowserContext | undefined;
const profile = fs.mkdtempSync(path.join(os.tmpdir(), "hostile-chromium-"));
before(async () => {
  if (noBrowser) return;
  context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: FLAGS });
  // Every wait and action without a bound of its own gets the generous one too, not Playwright's 30 s.
  context.setDefaultTimeout(PAGE_TIMEOUT_MS);
  context.setDefaultNavigationTimeout(PAGE_TIMEOUT_MS);
});
after(async () => {
  await context?.close();
  fs.rmSync(profile, { recursive: true, force: true });
});

/** What ran on a page that should have run nothing of the hostile text. */
interface PageReport {
  dialogs: string[];
  pageErrors: string[];
  /** Elements with an on* attribute, iframes/objects/embeds, and links or sources with a script URL. */
  liveElements: string[];
  figures: number;
  drawn: number;
  text: string;
}

/** Opens `file`, waits for its figures, hovers a point of each, clicks every in-page link, and reports. */
async function inspectPage(file: string): Promise<PageReport> {
  const page: Page = await context!.newPage();
  const report = { dialogs: [] as string[], pageErrors: [] as string[] };
  page.on("dialog", (dialog) => { report.dialogs.push(dialog.message()); void dialog.dismiss(); });
  page.on("pageerror", (error) => report.pageErrors.push(error.message));
  await page.route(/^(https?|wss?|ftp):/, (route) => route.abort());
  try {
    await page.goto(pathToFileURL(file).href, { waitUntil: "load", timeout: PAGE_TIMEOUT_MS });
    const figures = await page.locator(".figure, .btp-figure").count();
    await page.waitForFunction((n) => document.querySelectorAll(".js-plotly-plot .main-svg").length >= n, figures, { timeout: PAGE_TIMEOUT_MS });
    // Hover labels render the hover templates with the sentences and tokens in them.
    await page.evaluate(() => {
      const plotly = (window as unknown as { Plotly: { Fx: { hover: (el: Element, points: object[]) => void } } }).Plotly;
      for (const el of Array.from(document.querySelectorAll(".js-plotly-plot"))) {
        try {
          plotly.Fx.hover(el, [{ curveNumber: 0, pointNumber: 1 }]);
        } catch {
          // a figure kind without hover points
        }
      }
    });
    await page.evaluate(() => document.querySelectorAll<HTMLElement>('a[href^="#"], .unsafe-link').forEach((a) => a.click()));
    await page.waitForTimeout(400);
    const found = await page.evaluate(() => {
      const live: string[] = [];
      for (const el of Array.from(document.querySelectorAll("*"))) {
        for (const attribute of el.getAttributeNames()) if (attribute.startsWith("on")) live.push(`${el.tagName} ${attribute}`);
        if (["IFRAME", "OBJECT", "EMBED"].includes(el.tagName)) live.push(el.tagName);
        for (const attribute of ["href", "src", "xlink:href", "action"]) {
          const value = el.getAttribute(attribute)?.replace(/[\u0000-\u0020]/g, "") ?? "";
          if (/^(javascript|vbscript|data:text)/i.test(value)) live.push(`${el.tagName} ${attribute}=${value}`);
        }
      }
      return { live, drawn: document.querySelectorAll(".js-plotly-plot").length, text: document.body.innerText };
    });
    return { ...report, liveElements: found.live, figures, drawn: found.drawn, text: found.text };
  } finally {
    await page.close();
  }
}

test("in Chromium, a notebook-output page with every hostile figure, token table and table runs nothing", { skip: skipFor(noBrowser) }, async () => {
  const [first, ...rest] = Object.values(FIGURES);
  const body = [figureHtml(first, { includePlotly: true }), ...rest.map((figure) => figureHtml(figure)), tokenHtml, table.html].join("\n");
  const file = path.join(scratch, "outputs.html");
  fs.writeFileSync(file, `<!doctype html><html><head><meta charset="utf-8"><title>outputs</title></head><body>${body}</body></html>`);
  const report = await inspectPage(file);
  assert.deepEqual({ dialogs: report.dialogs, pageErrors: report.pageErrors, liveElements: report.liveElements }, { dialogs: [], pageErrors: [], liveElements: [] });
  assert.equal(report.drawn, Object.keys(FIGURES).length, "every figure was drawn");
  for (const text of HOSTILE) assert.ok(report.text.includes(text.replace(/\s+/g, " ").trim()) || report.text.includes(text), `shown as text: ${JSON.stringify(text)}`);
});

test("in Chromium, control: the same text pasted unescaped opens a dialog and is reported", { skip: skipFor(noBrowser) }, async () => {
  const file = path.join(scratch, "control.html");
  fs.writeFileSync(file, `<!doctype html><html><head><meta charset="utf-8"></head><body>${HOSTILE[1]}<a href="${HOSTILE[6]}" id="x">x</a></body></html>`);
  const report = await inspectPage(file);
  assert.deepEqual(report.dialogs, ["onerror"]);
  assert.deepEqual(report.liveElements, ["IMG onerror", `A href=${HOSTILE[6].replace(/ /g, "")}`]);
});

test("in Chromium, every page of the hostile course site runs nothing", { skip: skipFor(noBrowser) }, async () => {
  for (const page of site.pages) {
    const report = await inspectPage(path.join(site.outDir, page));
    assert.deepEqual({ dialogs: report.dialogs, pageErrors: report.pageErrors, liveElements: report.liveElements }, { dialogs: [], pageErrors: [], liveElements: [] }, page);
    assert.equal(report.drawn, report.figures, `${page}: every figure was drawn`);
  }
});

// ---------------------------------------------------------------------------------------------------
// Issue 14, item 4: outputs that carry their own HTML, SVG and execution counts, and notebook file names that
// are URLs. Jupyter does not trust outputs of a notebook it did not run; neither does the course site.

/** Raw HTML outputs a notebook could produce (any library's _repr_html_, or a learner's display call). */
const RAW_HTML: readonly string[] = [
  `<script>alert("html-script")</script><p>kept paragraph</p>`,
  `<img src=x onerror=alert("html-onerror")><b onmouseover=alert("html-hover")>bold kept</b>`,
  `<a href="javascript:alert('html-link')">html link</a><a href=" jav&#x09;ascript:alert('html-tab')">tab link</a>`,
  `<iframe srcdoc="<script>parent.alert('html-iframe')</script>"></iframe><object data="javascript:alert('obj')"></object>`,
  `<form action="javascript:alert('form')"><button>go</button></form><meta http-equiv="refresh" content="0;url=javascript:alert('meta')">`,
  `<style>.run-problems, .model-note { display: none !important }</style><div style="position:fixed;inset:0;background:white">cover</div>`,
  `<svg onload=alert("inline-svg")><script>alert("svg-script")</script><a xlink:href="javascript:alert('svg-link')"><text>t</text></a></svg>`,
  `<base href="https://example.org/"><link rel=stylesheet href="https://example.org/x.css">`,
  `<table><tr><td>unclosed table cell</td>`,
  `</main></body></html><script>alert("close-page")</script>`,
  `<!-- an HTML comment that never ends`,
];
const SVG_OUTPUT = `<svg xmlns="http://www.w3.org/2000/svg" onload="alert('svg-onload')" width="20" height="20"><script>alert('svg-output-script')</script><rect width="20" height="20"/></svg>`;
const AFTER_COMMENT = "This prose follows an HTML output with an unterminated comment.";
/** File names that are URLs to a browser: a script scheme, a query, a fragment, a percent sign. */
const URL_SLUGS = ["03-javascript:alert('slug-link')", "04-what?is=this#frag", "05-100%25 sure %"];

function rawOutputsNotebook(count: unknown): Record<string, unknown> {
  return {
    nbformat: 4, nbformat_minor: 5,
    metadata: { kernelspec: { name: "tslab", display_name: "TypeScript" } },
    cells: [
      { cell_type: "markdown", id: "t", metadata: {}, source: ["# Raw outputs\n"] },
      {
        cell_type: "code", id: "c", execution_count: count, metadata: {}, source: ["display(html)"],
        outputs: [...RAW_HTML.map((html) => display({ "text/html": html })), display({ "image/svg+xml": SVG_OUTPUT })],
      },
      { cell_type: "markdown", id: "after", metadata: {}, source: [AFTER_COMMENT] },
    ],
  };
}

let rawSite: SiteResult;
before(async () => {
  const executed = path.join(scratch, "raw-executed");
  fs.mkdirSync(executed);
  fs.writeFileSync(path.join(executed, "01-raw.ipynb"), JSON.stringify(rawOutputsNotebook(`<img src=x onerror=alert('count')>`), null, 1));
  fs.writeFileSync(path.join(executed, "02-count.ipynb"), JSON.stringify(rawOutputsNotebook({ toString: "x" }), null, 1));
  for (const slug of URL_SLUGS) fs.writeFileSync(path.join(executed, `${slug}.ipynb`), JSON.stringify(rawOutputsNotebook(7), null, 1));
  rawSite = await buildSite(executed, path.join(scratch, "raw-book"));
});

/** Elements and attributes of a page that could run or load something, other than the site's own scripts. */
function liveInPage(html: string): string[] {
  const live: string[] = [];
  for (const [name, value] of attributes(html)) {
    if (name.startsWith("on")) live.push(`handler ${name}`);
    if (/^(?:href|src|action|formaction|xlink:href|data)$/.test(name) && /^(?:javascript|vbscript|data:text)/i.test(value.replace(/[\u0000-\u0020]/g, ""))) live.push(`${name}=${value}`);
    if (name === "srcdoc" || name === "http-equiv") live.push(name);
  }
  for (const tag of ["iframe", "object", "embed", "form", "base", "style", "meta", "link", "script"]) {
    if (tagNames(html).has(tag)) live.push(`<${tag}>`);
  }
  return live;
}

test("HTML and SVG outputs are sanitised: no script, handler, script URL, frame, form, style or remote load survives", () => {
  for (const page of rawSite.pages) {
    const html = fs.readFileSync(path.join(rawSite.outDir, page), "utf8");
    // The body without the site's own script elements (checked just below).
    const body = html.slice(html.indexOf("<body>")).replace(/<script (src="assets\/(plotly\.min|book)\.js"|type="application\/json" id="figure-\d+-spec")>/g, "");
    assert.deepEqual(liveInPage(body.replace(/<\/script>/g, "")), [], page);
    for (const script of bookScripts(html)) assert.match(script, /^<script (src="assets\/(plotly\.min|book)\.js"|type="application\/json" id="figure-\d+-spec")>$/, page);
    assert.doesNotMatch(body, /https:\/\/example\.org/, `${page}: nothing loads from the network`);
  }
  const page = fs.readFileSync(path.join(rawSite.outDir, "01-raw.html"), "utf8");
  assert.match(page, /<p>kept paragraph<\/p>/, "harmless markup is kept");
  assert.match(page, /<b>bold kept<\/b>/);
  assert.match(page, /<img alt="figure" src="data:image\/svg\+xml;base64,[A-Za-z0-9+/=]+">/, "an SVG output is shown through <img>, where it runs nothing");
});

test("an unterminated <!-- or a stray </main> in an output cannot hide or end the rest of the page", () => {
  const page = fs.readFileSync(path.join(rawSite.outDir, "01-raw.html"), "utf8");
  assert.ok(visibleText(page.slice(page.indexOf("<main>"))).includes(AFTER_COMMENT));
  assert.equal(page.match(/<!--/g), null, "no comment opener reaches the page");
  assert.equal(page.match(/<\/main>/g)?.length, 1, "only the page's own </main>");
  assert.equal(page.match(/<\/body>/g)?.length, 1);
});

test("the page's Content-Security-Policy runs only the site's own script files: no inline script, no script URL", () => {
  for (const page of rawSite.pages) {
    const html = fs.readFileSync(path.join(rawSite.outDir, page), "utf8");
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1] ?? "";
    const scriptSrc = /script-src ([^;]+)/.exec(csp)?.[1] ?? "";
    assert.equal(scriptSrc.trim(), "'self'", page);
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /base-uri 'none'/);
    assert.match(csp, /form-action 'none'/);
  }
});

test("an execution count of any type is shown as a number or not at all", () => {
  const first = fs.readFileSync(path.join(rawSite.outDir, "01-raw.html"), "utf8");
  assert.match(first, /<div class="prompt">\[\?\]<\/div>/);
  assert.doesNotMatch(first, /alert\('count'\)/);
  const third = fs.readFileSync(path.join(rawSite.outDir, `${URL_SLUGS[0]}.html`), "utf8");
  assert.match(third, /<div class="prompt">\[7\]<\/div>/);
});

test("notebook file names are URL-encoded in links: every link of the site leads to a page that exists", () => {
  let links = 0;
  for (const page of rawSite.pages) {
    const html = fs.readFileSync(path.join(rawSite.outDir, page), "utf8");
    const base = pathToFileURL(path.join(rawSite.outDir, page));
    for (const [, raw] of html.matchAll(/<a [^>]*href="([^"]*)"/g)) {
      const href = raw.replace(/&amp;/g, "&").replace(/&#39;/g, "'").replace(/&quot;/g, '"');
      const url = new URL(href, base);
      assert.equal(url.protocol, "file:", `${page}: ${href} stays on the site`);
      assert.ok(fs.existsSync(fileURLToPath(url)), `${page}: ${href} leads to ${fileURLToPath(url)}`);
      links++;
    }
  }
  assert.ok(links >= 2 * URL_SLUGS.length, `${links} links checked`);
});

test("in Chromium, the raw-output pages run nothing and show the prose after an unterminated comment", { skip: skipFor(noBrowser) }, async () => {
  for (const page of rawSite.pages) {
    const report = await inspectPage(path.join(rawSite.outDir, page));
    assert.deepEqual({ dialogs: report.dialogs, pageErrors: report.pageErrors, liveElements: report.liveElements }, { dialogs: [], pageErrors: [], liveElements: [] }, page);
    if (page !== "index.html") assert.ok(report.text.includes(AFTER_COMMENT), page);
  }
});
