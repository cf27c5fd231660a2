import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { Env } from "./choice";

/** The `name` in this project's package.json, which marks its root directory. */
const PACKAGE_NAME = "behind-the-pipeline";

let cachedRoot: string | undefined;

function isProjectRoot(dir: string): boolean {
  try {
    return JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")).name === PACKAGE_NAME;
  } catch {
    return false;
  }
}

/**
 * The project's root directory, found by walking up from this file to the package.json named
 * `behind-the-pipeline`, so it works from `src/` (tsx) and from `dist/` (notebooks) alike.
 */
export function projectRoot(): string {
  if (cachedRoot) return cachedRoot;
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    if (isProjectRoot(dir)) return (cachedRoot = dir);
    if (path.dirname(dir) === dir) break;
  }
  throw new Error(`Cannot find the project root (a package.json named "${PACKAGE_NAME}") above ${__dirname}; run from inside the project checkout`);
}

/** `build/`: everything generated (models, caches), git-ignored. */
export function buildDir(): string {
  return path.join(projectRoot(), "build");
}

/** `build/models/`: the demo model directories, and transformers.js's `env.localModelPath`. */
export function modelsDir(): string {
  return path.join(buildDir(), "models");
}

/** `~` and `~/…` as the home directory, like a shell would; anything else unchanged. */
export function expandHome(value: string): string {
  return value === "~" || value.startsWith("~/") ? path.join(os.homedir(), value.slice(1)) : value;
}

/**
 * Where transformers.js caches files downloaded from the Hub: `build/hf-cache/`, or the directory
 * `WORKBOOK_HF_CACHE` names (resolved like a `WORKBOOK_MODEL` path: relative to the project root, the tools having
 * already made it absolute from where the command was typed; blank counts as unset).
 */
export function hubCacheDir(env: Env = process.env): string {
  const requested = (env.WORKBOOK_HF_CACHE ?? "").trim();
  return requested ? path.resolve(projectRoot(), expandHome(requested)) : path.join(buildDir(), "hf-cache");
}

/** The directory a demo model is built into: `build/models/<name>/`. */
export function demoModelDir(name: string): string {
  if (!/^[\w.-]+$/.test(name) || name.startsWith(".")) throw new Error(`"${name}" is not a demo model name (letters, digits, "-", "_", "." only)`);
  return path.join(modelsDir(), name);
}
