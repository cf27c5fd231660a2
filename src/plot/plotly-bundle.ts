import * as fs from "node:fs";

let cachedSource: string | undefined;

/** Path of the local minified plotly.js shipped by the `plotly.js-dist-min` package (never a CDN). */
export function plotlyBundlePath(): string {
  return require.resolve("plotly.js-dist-min/plotly.min.js");
}

/** plotly.js source made safe to inline in an HTML `<script>`: `</script` and `<!--` cannot end or confuse the element. */
export function inlinePlotlySource(): string {
  // `<\/` and `<\!` mean the same inside JS strings and regexps, but the HTML tokenizer no longer sees a tag or comment.
  cachedSource ??= fs.readFileSync(plotlyBundlePath(), "utf8").replace(/<\/script/gi, "<\\/script").replace(/<!--/g, "<\\!--");
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
