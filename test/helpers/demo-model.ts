/**
 * The one way tests get an offline demo model: built on first use into build/models/<name>/ (as
 * `npm run fixtures` does) under a lock, so test files running in parallel never build the same model twice
 * or read one half-written, and a test file run alone never skips for want of `npm run fixtures`.
 */
import * as path from "node:path";
import { FIXTURES, SENTIMENT_FIXTURE_NAME } from "../../src/fixtures";
import { ensureFixture, modelsDir } from "../../src/model";
import { withLockSync } from "./lock";

/** The directory of the fixture `name` (default: the sentiment demo model), built or repaired if needed. */
export function demoModel(name: string = SENTIMENT_FIXTURE_NAME): string {
  return withLockSync(path.join(modelsDir(), `.${name}.lock`), () => ensureFixture(name).dir);
}

/** Builds every registered fixture that is missing or stale; the test driver calls it once before the tests. */
export function allDemoModels(): string[] {
  return FIXTURES.map((fixture) => demoModel(fixture.name));
}
