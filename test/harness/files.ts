/**
 * Which test files there are and which group each belongs to. Every `test/**\/*.test.ts` is picked up; no list
 * to edit. A file named `*.integration.test.ts` is slow (it starts kernels, browsers, Python or the CLIs, or
 * executes notebooks) and runs in the integration group; every other test file is a unit test and must stay fast.
 */
import * as fs from "node:fs";
import * as path from "node:path";

export type Group = "unit" | "integration";

/** Every test file under `dir` (relative paths, sorted), skipping node_modules and dot-folders. */
export function findTestFiles(root: string, dir = "test"): string[] {
  const found: string[] = [];
  const walk = (relative: string) => {
    for (const entry of fs.readdirSync(path.join(root, relative), { withFileTypes: true })) {
      if (entry.name.startsWith(".") || entry.name === "node_modules") continue;
      const child = path.join(relative, entry.name);
      if (entry.isDirectory()) walk(child);
      else if (entry.isFile() && entry.name.endsWith(".test.ts")) found.push(child);
    }
  };
  walk(dir);
  return found.sort();
}

/** The group of a test file, from its name. */
export function groupOf(file: string): Group {
  return file.endsWith(".integration.test.ts") ? "integration" : "unit";
}
