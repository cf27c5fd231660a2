import { buildFixture, findFixture, fixtureStaleness, writeFixtureDir } from "../fixtures";
import { fixtureDir, projectRoot } from "./paths";

/** A fixture directory that is ready to load, and whether this call had to (re)build it. */
export interface EnsuredFixture {
  name: string;
  dir: string;
  built: boolean;
  /** Why it was rebuilt ("not built yet", "its sources changed since it was built", …); null when it was fresh. */
  reason: string | null;
  buildMs: number | null;
}

/**
 * Makes sure the fixture `name` is built and up to date in `build/models/<name>/` (or `options.dir`),
 * building it on demand when it is missing, stale or damaged. Cheap when it is fresh (hashes only).
 */
export function ensureFixture(name: string, options: { dir?: string; log?: (line: string) => void } = {}): EnsuredFixture {
  const fixture = findFixture(name);
  const dir = options.dir ?? fixtureDir(name);
  const root = projectRoot();
  const reason = fixtureStaleness(dir, fixture, root);
  if (reason === null) return { name, dir, built: false, reason: null, buildMs: null };
  options.log?.(`Building fixture ${name} in ${dir} (${reason})…`);
  const built = buildFixture(fixture, root);
  writeFixtureDir(dir, built.files);
  return { name, dir, built: true, reason, buildMs: built.buildMs };
}
