/**
 * Builds the workbook's partial plotly.js: plotly's core plus the trace types the workbook draws, from plotly.js's
 * own `lib/` modules (its documented way of making a custom bundle), minified by esbuild.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { build } from "esbuild";
import { PLOTLY_TRACE_TYPES, PLOTLY_VERSION } from "../../src/plot/plotly-traces";

/** The entry module: `lib/core` (which has `scatter`) with every other trace type registered. */
export function entrySource(traces: readonly string[] = PLOTLY_TRACE_TYPES): string {
  const registered = traces.filter((trace) => trace !== "scatter");
  for (const trace of registered) if (!/^[a-z0-9]+$/.test(trace)) throw new Error(`"${trace}" is not a plotly.js trace module name`);
  return [
    `var Plotly = require("plotly.js/lib/core");`,
    `Plotly.register([${registered.map((trace) => `require("plotly.js/lib/${trace}")`).join(", ")}]);`,
    `module.exports = Plotly;`,
  ].join("\n");
}

/** The first lines of the bundle: what it is, and plotly.js's copyright and licence. */
export function bundleBanner(traces: readonly string[] = PLOTLY_TRACE_TYPES): string {
  return [
    "/**",
    `* plotly.js v${PLOTLY_VERSION}, partial bundle for this workbook: ${traces.join(", ")}`,
    "* built by scripts/plotly (npm run plotly-bundle) from plotly.js's lib/ modules",
    "* Copyright 2012-2026, Plotly, Inc.",
    "* All rights reserved.",
    "* Licensed under the MIT license",
    "*/",
  ].join("\n");
}

/** Bundles `entrySource()` against the plotly.js installed in `nodeModulesParent`/node_modules; returns the minified code. */
export async function buildPlotlyBundle(nodeModulesParent: string): Promise<string> {
  const installed = JSON.parse(fs.readFileSync(path.join(nodeModulesParent, "node_modules", "plotly.js", "package.json"), "utf8")) as { version: string };
  if (installed.version !== PLOTLY_VERSION) throw new Error(`plotly.js ${installed.version} is installed in ${nodeModulesParent}; the bundle is made from ${PLOTLY_VERSION}`);
  const result = await build({
    stdin: { contents: entrySource(), resolveDir: nodeModulesParent, sourcefile: "plotly-workbook-entry.js", loader: "js" },
    bundle: true,
    minify: true,
    format: "iife",
    globalName: "Plotly",
    // The same settings as plotly.js's own esbuild-config.js; CSS (only MapLibre's, for map traces) is left out.
    define: { global: "window", "define.amd": "false", "process.env.NODE_DEBUG": "false" },
    alias: { stream: "stream-browserify" },
    loader: { ".css": "empty" },
    target: "es2016",
    legalComments: "eof",
    banner: { js: bundleBanner() },
    footer: { js: "window.Plotly = Plotly;" },
    write: false,
    logLevel: "silent",
  });
  const [output] = result.outputFiles;
  if (!output) throw new Error("esbuild produced no output");
  return output.text;
}
