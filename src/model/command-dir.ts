import * as fs from "node:fs";
import * as path from "node:path";
import { expandHome } from "./paths";
import { looksLikePath, OFFLINE_KEYWORD, type Env } from "./select";

/** The variables that may hold a path the user typed relative to where they were. */
export const MODEL_PATH_VARIABLES = ["WORKBOOK_MODEL", "WORKBOOK_HF_CACHE"] as const;

/**
 * The directory the user typed the command in: npm runs every script from the project root and
 * keeps the original directory in `INIT_CWD`; outside npm it is the process's own working directory.
 */
export function commandDir(env: Env = process.env, cwd: string = process.cwd()): string {
  const initCwd = (env.INIT_CWD ?? "").trim();
  return initCwd && path.isAbsolute(initCwd) ? initCwd : cwd;
}

/**
 * The `WORKBOOK_MODEL` and `WORKBOOK_HF_CACHE` values that are relative paths, made absolute from `baseDir`;
 * only the variables that change are returned. `offline` and Hub ids (`owner/name`) stay as typed, unless a
 * directory of that name exists under `baseDir`, which `chooseModel` would pick too.
 */
export function absoluteModelPaths(env: Env, baseDir: string): Record<string, string> {
  const changed: Record<string, string> = {};
  const model = (env.WORKBOOK_MODEL ?? "").trim();
  if (model && model.toLowerCase() !== OFFLINE_KEYWORD && !path.isAbsolute(model)) {
    const candidate = path.resolve(baseDir, expandHome(model));
    if (looksLikePath(model) || fs.existsSync(candidate)) changed.WORKBOOK_MODEL = candidate;
  }
  const cache = (env.WORKBOOK_HF_CACHE ?? "").trim();
  if (cache && !path.isAbsolute(cache)) changed.WORKBOOK_HF_CACHE = path.resolve(baseDir, expandHome(cache));
  return changed;
}

/**
 * For a command-line tool, before it chooses a model or starts a kernel: rewrites relative model paths in
 * `env` (default `process.env`) as absolute paths from the directory the command was typed in, so the tool,
 * and every kernel it starts in `notebooks/`, reads the directory the user meant. Returns what it changed.
 */
export function resolveModelPathsFromCommandDir(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const changed = absoluteModelPaths(env, commandDir(env));
  Object.assign(env, changed);
  return changed;
}
