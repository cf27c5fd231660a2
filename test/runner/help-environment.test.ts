// `npm run workbook -- --help` lists the environment variables the workbook reads, as the bench's help does.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { USAGE } from "../../scripts/runner/cli-args";

const root = path.resolve(__dirname, "..", "..");

/** Every NAME in `env.NAME` / `process.env.NAME` that the helper module reads when choosing a model. */
function variablesReadBy(dir: string): Set<string> {
  const names = new Set<string>();
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith(".ts")) continue;
    const source = fs.readFileSync(path.join(entry.parentPath, entry.name), "utf8");
    for (const match of source.matchAll(/\benv\.([A-Z][A-Z0-9_]+)\b|\["(HF_[A-Z_]+|TRANSFORMERS_[A-Z_]+)"/g)) names.add(match[1] ?? match[2]);
  }
  return names;
}

test("the workbook's --help names every environment variable the model choice reads (INIT_CWD is npm's own)", () => {
  const read = variablesReadBy(path.join(root, "src", "model"));
  read.delete("INIT_CWD");
  assert.ok(read.has("WORKBOOK_MODEL") && read.has("WORKBOOK_HF_CACHE"), `found: ${[...read].join(", ")}`);
  const environment = USAGE.slice(USAGE.indexOf("Environment"));
  for (const name of read) assert.match(environment, new RegExp(`\\b${name}\\b`), `${name} is read but not in --help`);
  for (const line of USAGE.split("\n")) assert.ok([...line].length <= 100, `help line too long: ${line}`);
});
