/**
 * Skipping for a missing cross-check tool or for not being root, the only reasons test/README.md allows. Locally
 * such a test skips, and the reporter prints why; with CI=true it fails instead, naming what is missing, so that
 * no way of running a file — the driver or plain `node --test` — can go green by skipping.
 */
import assert from "node:assert/strict";
import type { TestContext } from "node:test";
import { CI } from "./ci";

/**
 * The `skip` option of a test that needs what `missing` names (empty: nothing is missing): false, or locally the
 * reason. With CI=true a missing piece throws instead, which fails the whole file as it loads, naming it.
 * (An option rather than a wrapper around `test`: node:test credits a test to the file that calls `test`.)
 */
export function skipFor(missing: string | null | undefined): string | false {
  if (!missing) return false;
  if (CI) throw new Error(`CI=true, and tests in this file cannot run: ${missing}`);
  return missing;
}

/** Inside a test: skips it for `missing` locally, fails it under CI. Return right after it. */
export function skipOrFail(t: TestContext, missing: string): void {
  if (CI) assert.fail(`CI=true, and this test cannot run: ${missing}`);
  t.skip(missing);
}
