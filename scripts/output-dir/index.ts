/**
 * What a tool of this project may delete or overwrite: only directories (and files) it made itself.
 *
 * The book, the runner and the bench share these checks. A directory a tool makes carries a marker file naming
 * the tool; a tool refuses a non-empty directory without its marker, the project root or any folder above it,
 * a folder holding sources, its own inputs (or a folder inside or above them), and symbolic links — each time
 * saying why and what to do instead.
 */
import * as fs from "node:fs";
import * as path from "node:path";

/** The file that marks a directory as made by one of the project's tools. */
export const MARKER = ".made-by-workbook-tool";

/** Names whose presence makes a directory a source folder (a project, a repository, a notebooks folder). */
const SOURCE_ENTRIES = ["package.json", "package-lock.json", "tsconfig.json", ".git", "notebooks", "src", "scripts", "test", "node_modules"];
/** Folders of a project that hold sources or installed code; nothing is written inside them. */
const SOURCE_FOLDERS = new Set(["notebooks", "src", "scripts", "test", "node_modules", ".git", "dist"]);

/** An output path a tool refuses to use; the message says why and what to do. */
export class OutputPathError extends Error {
  override name = "OutputPathError";
}

/** What a tool checks an output path against. */
export interface OutputGuard {
  /** The command as the user types it, e.g. "npm run book"; written into the marker. */
  tool: string;
  /** The option that named the path, e.g. "--out", for messages. */
  flag: string;
  /** The project's root: never written to, nor anything above it. */
  projectRoot: string;
  /**
   * Paths the tool reads (notebook folders, notebook files): the output may be none of them, nor inside or above
   * one; with `exact`, only the path itself is refused (e.g. a folder whose subfolders may hold output).
   */
  inputs?: readonly { flag: string; path: string; exact?: boolean }[];
  /**
   * The tool's default output path. Only there, an unmarked directory written by an older version of the tool is
   * taken over, and only when `looksLikeOwnOutput` says every entry is the kind of file the tool writes.
   */
  defaultPath?: string;
  looksLikeOwnOutput?: (entries: readonly string[]) => boolean;
}

/** The real path of `p`, following symbolic links, for a path that may not exist yet (its missing tail is kept). */
export function realPathOf(p: string): string {
  const absolute = path.resolve(p);
  const missing: string[] = [];
  let existing = absolute;
  for (;;) {
    try {
      return path.join(fs.realpathSync(existing), ...missing.reverse());
    } catch {
      const parent = path.dirname(existing);
      if (parent === existing) return absolute;
      missing.push(path.basename(existing));
      existing = parent;
    }
  }
}

/** True when `inner` is `outer` or lies below it (both real, absolute paths). */
export function isWithin(inner: string, outer: string): boolean {
  const rel = path.relative(outer, inner);
  return rel === "" || (!rel.startsWith("..") && !path.isAbsolute(rel));
}

/** The tool named by a directory's marker, or undefined when it has none. */
export function markerOf(dir: string): string | undefined {
  try {
    const parsed = JSON.parse(fs.readFileSync(path.join(dir, MARKER), "utf8")) as { tool?: unknown };
    return typeof parsed.tool === "string" ? parsed.tool : undefined;
  } catch {
    return undefined;
  }
}

/** Writes the marker that lets `tool` replace this directory later. */
export function markOutputDir(dir: string, tool: string): void {
  const note = `Made by \`${tool}\`. The tool replaces or deletes this directory only while this file is here.`;
  // Written whole then renamed: a second run of the tool checking the folder at the same time never reads half of it.
  const temp = path.join(dir, `${MARKER}.${process.pid}-${Math.random().toString(16).slice(2)}.tmp`);
  fs.writeFileSync(temp, `${JSON.stringify({ tool, note }, null, 1)}\n`);
  fs.renameSync(temp, path.join(dir, MARKER));
}

