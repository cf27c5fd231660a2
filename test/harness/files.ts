/**
 * Which test files there are and which group each belongs to. Every `test/**\/*.test.ts` is picked up; no list
 * to edit. Integration tests are the slow ones (they start kernels, browsers, Python or the CLIs, or execute
 * notebooks): a file named `*.integration.test.ts`, or any test file in test/workbook/ (the executed workbook's
 * checks, whose file names other work refers to). Every other test file is a unit test and must stay fast.
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
  const parts = path.normalize(file).split(path.sep);
  const inWorkbookFolder = parts.length >= 3 && parts[0] === "test" && parts[1] === "workbook";
  return file.endsWith(".integration.test.ts") || inWorkbookFolder ? "integration" : "unit";
}

/**
 * The test files to run (relative paths): all, or those named (files, or folders holding them), optionally of one
 * group only. A path is read from `typedIn`, where the command was typed, or else from the project root
 * (`npm test -- test/runner` works from any folder of the project).
 */
export function selectTestFiles(root: string, wanted: string[], typedIn: string, group: Group | undefined): string[] {
  const all = findTestFiles(root);
  const inGroup = (file: string) => group === undefined || groupOf(file) === group;
  if (wanted.length === 0) return all.filter(inGroup);
  const chosen: string[] = [];
  for (const item of wanted) {
    const under = (relative: string) => all.filter((file) => file === relative || file.startsWith(`${relative}${path.sep}`));
    const fromTyped = under(path.relative(root, path.resolve(typedIn, item)));
    const matches = fromTyped.length > 0 ? fromTyped : under(path.relative(root, path.resolve(root, item)));
    if (matches.length === 0) throw new Error(`${item}: no test file (*.test.ts) is, or is under, this path`);
    const kept = matches.filter(inGroup);
    if (kept.length === 0) {
      const other = group === "unit" ? "integration" : "unit";
      throw new Error(`${item}: only ${other} test files are there, and --${group} leaves those out; run them with \`npm test -- ${item}\``);
    }
    chosen.push(...kept.filter((m) => !chosen.includes(m)));
  }
  return chosen;
}

/** Imports of test/helpers/workbook.ts, from any test folder depth. */
const WORKBOOK_IMPORT = /\bfrom\s+["'](?:\.\.\/)+helpers\/workbook["']/;

/**
 * True when a test file imports test/helpers/workbook.ts: it reads the shared executed workbook, so under npm test it
 * can do nothing until the driver's run of it is done, and is started only then (test/harness/main.ts).
 */
export function readsSharedWorkbook(root: string, file: string): boolean {
  return WORKBOOK_IMPORT.test(fs.readFileSync(path.resolve(root, file), "utf8"));
}
