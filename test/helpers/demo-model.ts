/**
 * The one way tests get an offline demo model: built on first use into build/models/<name>/ (as
 * `npm run demo-models` does) under a lock, so test files running in parallel never build the same model twice
 * or read one half-written, and a test file run alone never skips for want of `npm run demo-models`.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { DEMO_MODELS, SENTIMENT_DEMO_MODEL_NAME } from "../../src/demo-models";
// The two modules, not src/model's index: that loads transformers.js, which the test driver does not need.
import { ensureDemoModel } from "../../src/model/demo-model";
import { demoModelDir, modelsDir, projectRoot } from "../../src/model/paths";
import { withLockSync } from "./lock";

/** Each file of a verified model directory, as stat saw it right after the check (path → "ino size mtime"). */
const verified = new Map<string, Map<string, string>>();

function statsOf(dir: string): Map<string, string> {
  const stats = new Map<string, string>();
  for (const file of fs.readdirSync(dir, { recursive: true }) as string[]) {
    const stat = fs.statSync(path.join(dir, file));
    if (stat.isFile()) stats.set(file, `${stat.ino} ${stat.size} ${stat.mtimeMs}`);
  }
  return stats;
}

/**
 * The directory of the demo model `name` (default: the sentiment demo model), built or repaired if needed. The
 * full check hashes every file (a tenth of a second for the larger models); unit files share a process and ask
 * for the same models again and again, so a model checked in this process is checked again only if a file in it
 * was replaced, resized or touched since.
 */
export function demoModel(name: string = SENTIMENT_DEMO_MODEL_NAME): string {
  return withLockSync(path.join(modelsDir(), `.${name}.lock`), () => {
    const known = verified.get(name);
    const dir = demoModelDir(name);
    const now = known && fs.existsSync(dir) ? statsOf(dir) : undefined;
    if (known && now && now.size === known.size && [...known].every(([file, stat]) => now.get(file) === stat)) return dir;
    ensureDemoModel(name);
    verified.set(name, statsOf(dir));
    return dir;
  });
}

/**
 * Builds every registered demo model that is missing or stale; the test driver calls it once before the tests.
 * With `forDist`, the built helper module (dist/) checks them too: a model is fresh for the code that built or
 * vouched for it, so without this every notebook kernel of the first run would find the models stale for dist/
 * and rebuild them (the manifest they rewrite also changes the key of the cached workbook run).
 */
export function allDemoModels(options: { forDist?: boolean } = {}): string[] {
  const dirs = DEMO_MODELS.map((model) => demoModel(model.name));
  const distModule = path.join(projectRoot(), "dist", "model", "demo-model.js");
  if (options.forDist && fs.existsSync(distModule)) {
    const dist = require(distModule) as { ensureDemoModel: typeof ensureDemoModel };
    for (const model of DEMO_MODELS) withLockSync(path.join(modelsDir(), `.${model.name}.lock`), () => dist.ensureDemoModel(model.name));
  }
  return dirs;
}
