/**
 * Whether the build and the type check have anything to do: each records, in a stamp file, when it last succeeded,
 * and is up to date while no input changed after that. Modification times of files and of folders are compared (a
 * deleted or renamed file changes its folder's time), so an unchanged tree skips the ~20 s of CPU the two tsc runs
 * cost even when they have nothing to do.
 */
import * as fs from "node:fs";
import * as path from "node:path";

/** The newest modification time (ms) of `entries` and everything under them; node_modules and dot-folders are skipped. */
export function newestChange(root: string, entries: readonly string[]): number {
  let newest = 0;
  const visit = (absolute: string) => {
    const stat = fs.statSync(absolute, { throwIfNoEntry: false });
    if (!stat) return;
    newest = Math.max(newest, stat.mtimeMs);
    if (!stat.isDirectory()) return;
    for (const entry of fs.readdirSync(absolute)) {
      if (entry !== "node_modules" && !entry.startsWith(".")) visit(path.join(absolute, entry));
    }
  };
  for (const entry of entries) visit(path.join(root, entry));
  return newest;
}

/** True when the stamp exists (and so do `outputs`) and no input changed after the stamp's time. */
export function upToDate(root: string, stamp: string, inputs: readonly string[], outputs: readonly string[] = []): boolean {
  const done = fs.statSync(path.join(root, stamp), { throwIfNoEntry: false });
  if (!done || outputs.some((output) => !fs.existsSync(path.join(root, output)))) return false;
  return newestChange(root, inputs) < done.mtimeMs;
}

/** Records a success of the step that started at `startedMs` (epoch ms): inputs changed after that start count as changed. */
export function markDone(root: string, stamp: string, startedMs: number): void {
  const file = path.join(root, stamp);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${new Date(startedMs).toISOString()}\n`);
  fs.utimesSync(file, startedMs / 1000, startedMs / 1000);
}
