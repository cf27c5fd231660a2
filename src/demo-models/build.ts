import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { type DemoModel, type DemoModelFiles, jsonFileBytes } from "./demo-model";

/** File written next to a demo model's files recording what it was built from and what it holds. */
export const MANIFEST_FILE = "demo-model-manifest.json";

/** Contents of `demo-model-manifest.json`. */
export interface DemoModelManifest {
  demo_model: string;
  /** Fingerprint (sourceFingerprint) of the builder code that built these files. */
  sources: string;
  /**
   * Fingerprints of every builder code known to build exactly these files: the one that built them, plus
   * any other (src/ under tsx, dist/ in notebooks) whose fresh build came out byte-identical. A copy is fresh
   * for the running code when its fingerprint is listed.
   */
  built_by?: string[];
  files: Record<string, { bytes: number; sha256: string }>;
}

/** A demo model built in memory: its files (manifest included), the manifest, and how long building took. */
export interface BuiltDemoModel {
  files: DemoModelFiles;
  manifest: DemoModelManifest;
  buildMs: number;
}

/** Hex sha256 of some bytes. */
export function sha256(bytes: Uint8Array): string {
  return crypto.createHash("sha256").update(bytes).digest("hex");
}

function filesUnder(absolute: string): string[] {
  const stat = fs.statSync(absolute, { throwIfNoEntry: false });
  if (!stat) return [];
  if (!stat.isDirectory()) return [absolute];
  return fs.readdirSync(absolute).sort().flatMap((entry) => filesUnder(path.join(absolute, entry)));
}

/**
 * The folder holding the running code's `demo-models/` and `onnx/`: `src/` when run through tsx (tests,
 * `npm run demo-models`), `dist/` when the notebooks import the built module. Sources resolve against it,
 * so a fingerprint always describes the code that actually builds the model.
 */
export const CODE_ROOT = path.resolve(__dirname, "..");

/** Compiler by-products that say nothing about what the code does. */
const IGNORED = [".d.ts", ".d.ts.map", ".js.map"];

/**
 * A source entry in today's spelling: the older project-relative spellings `src/x/y.ts` and
 * `node_modules/NAME/package.json` mean the module `x/y` and `package:NAME`.
 */
function normalSource(source: string): string {
  const packageJson = /^node_modules\/(.+)\/package\.json$/.exec(source);
  if (packageJson) return `package:${packageJson[1]}`;
  if (source.startsWith("src/")) return source.slice("src/".length).replace(/\.ts$/, "");
  return source;
}

/**
 * The files a source entry stands for: `package:NAME` is that npm package's package.json (its name and
 * version identify the data it ships); anything else is a folder or module under `codeRoot`, a module
 * path without extension matching its `.ts` (src) or `.js` (dist) file.
 */
function sourceFiles(entry: string, codeRoot: string): string[] {
  const source = normalSource(entry);
  if (source.startsWith("package:")) {
    try {
      return [require.resolve(`${source.slice("package:".length)}/package.json`, { paths: [codeRoot] })];
    } catch {
      return [];
    }
  }
  const absolute = path.resolve(codeRoot, source);
  const files = [absolute, `${absolute}.ts`, `${absolute}.js`].flatMap(filesUnder);
  return files.filter((file) => !IGNORED.some((suffix) => file.endsWith(suffix)));
}

/**
 * sha256 over the demo model's sources as the running code sees them (under CODE_ROOT, or `codeRoot`):
 * each file's path (relative to the code root, or the package name) and contents, in sorted order. A source
 * that does not exist counts as "missing". Changing `src/` without rebuilding `dist/` does not change what
 * the notebooks' (dist) fingerprint says, which is right: their code still builds the same files.
 */
export function sourceFingerprint(demoModel: DemoModel, root: string, codeRoot: string = CODE_ROOT): string {
  const hash = crypto.createHash("sha256");
  for (const source of [...new Set(demoModel.sources.map(normalSource))].sort()) {
    const files = sourceFiles(source, codeRoot);
    if (files.length === 0) hash.update(`${source}\0missing\0`);
    for (const file of files) {
      const name = source.startsWith("package:") ? source : path.relative(codeRoot, file).split(path.sep).join("/");
      hash.update(`${name}\0`);
      hash.update(fs.readFileSync(file));
      hash.update("\0");
    }
  }
  // Which tree the code runs from is part of the builder's identity (a src/ build says nothing about dist/).
  hash.update(`code root\0${path.relative(root, codeRoot).split(path.sep).join("/")}\0`);
  return hash.digest("hex");
}

function checkRelativePath(demoModel: string, file: string): void {
  const normal = path.posix.normalize(file);
  if (normal !== file || file.startsWith("/") || file.startsWith("..") || file === MANIFEST_FILE) {
    throw new Error(`Demo model "${demoModel}" produced a file named "${file}"; names must be plain relative paths other than ${MANIFEST_FILE}`);
  }
}

