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
import { modelsDir, projectRoot } from "../../src/model/paths";
import { withLockSync } from "./lock";

/** The directory of the demo model `name` (default: the sentiment demo model), built or repaired if needed. */
export function demoModel(name: string = SENTIMENT_DEMO_MODEL_NAME): string {
  return withLockSync(path.join(modelsDir(), `.${name}.lock`), () => ensureDemoModel(name).dir);
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