/** The entries of a directory, or undefined when it does not exist. */
function entriesOf(dir: string): string[] | undefined {
  try {
    return fs.readdirSync(dir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return undefined;
    throw error;
  }
}

/** lstat, or undefined when nothing is there (also when a parent is a file). */
export function lstatOrUndefined(p: string): fs.Stats | undefined {
  try {
    return fs.lstatSync(p);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return undefined;
    throw error;
  }
}

/** The source-folder entries of `dir` (package.json, .git, src/…), if any. */
function sourceEntries(entries: readonly string[]): string[] {
  return SOURCE_ENTRIES.filter((name) => entries.includes(name));
}

/** The nearest folder of `real` (itself or above) that is a project's source folder, e.g. …/project/src. */
function enclosingSourceFolder(real: string): string | undefined {
  for (let dir = real; path.dirname(dir) !== dir; dir = path.dirname(dir)) {
    if (!SOURCE_FOLDERS.has(path.basename(dir))) continue;
    const siblings = entriesOf(path.dirname(dir)) ?? [];
    if (siblings.includes("package.json") || siblings.includes(".git")) return dir;
  }
  return undefined;
}

/** Throws when writing at `real` (a directory, or a file's folder) would touch the project, a source folder or an input. */
function checkPlace(shown: string, real: string, guard: OutputGuard, what: "directory" | "file"): void {
  const root = realPathOf(guard.projectRoot);
  const flag = guard.flag;
  if (what === "directory" && isWithin(root, real)) {
    const where = real === root ? "the project root" : `above the project root (${root})`;
    throw new OutputPathError(`${flag} ${shown} is ${where}: ${guard.tool} replaces its output directory, which would delete the project. Choose a new folder, e.g. ${flag} build/out.`);
  }
  for (const input of guard.inputs ?? []) {
    const inputReal = realPathOf(input.path);
    if (input.exact ? inputReal === real : isWithin(inputReal, real) || isWithin(real, inputReal)) {
      const relation = inputReal === real ? "is" : isWithin(real, inputReal) ? "is inside" : "holds";
      throw new OutputPathError(`${flag} ${shown} ${relation} ${input.flag} ${input.path}, which ${guard.tool} reads: writing there would overwrite its own input. Choose a separate folder.`);
    }
  }
  const sourceFolder = enclosingSourceFolder(what === "directory" ? real : path.dirname(real));
  if (sourceFolder) {
    const relation = sourceFolder === real ? "is" : "is inside";
    throw new OutputPathError(`${flag} ${shown} ${relation} ${sourceFolder}, a folder of sources: ${guard.tool} writes nothing there. Choose a folder under build/ or outside the project.`);
  }
}

/**
 * Checks that `dir` may be used (created, written into, replaced) as `guard.tool`'s output directory; returns its
 * real path. Throws OutputPathError naming the reason: a symbolic link, the project root or above it, a folder of
 * sources or inside one, an input or a folder inside or above one, or a non-empty directory the tool did not make.
 */
export function checkOutputDir(dir: string, guard: OutputGuard): string {
  const shown = dir;
  const absolute = path.resolve(dir);
  const stat = lstatOrUndefined(absolute);
  if (stat?.isSymbolicLink()) {
    throw new OutputPathError(`${guard.flag} ${shown} is a symbolic link (to ${fs.readlinkSync(absolute)}): ${guard.tool} does not replace what a link points at. Give a real directory.`);
  }
  if (stat && !stat.isDirectory()) throw new OutputPathError(`${guard.flag} ${shown} exists and is not a directory. Give a directory.`);
  const real = realPathOf(absolute);
  checkPlace(shown, real, guard, "directory");
  // A marker being written by a concurrent run of the tool does not make the folder non-empty.
  const entries = entriesOf(real)?.filter((e) => !(e.startsWith(`${MARKER}.`) && e.endsWith(".tmp")));
  if (entries === undefined || entries.length === 0) return real;
  const sources = sourceEntries(entries);
  if (sources.length > 0) {
    throw new OutputPathError(`${guard.flag} ${shown} holds sources (${sources.join(", ")}): ${guard.tool} never replaces such a folder. Choose an empty or new folder.`);
  }
  const owner = markerOf(real);
  if (owner === guard.tool) return real;
  if (owner !== undefined) {
    throw new OutputPathError(`${guard.flag} ${shown} was made by \`${owner}\`, not \`${guard.tool}\`: ${guard.tool} does not replace another tool's output. Choose another folder.`);
  }
  if (isLegacyOutput(real, entries, guard)) return real;
  throw new OutputPathError(
    `${guard.flag} ${shown} is not empty and was not made by \`${guard.tool}\` (it has no ${MARKER} file), so ${guard.tool} will not ` +
    `replace it. Choose an empty or new folder; if this folder really is old output, delete it yourself first.`,
  );
}

/** True for an unmarked directory at the tool's default path whose entries all look like the tool's own output. */
function isLegacyOutput(real: string, entries: readonly string[], guard: OutputGuard): boolean {
  if (guard.defaultPath === undefined || guard.looksLikeOwnOutput === undefined) return false;
  return realPathOf(guard.defaultPath) === real && guard.looksLikeOwnOutput(entries);
}

/** Creates `dir` (checked with checkOutputDir) and marks it as `guard.tool`'s; returns its real path. */
export function prepareOutputDir(dir: string, guard: OutputGuard): string {
  const real = checkOutputDir(dir, guard);
  fs.mkdirSync(real, { recursive: true });
  if (markerOf(real) !== guard.tool) markOutputDir(real, guard.tool);
  return real;
}

/**
 * Builds a directory in a sibling temporary directory the tool makes and swaps it into place only when `build`
 * succeeds, so a reader never sees half of it; a failed build leaves the previous one untouched. The previous
 * directory is deleted only when checkOutputDir allows it (it carries the tool's marker, or is empty).
 */
export async function replaceDirAtomically<T>(target: string, guard: OutputGuard, build: (tempDir: string) => Promise<T>): Promise<T> {
  const real = checkOutputDir(target, guard);
  const parent = path.dirname(real);
  fs.mkdirSync(parent, { recursive: true });
  const temp = fs.mkdtempSync(path.join(parent, `.${path.basename(real)}-tmp-`));
  // mkdtemp makes the dir private (0700); the output is meant to be read like any other build output.
  fs.chmodSync(temp, 0o755);
  markOutputDir(temp, guard.tool);
  let result: T;
  try {
    result = await build(temp);
    // Checked again: the directory may have changed while the build ran.
    checkOutputDir(target, guard);
  } catch (error) {
    fs.rmSync(temp, { recursive: true, force: true });
    throw error;
  }
  const previous = fs.existsSync(real) ? `${temp}-old` : undefined;
  if (previous) fs.renameSync(real, previous);
  fs.renameSync(temp, real);
  if (previous) fs.rmSync(previous, { recursive: true, force: true });
  return result;
}

/**
 * Checks that `file` may be written by `guard.tool`: not a link or directory, not in a source folder or an input,
 * and, when it exists, written by the tool before (`isOwnFile` reads its text). Returns its real path.
 */
export function checkOutputFile(file: string, guard: OutputGuard & { isOwnFile: (text: string) => boolean }): string {
  const absolute = path.resolve(file);
  const stat = lstatOrUndefined(absolute);
  if (stat?.isSymbolicLink()) {
    throw new OutputPathError(`${guard.flag} ${file} is a symbolic link (to ${fs.readlinkSync(absolute)}): ${guard.tool} does not overwrite what a link points at. Give a plain file path.`);
  }
  if (stat?.isDirectory()) throw new OutputPathError(`${guard.flag} ${file} is a directory. Give a file path, e.g. ${guard.flag} build/bench.json.`);
  const real = realPathOf(absolute);
  checkPlace(file, real, guard, "file");
  if (stat) {
    let own = false;
    try {
      own = guard.isOwnFile(fs.readFileSync(real, "utf8"));
    } catch {
      own = false;
    }
    if (!own) {
      throw new OutputPathError(`${guard.flag} ${file} exists and was not written by \`${guard.tool}\`: it will not be overwritten. Choose a new file name, or delete it yourself first.`);
    }
  }
  return real;
}
