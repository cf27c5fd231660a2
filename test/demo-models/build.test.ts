import { after, test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import {
  buildDemoModel, CODE_ROOT, findDemoModel, DEMO_MODELS, demoModelStaleness, MANIFEST_FILE, readManifest, sentimentDemoModel, sha256, sourceFingerprint,
  writeDemoModelDir, type DemoModel, type DemoModelManifest,
} from "../../src/demo-models";
import { ensureDemoModel, projectRoot } from "../../src/model";
import { tempDir } from "../helpers/temp-dir";

const root = projectRoot();
const scratch = tempDir({ after }, "demo-model-build-");

/** A tiny demo model whose builder output and sources the tests control. */
function tinyDemoModel(contents: string, sources: string[] = []): DemoModel {
  return { name: "tiny", description: "test demo model", sources, build: () => ({ "a.txt": new TextEncoder().encode(contents), "sub/b.bin": Uint8Array.of(1, 2, 3) }) };
}

const filesOnDisk = (dir: string): Record<string, string> => {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, entry.name);
      if (entry.isDirectory()) walk(full);
      else out[path.relative(dir, full)] = sha256(fs.readFileSync(full));
    }
  };
  walk(dir);
  return out;
};

test("the registry holds the sentiment demo model with the files transformers.js needs", () => {
  assert.equal(findDemoModel("distilbert-sst2-demo"), sentimentDemoModel);
  assert.ok(DEMO_MODELS.includes(sentimentDemoModel));
  assert.equal(new Set(DEMO_MODELS.map((f) => f.name)).size, DEMO_MODELS.length, "names are unique");
  assert.throws(() => findDemoModel("nope"), /No demo model named "nope"; known demo models: distilbert-sst2-demo/);
});

test("the sentiment demo model builds, twice, into byte-identical directories", () => {
  const first = buildDemoModel(sentimentDemoModel, root);
  const second = buildDemoModel(sentimentDemoModel, root);
  for (const file of ["config.json", "tokenizer.json", "tokenizer_config.json", "onnx/model.onnx", "onnx/model_quantized.onnx", MANIFEST_FILE]) {
    assert.ok(first.files[file], `${file} is built`);
  }
  assert.deepEqual(Object.keys(first.files), Object.keys(second.files));
  for (const file of Object.keys(first.files)) assert.ok(Buffer.from(first.files[file]).equals(Buffer.from(second.files[file])), `${file} differs`);
  const a = path.join(scratch, "run-a", sentimentDemoModel.name);
  const b = path.join(scratch, "run-b", sentimentDemoModel.name);
  writeDemoModelDir(a, first.files);
  writeDemoModelDir(b, second.files);
  assert.deepEqual(filesOnDisk(a), filesOnDisk(b));
});

test("the manifest records every file's size and sha256 and the sources' fingerprint", () => {
  const built = buildDemoModel(tinyDemoModel("hello"), root);
  assert.deepEqual(built.manifest.files["a.txt"], { bytes: 5, sha256: sha256(new TextEncoder().encode("hello")) });
  assert.equal(built.manifest.sources, sourceFingerprint(tinyDemoModel("hello"), root));
  assert.deepEqual(JSON.parse(new TextDecoder().decode(built.files[MANIFEST_FILE])), built.manifest);
});

test("the source fingerprint changes when a source file changes, and names missing sources", () => {
  const dir = path.join(scratch, "sources");
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "x.ts"), "one");
  const demoModel = tinyDemoModel("", [path.relative(CODE_ROOT, dir)]);
  const before = sourceFingerprint(demoModel, root);
  fs.writeFileSync(path.join(dir, "x.ts"), "two");
  assert.notEqual(sourceFingerprint(demoModel, root), before);
  assert.notEqual(sourceFingerprint(tinyDemoModel("", ["no/such/path"]), root), sourceFingerprint(tinyDemoModel("", []), root));
});

test("sources resolve against the running code (src/ under tsx): every registered demo model's sources exist", () => {
  assert.equal(path.relative(root, CODE_ROOT), "src");
  for (const demoModel of DEMO_MODELS) {
    for (const source of demoModel.sources) {
      const alone = { ...demoModel, sources: [source] };
      const missing = sourceFingerprint({ ...demoModel, sources: ["no/such/module"] }, root);
      assert.notEqual(sourceFingerprint(alone, root), missing, `${demoModel.name}: source ${source} resolves to no file`);
    }
  }
});

