/** Writing executed notebooks: a checked output directory and atomic writes (temp file + rename). */
import { randomBytes } from "node:crypto";
import { closeSync, openSync, unlinkSync, writeFile } from "node:fs";
import { mkdir, rename, rm, stat } from "node:fs/promises";
import { promisify } from "node:util";
import { basename, dirname, join, resolve } from "node:path";
import { checkOutputDir, lstatOrUndefined, markerOf, markOutputDir, OutputPathError, type OutputGuard } from "../output-dir";
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

/** The runner's project root: it never writes there, nor above it. */
const PROJECT_ROOT = resolve(__dirname, "..", "..");

/** What the runner may write into: a folder it made (marked), or a new or empty one; never a notebook's own folder. */
export function runnerGuard(notebooks: readonly string[], cwd: string): OutputGuard {
  return {
    tool: "npm run workbook",
    flag: "--out",
    projectRoot: PROJECT_ROOT,
    inputs: [
      // Executed copies keep their file names: the notebooks' own folder would be overwritten.
      ...[...new Set(notebooks.map((nb) => dirname(resolve(cwd, nb))))].map((folder) => ({ flag: "the notebooks' folder", path: folder, exact: true })),
      ...notebooks.map((nb) => ({ flag: "the notebook", path: resolve(cwd, nb) })),
    ],
    defaultPath: resolve(cwd, "build", "executed"),
    // build/executed as older runners left it: executed copies and, at worst, a temporary file of an interrupted write.
    looksLikeOwnOutput: (entries) => entries.every((e) => e.endsWith(".ipynb") || /^\..*\.ipynb\.\d+-[0-9a-f]+\.tmp$/.test(e) || e.startsWith(".write-test-")),
  };
}

/**
 * Creates the output directory if needed, marks it as the runner's and proves it is writable; throws
 * OutputDirError otherwise, or when the directory may not be used (see checkOutputDir): the notebooks' own folder,
 * the project root, a source folder, or a non-empty folder the runner did not make.
 */
export async function prepareOutDir(dir: string, notebooks: readonly string[] = [], cwd = process.cwd()): Promise<void> {
  const guard = runnerGuard(notebooks, cwd);
  try {
    // A plain file in the way is reported by the mkdir below, with its errno.
    const stat = lstatOrUndefined(resolve(dir));
    if (!stat || stat.isDirectory() || stat.isSymbolicLink()) checkOutputDir(dir, guard);
  } catch (error) {
    if (error instanceof OutputPathError) throw new OutputDirError(dir, error.message);
    throw error;
  }
  try {
    await makeDirectories(resolve(dir));
  } catch (error) {
    throw new OutputDirError(dir, `cannot be created (${describeFsError(error)}); choose another --out`);
  }
  try {
    if (markerOf(dir) !== guard.tool) markOutputDir(dir, guard.tool);
  } catch (error) {
    throw new OutputDirError(dir, `is not writable (${describeFsError(error)}); choose another --out`);
  }
  // access(W_OK) says yes to root even on read-only mounts, so really create a file. Created and removed in one
  // synchronous step: a signal handler runs only between event-loop turns, so it never finds the probe half made
  // (an asynchronous create still pending in the thread pool could land after the exit handler's unlink).
  const probe = join(dir, `.write-test-${process.pid}-${randomBytes(4).toString("hex")}`);
  try {
    closeSync(openSync(probe, "wx"));
  } catch (error) {
    throw new OutputDirError(dir, `is not writable (${describeFsError(error)}); choose another --out`);
  }
  unlinkSync(probe);
}

/**
 * `mkdir -p`, one level at a time. Node's `mkdir(…, { recursive: true })` spins forever on some paths
 * (e.g. under /proc, where mkdir reports ENOENT for a parent that exists).
 */
async function makeDirectories(dir: string): Promise<void> {
  const parent = dirname(dir);
  if (parent !== dir && !(await isDirectory(parent))) await makeDirectories(parent);
  try {
    await mkdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    if (!(await isDirectory(dir))) throw Object.assign(new Error(`${dir} exists and is not a directory`), { code: "ENOTDIR" });
  }
}

/** True if `path` exists and is a directory. */
async function isDirectory(path: string): Promise<boolean> {
  return stat(path).then((info) => info.isDirectory(), () => false);
}

/** fs.writeFile on an open descriptor, awaited (fs/promises only writes through a FileHandle it opened itself). */
const writeFileToFd = promisify(writeFile);

/** Writes `text` to `path` so that readers see either the old file or the complete new one, never a partial one. */
export async function writeFileAtomic(path: string, text: string): Promise<void> {
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}-${randomBytes(4).toString("hex")}.tmp`);
  // Created synchronously as it is registered, so the exit handler's unlink always finds it: an asynchronous
  // create still pending in the thread pool at exit would make the file after the unlink.
  inFlight.add(temp);
  try {
    const fd = openSync(temp, "wx");
    try {
      await writeFileToFd(fd, text);
    } finally {
      closeSync(fd);
    }
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
