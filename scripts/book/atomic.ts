import * as fs from "node:fs";
import * as path from "node:path";

/**
 * Builds a directory in a sibling temp dir and swaps it into place only when `build` succeeds, so a reader (or a
 * browser test) never sees half a site; a failed build leaves the previous one untouched.
 */
export async function writeDirAtomically<T>(target: string, build: (tempDir: string) => Promise<T>): Promise<T> {
  const parent = path.dirname(target);
  fs.mkdirSync(parent, { recursive: true });
  const temp = fs.mkdtempSync(path.join(parent, `.${path.basename(target)}-tmp-`));
  // mkdtemp makes the dir private (0700); the site is meant to be read like any other build output.
  fs.chmodSync(temp, 0o755);
  try {
    const result = await build(temp);
    const old = fs.existsSync(target) ? `${temp}-old` : undefined;
    if (old) fs.renameSync(target, old);
    fs.renameSync(temp, target);
    if (old) fs.rmSync(old, { recursive: true, force: true });
    return result;
  } catch (error) {
    fs.rmSync(temp, { recursive: true, force: true });
    throw error;
  }
}
