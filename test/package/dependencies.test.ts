import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import * as semver from "semver";

const root = path.resolve(__dirname, "..", "..");

interface LockedPackage {
  version?: string;
  dependencies?: Record<string, string>;
  engines?: { node?: string } | string[];
  hasInstallScript?: boolean;
  optional?: boolean;
  os?: string[];
  cpu?: string[];
}
const lock = JSON.parse(fs.readFileSync(path.join(root, "package-lock.json"), "utf8")) as { packages: Record<string, LockedPackage> };
const manifest = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as {
  engines: { node: string; npm: string };
  allowScripts?: Record<string, boolean>;
};

/** `node_modules/a/node_modules/@s/b` → `@s/b`. */
const packageName = (lockPath: string) => lockPath.slice(lockPath.lastIndexOf("node_modules/") + "node_modules/".length);

/** Whether npm would install this locked package on this machine (platform-specific optional packages are skipped). */
function installedHere(entry: LockedPackage): boolean {
  const fits = (list: string[] | undefined, value: string) => !list || list.some((item) => (item.startsWith("!") ? item.slice(1) !== value : item === value));
  return fits(entry.os, process.platform) && fits(entry.cpu, process.arch);
}

test("exactly one copy of onnxruntime-node is installed: the version transformers.js depends on", () => {
  const copies = Object.keys(lock.packages).filter((p) => p.endsWith("node_modules/onnxruntime-node"));
  assert.deepEqual(copies, ["node_modules/onnxruntime-node"], `copies found: ${copies.join(", ")}`);
  const wanted = lock.packages["node_modules/@huggingface/transformers"].dependencies?.["onnxruntime-node"];
  assert.equal(lock.packages["node_modules/onnxruntime-node"].version, wanted);
});

test("the onnxruntime that transformers.js loads is the one the helper loads", () => {
  const fromTransformers = require.resolve("onnxruntime-node", { paths: [path.dirname(require.resolve("@huggingface/transformers"))] });
  assert.equal(fromTransformers, require.resolve("onnxruntime-node"));
});

test("allowScripts keeps onnxruntime-node's GPU download from running and covers every install script, so npm ci has nothing to warn about", () => {
  const policy = manifest.allowScripts ?? {};
  assert.equal(policy["onnxruntime-node"], false, "onnxruntime-node's postinstall downloads CUDA binaries from NuGet");
  assert.equal(policy.zeromq, true, "zeromq's install script checks its prebuilt binary and builds one where none fits");
  const withScripts = Object.entries(lock.packages).filter(([lockPath, entry]) => lockPath && entry.hasInstallScript).map(([lockPath]) => packageName(lockPath));
  const uncovered = [...new Set(withScripts)].filter((name) => !(name in policy));
  assert.deepEqual(uncovered, [], "add each to allowScripts: `npm install-scripts approve NAME` or `npm install-scripts deny NAME`");
  assert.deepEqual(Object.keys(policy).filter((name) => !withScripts.includes(name)), [], "allowScripts names a package that has no install script");
});

test("no npm older than allowScripts (11.16) installs the project: it would run the GPU download", () => {
  assert.ok(semver.subset(manifest.engines.npm, ">=11.16.0"), `engines.npm is ${manifest.engines.npm}`);
  assert.match(fs.readFileSync(path.join(root, ".npmrc"), "utf8"), /^engine-strict=true$/m, "engines must be enforced, not only warned about");
});

test("the stated Node version is true: every installed dependency accepts the oldest Node that engines.node allows, and .nvmrc names one", () => {
  const oldest = semver.minVersion(manifest.engines.node);
  assert.ok(oldest && oldest.major === 20, `engines.node is ${manifest.engines.node}: the workbook is tested on Node 20`);
  const refusing = Object.entries(lock.packages)
    .filter(([lockPath, entry]) => lockPath && installedHere(entry) && entry.engines && !Array.isArray(entry.engines) && entry.engines.node)
    .filter(([, entry]) => !semver.satisfies(oldest, (entry.engines as { node: string }).node))
    .map(([lockPath, entry]) => `${packageName(lockPath)}@${entry.version} wants Node ${(entry.engines as { node: string }).node}`);
  assert.deepEqual(refusing, []);
  const nvmrc = fs.readFileSync(path.join(root, ".nvmrc"), "utf8").trim();
  assert.ok(semver.intersects(manifest.engines.node, `${nvmrc}.x`), `.nvmrc says ${nvmrc}`);
  assert.ok(semver.satisfies(process.version, manifest.engines.node), `this Node (${process.version}) is outside engines.node`);
});
