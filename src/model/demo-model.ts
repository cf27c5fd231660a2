import { buildDemoModel, findDemoModel, demoModelStaleness, readManifest, writeDemoModelDir } from "../demo-models";
import { demoModelDir, projectRoot } from "./paths";

/** A demo model directory that is ready to load, and whether this call had to (re)build it. */
export interface EnsuredDemoModel {
  name: string;
  dir: string;
  built: boolean;
  /** Why it was rebuilt ("not built yet", "its builder code … changed since it was built", …); null when it was fresh. */
  reason: string | null;
  buildMs: number | null;
}

/**
 * Makes sure the demo model `name` is built and up to date in `build/models/<name>/` (or `options.dir`),
 * building it on demand when it is missing, stale or damaged. Cheap when it is fresh (hashes only).
 */
export function ensureDemoModel(name: string, options: { dir?: string; log?: (line: string) => void } = {}): EnsuredDemoModel {
  const demoModel = findDemoModel(name);
  const dir = options.dir ?? demoModelDir(name);
  const root = projectRoot();
  const reason = demoModelStaleness(dir, demoModel, root);
  if (reason === null) return { name, dir, built: false, reason: null, buildMs: null };
  options.log?.(`Building demo model ${name} in ${dir} (${reason})…`);
  const built = buildDemoModel(demoModel, root, readManifest(dir));
  writeDemoModelDir(dir, built.files);
  return { name, dir, built: true, reason, buildMs: built.buildMs };
}
