/** The built helper module (dist/) that notebooks import, for the tests that run notebooks. */
import * as fs from "node:fs";
import * as path from "node:path";
import { projectRoot } from "../../src/model/paths";

/**
 * dist/, after checking it is built. Not a reason to skip: `npm ci` builds it and `npm test` rebuilds it when src/
 * changed, so a missing dist/ (after `--ignore-scripts`, or `rm -rf dist`) fails the test, saying what to run.
 */
export function builtDist(): string {
  const dist = path.join(projectRoot(), "dist");
  if (!fs.existsSync(path.join(dist, "index.js"))) {
    throw new Error(`${dist} is not built, and the notebooks these tests run import it: run \`npm run build\` (or \`npm test\`, which builds it)`);
  }
  return dist;
}
