/** Temporary folders for tests. */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

/**
 * A fresh folder named `prefix…` in `parent` (the system's temporary folder unless given; made if missing, as
 * build/ is in a fresh clone), removed when the test ends, passed or failed.
 */
export function tempDir(t: { after: (fn: () => void) => void }, prefix = "workbook-test-", parent = os.tmpdir()): string {
  fs.mkdirSync(parent, { recursive: true });
  const dir = fs.mkdtempSync(path.join(parent, prefix));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}
