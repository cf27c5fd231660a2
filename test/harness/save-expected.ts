/**
 * `node --import tsx test/harness/save-expected.ts [TIMINGS.json ...]`: writes test/harness/expected-seconds.json,
 * the per-file seconds a fresh clone (CI) schedules by (slowest first), from the timings of real runs
 * (default: this clone's build/test/timings.json, which every `npm test` updates). Later files win; only test files
 * that exist are kept, so renamed or deleted files drop out. Run it after a whole `npm test`, and commit the result.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { findTestFiles } from "./files";

const root = path.resolve(__dirname, "..", "..");
const sources = process.argv.slice(2);
if (sources.length === 0) sources.push(path.join(root, "build", "test", "timings.json"));
const seconds: Record<string, number> = {};
for (const source of sources) {
  let timings: Record<string, number>;
  try {
    timings = JSON.parse(fs.readFileSync(source, "utf8")) as Record<string, number>;
  } catch (error) {
    console.error(`save-expected: cannot read ${source} (${(error as Error).message}); run \`npm test\` first, it writes build/test/timings.json`);
    process.exit(2);
  }
  Object.assign(seconds, timings);
}
const files = findTestFiles(root);
const kept = Object.fromEntries(files.filter((file) => typeof seconds[file] === "number").map((file) => [file, Math.round(seconds[file] * 10) / 10]));
const target = path.join(__dirname, "expected-seconds.json");
const temp = `${target}.${process.pid}.tmp`;
fs.writeFileSync(temp, `${JSON.stringify(kept, null, 1)}\n`);
fs.renameSync(temp, target);
const missing = files.filter((file) => !(file in kept));
console.log(`save-expected: ${Object.keys(kept).length} test files' seconds written to ${path.relative(root, target)}${missing.length > 0 ? `; no time yet for ${missing.join(", ")}` : ""}`);