test("the fingerprint is keyed to the code that runs: a src/ and a dist/ tree each answer for their own files", () => {
  const project = path.join(scratch, "code-roots");
  const write = (file: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(project, file)), { recursive: true });
    fs.writeFileSync(path.join(project, file), text);
  };
  write("src/demo-models/x.ts", "export const x: number = 1;");
  write("dist/demo-models/x.js", "exports.x = 1;");
  write("dist/demo-models/x.d.ts", "export declare const x: number;");
  const demoModel = tinyDemoModel("", ["demo-models/x", "package:onnx-proto"]);
  const fingerprints = () => ["src", "dist"].map((tree) => sourceFingerprint(demoModel, project, path.join(project, tree)));
  const [src, dist] = fingerprints();
  assert.notEqual(src, dist);
  // Editing src/ without rebuilding dist/ leaves the notebooks' (dist) fingerprint alone: their code did not change.
  write("src/demo-models/x.ts", "export const x: number = 2;");
  assert.deepEqual(fingerprints().map((f) => [f === src, f === dist]), [[false, false], [false, true]]);
  // Declarations and source maps say nothing about what the code builds.
  write("dist/demo-models/x.d.ts", "export declare const x: 1 | 2;");
  write("dist/demo-models/x.js.map", "{}");
  assert.equal(fingerprints()[1], dist);
  write("dist/demo-models/x.js", "exports.x = 2;");
  assert.notEqual(fingerprints()[1], dist);
  // The older spellings of sources name the same files.
  assert.equal(sourceFingerprint(tinyDemoModel("", ["src/demo-models/x.ts", "node_modules/onnx-proto/package.json"]), project, path.join(project, "src")), fingerprints()[0]);
});

test("a byte-identical build by other code joins built_by instead of churning; a different build starts afresh", () => {
  const demoModel = tinyDemoModel("same");
  const dir = path.join(scratch, "built-by", "tiny");
  const first = buildDemoModel(demoModel, root);
  const other: DemoModelManifest = { ...first.manifest, sources: "f".repeat(64), built_by: ["f".repeat(64)] };
  writeDemoModelDir(dir, { ...first.files, [MANIFEST_FILE]: new TextEncoder().encode(JSON.stringify(other)) });
  assert.match(demoModelStaleness(dir, demoModel, root) ?? "", /builder code \(under src\/\) changed since it was built, or it was built by other code/);
  const rebuilt = buildDemoModel(demoModel, root, readManifest(dir));
  assert.deepEqual(rebuilt.manifest.built_by, [first.manifest.sources, "f".repeat(64)].sort());
  writeDemoModelDir(dir, rebuilt.files);
  assert.equal(demoModelStaleness(dir, demoModel, root), null);
  const changed = buildDemoModel(tinyDemoModel("changed"), root, readManifest(dir));
  assert.deepEqual(changed.manifest.built_by, [first.manifest.sources]);
});

test("writing a demo model replaces an existing directory whole, leaving no temporary directories", () => {
  const parent = path.join(scratch, "replace");
  const dir = path.join(parent, "tiny");
  writeDemoModelDir(dir, { "old.txt": Uint8Array.of(1), "keep/x": Uint8Array.of(2) });
  writeDemoModelDir(dir, { "new.txt": Uint8Array.of(3) });
  assert.deepEqual(Object.keys(filesOnDisk(dir)), ["new.txt"]);
  assert.deepEqual(fs.readdirSync(parent), ["tiny"]);
});

test("a demo model that writes outside its directory or over the manifest is refused", () => {
  for (const file of ["../escape.txt", "/abs.txt", "a/../b.txt", MANIFEST_FILE]) {
    const bad: DemoModel = { ...tinyDemoModel(""), build: () => ({ [file]: Uint8Array.of(0) }) };
    assert.throws(() => buildDemoModel(bad, root), /names must be plain relative paths/, file);
  }
});

test("staleness: missing, fresh, damaged, file removed, manifest lost", () => {
  const demoModel = tinyDemoModel("content");
  const dir = path.join(scratch, "stale", "tiny");
  assert.equal(demoModelStaleness(dir, demoModel, root), "not built yet");
  writeDemoModelDir(dir, buildDemoModel(demoModel, root).files);
  assert.equal(demoModelStaleness(dir, demoModel, root), null);
  fs.writeFileSync(path.join(dir, "a.txt"), "CONTENT");
  assert.equal(demoModelStaleness(dir, demoModel, root), "a.txt differs from what was built");
  fs.rmSync(path.join(dir, "sub", "b.bin"));
  writeDemoModelDir(dir, buildDemoModel(demoModel, root).files);
  fs.rmSync(path.join(dir, "sub", "b.bin"));
  assert.equal(demoModelStaleness(dir, demoModel, root), "sub/b.bin is missing");
  fs.rmSync(path.join(dir, MANIFEST_FILE));
  assert.equal(readManifest(dir), null);
  assert.match(demoModelStaleness(dir, demoModel, root) ?? "", /demo-model-manifest.json missing/);
});

test("ensureDemoModel builds on first use, then reuses, and rebuilds a damaged copy", () => {
  const dir = path.join(scratch, "ensure", sentimentDemoModel.name);
  const lines: string[] = [];
  const first = ensureDemoModel(sentimentDemoModel.name, { dir, log: (line) => lines.push(line) });
  assert.deepEqual([first.built, first.reason], [true, "not built yet"]);
  assert.match(lines[0], /^Building demo model distilbert-sst2-demo in .* \(not built yet\)/);
  const again = ensureDemoModel(sentimentDemoModel.name, { dir });
  assert.deepEqual([again.built, again.reason], [false, null]);
  const model = path.join(dir, "onnx", "model.onnx");
  const good = fs.readFileSync(model);
  fs.writeFileSync(model, "garbage");
  const repaired = ensureDemoModel(sentimentDemoModel.name, { dir });
  assert.deepEqual([repaired.built, repaired.reason], [true, "onnx/model.onnx differs from what was built"]);
  assert.ok(fs.readFileSync(model).equals(good));
});
