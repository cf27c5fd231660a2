import * as fs from "node:fs";
import * as path from "node:path";
import { PLOTLY_BUNDLE_FILE } from "./plotly-traces";

let cachedSource: string | undefined;

/**
 * Path of the workbook's own partial plotly.js (vendor/plotly/, committed; never a CDN). The same relative path
 * works from src/plot (tsx) and dist/plot (notebooks): both sit two folders below the project root.
 */
export function plotlyBundlePath(): string {
  return path.join(__dirname, "..", "..", "vendor", "plotly", PLOTLY_BUNDLE_FILE);
}

/** plotly.js source made safe to inline in an HTML `<script>`: `</script` and `<!--` cannot end or confuse the element. */
export function inlinePlotlySource(): string {
  if (cachedSource === undefined) {
    let source: string;
    try {
      source = fs.readFileSync(plotlyBundlePath(), "utf8");
    } catch (error) {
      throw new Error(`plotly.js bundle missing at ${plotlyBundlePath()} (${(error as Error).message}); restore it with \`git checkout vendor/plotly\` or rebuild it with \`npm run plotly-bundle\``);
    }
    // `<\/` and `<\!` mean the same inside JS strings and regexps, but the HTML tokenizer no longer sees a tag or comment.
    cachedSource = source.replace(/<\/script/gi, "<\\/script").replace(/<!--/g, "<\\!--");
  }
  return cachedSource;
}

/**
 * A `<script>` that defines `window.Plotly` once per page from the inlined bundle. Its wrapper shadows `define`,
 * `module`, `exports` and `require`, so an AMD loader (classic Notebook's RequireJS) or a CommonJS shim on the page
 * cannot capture plotly.js; a page that already has Plotly skips the evaluation.
 */
export function plotlyLoaderScript(): string {
  return `<script>(function (define, module, exports, require) {\nif (window.Plotly) return;\n${inlinePlotlySource()}\n}).call(window);</script>`;
}
