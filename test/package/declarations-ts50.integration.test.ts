import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const root = path.resolve(__dirname, "..", "..");

// tslab type-checks notebooks with its bundled TypeScript 5.0, reading dist/*.d.ts. transformers.js's own
// declarations do not pass 5.0 (tslab skips library checks), so only diagnostics inside dist/ count here.
test("dist/*.d.ts type-check under tslab's bundled TypeScript 5.0", () => {
  const tsc = path.join(root, "node_modules", "@tslab", "typescript-for-tslab", "bin", "tsc");
  assert.ok(fs.existsSync(path.join(root, "dist", "index.d.ts")), "dist/ is built (npm test runs npm run build first)");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ts50-"));
  try {
    const consumer = path.join(dir, "consumer.ts");
    fs.writeFileSync(consumer, `import * as helper from ${JSON.stringify(path.join(root, "dist"))};\nexport const api = helper;\n`);
    const run = spawnSync(process.execPath, [tsc, "--noEmit", "--strict", "--esModuleInterop", "--target", "es2020",
      "--module", "commonjs", "--moduleResolution", "node", consumer], { encoding: "utf8", cwd: root });
    const version = spawnSync(process.execPath, [tsc, "--version"], { encoding: "utf8" }).stdout.trim();
    assert.match(version, /^Version 5\.0\./);
    const ourDist = path.join(root, "dist") + path.sep;
    const ours = run.stdout.split("\n").filter((line) => line.startsWith("dist/") || line.startsWith(ourDist) || line.includes("consumer.ts"));
    assert.deepEqual(ours, [], `TypeScript 5.0 rejects our declarations:\n${ours.join("\n")}`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("npm run build and typecheck use the project's TypeScript, not the 5.0 copy tslab also links as tsc", () => {
  const scripts = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")).scripts as Record<string, string>;
  for (const name of ["build", "typecheck"]) assert.match(scripts[name], /node_modules\/typescript\/bin\/tsc/, name);
});
