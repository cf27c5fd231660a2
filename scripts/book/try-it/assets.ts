// The files the "try it" panel needs in the site: its own two scripts, transformers.js's web build, ONNX Runtime's
// WebAssembly build and the model files, all copied from this machine (node_modules, build/), so the site needs
// no network.
import * as fs from "node:fs";
import * as path from "node:path";
import { encodeModel, ONNX_TYPE } from "../../../src/onnx/proto";
import { PANEL_MODEL_FILES, type PanelModel } from "./model";

/** The panel's folder inside the site, relative to the site root. */
export const TRY_IT_DIR = "assets/try-it";

/** The panel's own browser code, shipped as written. */
const OWN_FILES = ["panel.js", "worker.js"] as const;

/**
 * The ONNX Runtime files the worker loads: the WASM-only bundle (what transformers.js imports; it holds the loader
 * of the plain build), and the plain SIMD binary (14 MB, where the default asyncify one is 27 MB). The worker names
 * only the binary in `wasmPaths`, so the bundle's own loader is used and ort-wasm-simd-threaded.mjs is not needed.
 */
const ORT_FILES = ["ort.wasm.bundle.min.mjs", "ort-wasm-simd-threaded.wasm"] as const;

/**
 * A one-node ONNX model (y = Identity(x), one float): the smallest a session can be made from. worker.js holds its
 * bytes (base64) and opens it first, to make ONNX Runtime compile its WebAssembly while the real model downloads.
 */
export function warmUpModel(): Uint8Array {
  const value = (name: string) => ({ name, type: { tensorType: { elemType: ONNX_TYPE.float32, shape: { dim: [{ dimValue: 1 }] } } } });
  return encodeModel({
    irVersion: 8,
    opsetImport: [{ domain: "", version: 13 }],
    graph: { name: "warm-up", node: [{ opType: "Identity", input: ["x"], output: ["y"] }], input: [value("x")], output: [value("y")] },
  });
}

/** transformers.js's web build imports these two packages by bare name, which a module worker cannot resolve. */
const BARE_IMPORTS = ['from"onnxruntime-web/webgpu"', 'from"onnxruntime-common"'] as const;

/** The package folders of transformers.js and the onnxruntime-web it depends on (its own pinned copy). */
function packageDirs(): { transformers: string; ortDist: string } {
  const transformers = path.resolve(path.dirname(require.resolve("@huggingface/transformers")), "..");
  const ortDist = path.dirname(require.resolve("onnxruntime-web/wasm", { paths: [transformers] }));
  return { transformers, ortDist };
}

/**
 * transformers.js's minified web build with its two bare imports pointed at ONNX Runtime's WASM bundle next to it
 * (which exports `Tensor` too). Throws if the build no longer has exactly those imports.
 */
export function transformersForWorker(source: string): string {
  let out = source;
  for (const bare of BARE_IMPORTS) {
    const count = out.split(bare).length - 1;
    if (count !== 1) {
      throw new Error(`transformers.web.min.js has ${count} imports of ${bare.slice(4)}, not 1: this version of @huggingface/transformers ` +
        "is not the one the try-it panel was written for; update BARE_IMPORTS in scripts/book/try-it/assets.ts");
    }
    out = out.replace(bare, 'from"./ort/ort.wasm.bundle.min.mjs"');
  }
  return out;
}

/** Copies a file, cloning it where the file system can (model weights are megabytes). */
function copy(from: string, to: string): number {
  fs.mkdirSync(path.dirname(to), { recursive: true });
  fs.copyFileSync(from, to, fs.constants.COPYFILE_FICLONE);
  return fs.statSync(to).size;
}

/** Bytes the panel adds to a site, by part. */
export interface TryItWeight {
  code: number;
  runtime: number;
  models: number;
}

/** Writes the panel's files into `siteDir` (the panel's scripts, the libraries, each model once); returns their bytes. */
export function copyTryItAssets(siteDir: string, models: readonly PanelModel[]): TryItWeight {
  const dir = path.join(siteDir, TRY_IT_DIR);
  const { transformers, ortDist } = packageDirs();
  const weight: TryItWeight = { code: 0, runtime: 0, models: 0 };
  for (const file of OWN_FILES) weight.code += copy(path.join(__dirname, "browser", file), path.join(dir, file));
  const library = transformersForWorker(fs.readFileSync(path.join(transformers, "dist", "transformers.web.min.js"), "utf8"));
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "transformers.web.min.js"), library);
  weight.runtime += Buffer.byteLength(library);
  for (const file of ORT_FILES) weight.runtime += copy(path.join(ortDist, file), path.join(dir, "ort", file));
  weight.runtime += copy(path.join(transformers, "LICENSE"), path.join(dir, "LICENSE.transformers.txt"));
  const seen = new Set<string>();
  for (const model of models) {
    if (seen.has(model.id)) continue;
    seen.add(model.id);
    for (const file of PANEL_MODEL_FILES) weight.models += copy(path.join(model.dir, file), path.join(dir, "models", ...model.id.split("/"), file));
  }
  return weight;
}
