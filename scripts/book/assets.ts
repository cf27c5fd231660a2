import * as fs from "node:fs";
import * as path from "node:path";
import { plotlyBundlePath } from "../../src/plot/plotly-bundle";

/** Copies the site's static files: one plotly.js, KaTeX's CSS and fonts, the book's own CSS and figure script. */
export function copyAssets(siteDir: string): void {
  const assets = path.join(siteDir, "assets");
  fs.mkdirSync(path.join(assets, "katex"), { recursive: true });
  fs.copyFileSync(plotlyBundlePath(), path.join(assets, "plotly.min.js"));
  const katexDist = path.dirname(require.resolve("katex/dist/katex.min.css"));
  fs.copyFileSync(path.join(katexDist, "katex.min.css"), path.join(assets, "katex", "katex.min.css"));
  // Only woff2 is listed first in KaTeX's @font-face rules, and every browser that runs plotly.js reads it.
  const fonts = path.join(assets, "katex", "fonts");
  fs.mkdirSync(fonts);
  for (const font of fs.readdirSync(path.join(katexDist, "fonts")).filter((f) => f.endsWith(".woff2"))) {
    fs.copyFileSync(path.join(katexDist, "fonts", font), path.join(fonts, font));
  }
  for (const file of ["book.css", "book.js"]) fs.copyFileSync(path.join(__dirname, "static", file), path.join(assets, file));
}
