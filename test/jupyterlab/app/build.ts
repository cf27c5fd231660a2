// Bundles the test page with esbuild: `node --import tsx build.ts OUTDIR` writes index.html, index.js, index.css,
// plotly-extension.js/.css and the font files into OUTDIR.
import * as esbuild from "esbuild";
import * as fs from "node:fs";
import { createRequire } from "node:module";
import * as path from "node:path";

const here = __dirname;

/**
 * JupyterLab is built with webpack, and its sources lean on two webpack habits that esbuild does not share:
 * CSS `@import "~package/…"`, and SVG files that are markup when JS imports them (LabIcon) but data URLs when CSS
 * points at them. esbuild picks loaders by extension, so this plugin picks by importer instead.
 */
const webpackHabits: esbuild.Plugin = {
  name: "jupyterlab-webpack-habits",
  setup(build) {
    build.onResolve({ filter: /^~/ }, (args) => {
      const request = args.path.slice(1);
      return { path: createRequire(path.join(args.resolveDir, "noop.js")).resolve(request) };
    });
    // FontAwesome asks for `fa-*.svg#fontawesome`: the fragment is not part of the file name.
    build.onResolve({ filter: /\.svg(#.*)?$/ }, (args) => {
      const file = args.path.replace(/#.*$/, "");
      // In CSS, url(icons/x.svg) is relative to the stylesheet; in JS, a bare name is a package.
      const resolved = args.kind === "url-token" || file.startsWith(".") || file.startsWith("/")
        ? path.resolve(args.resolveDir, file)
        : createRequire(path.join(args.resolveDir, "noop.js")).resolve(file);
      return { path: resolved, namespace: args.kind === "url-token" ? "svg-url" : "svg-text" };
    });
    build.onLoad({ filter: /.*/, namespace: "svg-url" }, (args) => ({ contents: fs.readFileSync(args.path), loader: "dataurl" }));
    build.onLoad({ filter: /.*/, namespace: "svg-text" }, (args) => ({ contents: fs.readFileSync(args.path, "utf8"), loader: "text" }));
  },
};

/** Builds the page into `outdir` (which must not exist yet), returning esbuild's metafile outputs. */
export async function buildPage(outdir: string): Promise<Record<string, { bytes: number }>> {
  const result = await esbuild.build({
    absWorkingDir: here,
    entryPoints: { index: "src/index.ts", "plotly-extension": "src/plotly-extension.ts" },
    outdir,
    bundle: true,
    format: "iife",
    platform: "browser",
    target: "chrome120",
    minify: true,
    metafile: true,
    logLevel: "warning",
    loader: { ".woff": "file", ".woff2": "file", ".ttf": "file", ".eot": "file", ".png": "dataurl", ".gif": "dataurl" },
    define: { "process.env.NODE_ENV": '"production"', "process.env": "{}", global: "window" },
    // The lockfile overrides plotly.js with its own prebuilt bundle (plotly.js-dist-min, same version), which
    // spares ~330 packages of plotly.js build tooling; jupyterlab-plotly asks for that bundle by its old path.
    alias: { "plotly.js/dist/plotly": "plotly.js/plotly.min.js" },
    plugins: [webpackHabits],
  });
  fs.copyFileSync(path.join(here, "index.html"), path.join(outdir, "index.html"));
  return result.metafile.outputs;
}

if (require.main === module) {
  const outdir = process.argv[2];
  if (!outdir) {
    console.error("usage: node --import tsx build.ts OUTDIR");
    process.exit(2);
  }
  buildPage(path.resolve(outdir)).then((outputs) => {
    for (const [file, { bytes }] of Object.entries(outputs)) console.log(`${(bytes / 1e6).toFixed(2)} MB  ${path.relative(process.cwd(), file)}`);
  }, (error: unknown) => {
    console.error((error as Error).message);
    process.exit(1);
  });
}
