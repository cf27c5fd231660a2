/** Writing executed notebooks: a checked output directory and atomic writes (temp file + rename). */
import { randomBytes } from "node:crypto";
import { unlinkSync } from "node:fs";
import { mkdir, rename, rm, stat, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { OutputDirError } from "./errors";

// Temp files being written right now, removed if the process exits mid-write.
const inFlight = new Set<string>();
process.on("exit", () => {
  for (const file of inFlight) {
    try {
      unlinkSync(file);
    } catch {
      // already renamed or removed
    }
  }
});

/** Creates the output directory if needed and proves it is writable; throws OutputDirError otherwise. */
export async function prepareOutDir(dir: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true });
  } catch (error) {
    throw new OutputDirError(dir, `cannot be created (${describeFsError(error)}); choose another --out`);
  }
  const info = await stat(dir);
  if (!info.isDirectory()) throw new OutputDirError(dir, "is not a directory; choose another --out");
  // access(W_OK) says yes to root even on read-only mounts, so really create a file.
  const probe = join(dir, `.write-test-${process.pid}-${randomBytes(4).toString("hex")}`);
  try {
    await writeFile(probe, "", { flag: "wx" });
  } catch (error) {
    throw new OutputDirError(dir, `is not writable (${describeFsError(error)}); choose another --out`);
  }
  await rm(probe, { force: true });
}

/** Writes `text` to `path` so that readers see either the old file or the complete new one, never a partial one. */
export async function writeFileAtomic(path: string, text: string): Promise<void> {
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}-${randomBytes(4).toString("hex")}.tmp`);
  inFlight.add(temp);
  try {
    await writeFile(temp, text, { flag: "wx" });
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw new OutputDirError(dirname(path), `cannot write ${basename(path)} (${describeFsError(error)})`);
  } finally {
    inFlight.delete(temp);
  }
}

/** The errno code and message of a file-system error. */
function describeFsError(error: unknown): string {
  const { code, message } = error as NodeJS.ErrnoException;
  return code ? `${code}: ${message.replace(/^\w+: /, "")}` : String(message);
}
