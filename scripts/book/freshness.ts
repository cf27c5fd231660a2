import * as fs from "node:fs";
import * as path from "node:path";

/** Why the executed notebooks must be (re)built before the book, or undefined when they are up to date. */
export function staleReason(notebooksDir: string, executedDir: string): string | undefined {
  if (!fs.existsSync(executedDir)) return `${path.relative(process.cwd(), executedDir) || executedDir} is missing`;
  if (!fs.existsSync(notebooksDir)) return undefined;
  for (const name of fs.readdirSync(notebooksDir).filter((f) => f.endsWith(".ipynb")).sort()) {
    const executed = path.join(executedDir, name);
    if (!fs.existsSync(executed)) return `${name} has not been executed yet`;
    if (fs.statSync(path.join(notebooksDir, name)).mtimeMs > fs.statSync(executed).mtimeMs) return `${name} changed since it was executed`;
  }
  return undefined;
}