/**
 * Builds a demo model's files in memory and adds its manifest (no disk writes). With `previous` (the
 * manifest of the copy being replaced), a build whose files are byte-identical to that copy's keeps its
 * `built_by` list and adds this code's fingerprint, so switching between src/ and dist/ rebuilds only once.
 */
export function buildDemoModel(demoModel: DemoModel, root: string, previous: DemoModelManifest | null = null): BuiltDemoModel {
  const started = performance.now();
  const built = demoModel.build();
  const names = Object.keys(built).sort();
  names.forEach((file) => checkRelativePath(demoModel.name, file));
  const fingerprint = sourceFingerprint(demoModel, root);
  const fileRecords = Object.fromEntries(names.map((file) => [file, { bytes: built[file].byteLength, sha256: sha256(built[file]) }]));
  const same = previous !== null && previous.demo_model === demoModel.name && JSON.stringify(previous.files) === JSON.stringify(fileRecords);
  const builtBy = same ? [...new Set([...builders(previous), fingerprint])].sort() : [fingerprint];
  const manifest: DemoModelManifest = { demo_model: demoModel.name, sources: fingerprint, built_by: builtBy, files: fileRecords };
  const files: DemoModelFiles = Object.fromEntries(names.map((file) => [file, built[file]]));
  files[MANIFEST_FILE] = jsonFileBytes(manifest);
  return { files, manifest, buildMs: performance.now() - started };
}

/** The fingerprints a manifest vouches for (older manifests only have `sources`). */
function builders(manifest: DemoModelManifest): string[] {
  return Array.isArray(manifest.built_by) ? manifest.built_by : [manifest.sources];
}

function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

/** Puts the complete directory `fresh` at `dir`, replacing what is there; readers never see a half-written directory. */
function replaceDirectory(fresh: string, dir: string): void {
  try {
    fs.renameSync(fresh, dir);
    return;
  } catch (error) {
    if (errorCode(error) !== "ENOTEMPTY" && errorCode(error) !== "EEXIST") throw error;
  }
  const old = path.join(path.dirname(dir), `.${path.basename(dir)}.old-${process.pid}-${crypto.randomBytes(4).toString("hex")}`);
  try {
    fs.renameSync(dir, old);
  } catch (error) {
    // Another process may have just moved it away itself; then there is nothing of ours to remove.
    if (errorCode(error) !== "ENOENT") throw error;
  }
  try {
    fs.renameSync(fresh, dir);
  } catch (error) {
    // Another writer got there in between; builds are deterministic, so its copy equals ours.
    if (errorCode(error) !== "ENOTEMPTY" && errorCode(error) !== "EEXIST") throw error;
    fs.rmSync(fresh, { recursive: true, force: true });
  }
  fs.rmSync(old, { recursive: true, force: true });
}

/**
 * Writes `files` as the directory `dir`, atomically: everything goes into a temporary sibling directory
 * first, which is then renamed into place, so an interrupted build never leaves a half-written model.
 */
export function writeDemoModelDir(dir: string, files: DemoModelFiles): void {
  const parent = path.dirname(dir);
  fs.mkdirSync(parent, { recursive: true });
  const staging = fs.mkdtempSync(path.join(parent, `.${path.basename(dir)}.tmp-`));
  try {
    for (const file of Object.keys(files).sort()) {
      const target = path.join(staging, file);
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.writeFileSync(target, files[file]);
    }
    replaceDirectory(staging, dir);
  } catch (error) {
    fs.rmSync(staging, { recursive: true, force: true });
    throw error;
  }
}

/** The manifest of a built demo model directory, or null when there is none or it cannot be read. */
export function readManifest(dir: string): DemoModelManifest | null {
  try {
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, MANIFEST_FILE), "utf8")) as DemoModelManifest;
    return typeof manifest.sources === "string" && typeof manifest.files === "object" ? manifest : null;
  } catch {
    return null;
  }
}

/**
 * Why the directory `dir` does not hold an up-to-date build of `demo` ("missing", "sources changed",
 * "onnx/model.onnx changed", …), or null when it does. Every file is hashed, so damage is caught too.
 */
export function demoModelStaleness(dir: string, demoModel: DemoModel, root: string): string | null {
  const manifest = readManifest(dir);
  if (!manifest) return fs.existsSync(dir) ? `${MANIFEST_FILE} missing or unreadable` : "not built yet";
  if (manifest.demo_model !== demoModel.name) return `built for demo model "${manifest.demo_model}"`;
  if (!builders(manifest).includes(sourceFingerprint(demoModel, root))) return `its builder code (under ${path.relative(root, CODE_ROOT) || "."}/) changed since it was built, or it was built by other code`;
  for (const [file, expected] of Object.entries(manifest.files)) {
    const absolute = path.join(dir, file);
    const stat = fs.statSync(absolute, { throwIfNoEntry: false });
    if (!stat) return `${file} is missing`;
    if (stat.size !== expected.bytes || sha256(fs.readFileSync(absolute)) !== expected.sha256) return `${file} differs from what was built`;
  }
  return null;
}
