/**
 * Issue 14, items 1 and 6: the book, the runner and the bench delete or overwrite only what they made. Each case
 * is tried on a scratch copy of the danger (a project, notebooks, executed copies), and the test checks both the
 * refusal message and that every byte is still there.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { checkOutputDir, checkOutputFile, MARKER, markerOf, OutputPathError, replaceDirAtomically, type OutputGuard } from "../../scripts/output-dir";
import { benchOutputGuard } from "../../scripts/bench/cli-args";
import { parseBookArgs } from "../../scripts/book/cli-args";
import { bookGuard, buildSite } from "../../scripts/book/site";
import { runCli } from "../../scripts/runner/cli";
import { captureStream } from "../runner/helpers";
import { cleanCourse, writeCourse, writeSources } from "../book/fixture";

const root = path.resolve(__dirname, "..", "..");
const tmp = (t: { after: (fn: () => void) => void }) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "output-dir-test-"));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
};

/** Every file under `dir` with its bytes, to prove a refused command changed nothing. */
function snapshot(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) {
      const file = path.join(entry.parentPath, entry.name);
      files.set(path.relative(dir, file), fs.readFileSync(file, "base64"));
    }
  }
  return files;
}

/** A scratch project: package.json, notebooks/, src/, and executed copies in build/executed. */
function scratchProject(t: { after: (fn: () => void) => void }): { project: string; notebooks: string; executed: string } {
  const project = tmp(t);
  fs.writeFileSync(path.join(project, "package.json"), "{}\n");
  fs.mkdirSync(path.join(project, "src"));
  fs.writeFileSync(path.join(project, "src", "index.ts"), "export {};\n");
  const course = cleanCourse();
  const notebooks = writeSources(path.join(project, "notebooks"), course);
  const executed = writeCourse(path.join(project, "build", "executed"), course);
  return { project, notebooks, executed };
}

const guardFor = (project: string, inputs: { flag: string; path: string }[] = []): OutputGuard =>
  ({ tool: "npm run book", flag: "--out", projectRoot: project, inputs });

/** Runs `npm run book` in a child process, from the project root. */
function book(args: string[]) {
  return spawnSync(process.execPath, ["--import", "tsx", path.join(root, "scripts", "book", "main.ts"), ...args], { encoding: "utf8", cwd: root });
}

test("the shared check refuses each dangerous output directory and says why", (t) => {
  const { project, notebooks, executed } = scratchProject(t);
  const guard = guardFor(project, [{ flag: "--executed", path: executed }, { flag: "--notebooks", path: notebooks }]);
  const link = path.join(tmp(t), "link-to-project");
  fs.symlinkSync(project, link);
  const stranger = tmp(t);
  fs.writeFileSync(path.join(stranger, "thesis.tex"), "mine");
  const otherProject = tmp(t);
  fs.writeFileSync(path.join(otherProject, "package.json"), "{}");
  const runnerMade = tmp(t);
  fs.writeFileSync(path.join(runnerMade, MARKER), JSON.stringify({ tool: "npm run workbook" }));
  fs.writeFileSync(path.join(runnerMade, "a.ipynb"), "{}");
  const cases: [string, RegExp][] = [
    [project, /is the project root/],
    [path.dirname(project), /above the project root/],
    ["/", /above the project root/],
    [notebooks, /--out \S+ is --notebooks \S+, which npm run book reads/],
    [path.join(notebooks, "site"), /is inside --notebooks/],
    [path.join(project, "src", "site"), /inside .*src, a folder of sources/],
    [executed, /is --executed/],
    [path.join(executed, "site"), /is inside --executed/],
    [path.join(project, "build"), /holds --executed/],
    [link, /symbolic link/],
    [path.join(link, "notebooks"), /folder of sources|--notebooks/],
    [stranger, /not empty and was not made by `npm run book` \(it has no \.made-by-workbook-tool file\)/],
    [otherProject, /holds sources \(package\.json\)/],
    [runnerMade, /was made by `npm run workbook`, not `npm run book`/],
  ];
  const before = snapshot(project);
  for (const [dir, why] of cases) {
    assert.throws(() => checkOutputDir(dir, guard), (e: unknown) => e instanceof OutputPathError && why.test(e.message), dir);
  }
  assert.deepEqual(snapshot(project), before);
  assert.equal(fs.readFileSync(path.join(stranger, "thesis.tex"), "utf8"), "mine");
});

test("a new, an empty, or a tool-marked directory is accepted; the atomic swap deletes only marked directories", async (t) => {
  const { project } = scratchProject(t);
  const guard = guardFor(project);
  const out = path.join(tmp(t), "site");
  assert.equal(checkOutputDir(out, guard), fs.realpathSync(path.dirname(out)) + "/site");
  await replaceDirAtomically(out, guard, async (dir) => fs.writeFileSync(path.join(dir, "index.html"), "one"));
  assert.equal(markerOf(out), "npm run book");
  await replaceDirAtomically(out, guard, async (dir) => fs.writeFileSync(path.join(dir, "index.html"), "two"));
  assert.equal(fs.readFileSync(path.join(out, "index.html"), "utf8"), "two");
  assert.deepEqual(fs.readdirSync(path.dirname(out)), ["site"], "no temporary directory left beside it");
  // Someone removes the marker and adds their own file: the next build refuses instead of deleting it.
  fs.rmSync(path.join(out, MARKER));
  fs.writeFileSync(path.join(out, "notes.txt"), "mine");
  await assert.rejects(replaceDirAtomically(out, guard, async () => undefined), /not made by `npm run book`/);
  assert.equal(fs.readFileSync(path.join(out, "notes.txt"), "utf8"), "mine");
  assert.deepEqual(fs.readdirSync(path.dirname(out)), ["site"], "the refused build's temporary directory is gone");
});

/**
 * What `npm run book` decides before anything runs (scripts/book/main.ts: parse the arguments, then check --out),
 * in-process from `cwd`: the refusal's message, or undefined when --out is accepted. main.ts turns a refusal into
 * "book: <message>" and exit code 2, which the real command is run for below.
 */
function bookRefusal(args: string[], cwd: string): string | undefined {
  const before = process.cwd();
  process.chdir(cwd);
  try {
    const options = parseBookArgs(args);
    checkOutputDir(options.outArg, bookGuard(options.executed, { notebooksDir: options.notebooks, defaultOut: path.join(root, "build", "book") }));
    return undefined;
  } catch (error) {
    if (error instanceof OutputPathError) return error.message;
    throw error;
  } finally {
    process.chdir(before);
  }
}

test("npm run book refuses --out notebooks, --out ., --out .. and --out equal to --executed, changing nothing", (t) => {
  const { project, notebooks, executed } = scratchProject(t);
  fs.writeFileSync(path.join(executed, "unrelated.txt"), "beside the executed copies");
  const outside = path.dirname(project);
  const before = snapshot(project);
  for (const [args, why] of [
    [["--out", "notebooks"], /--out notebooks is --notebooks \S+, which npm run book reads/],
    [["--out", "."], /--out \. (holds --executed|holds sources)/],
    // Which refusal comes first depends on where this clone lives: under the scratch folder's parent, ".." is
    // also above the project root that runs the book.
    [["--out", ".."], /--out \.\. (holds --executed|is above the project root)/],
    [["--executed", executed, "--out", executed], /is --executed/],
    [["--out", path.join(executed, "..")], /holds --executed/],
  ] as [string[], RegExp][]) {
    // From the scratch project, as a user would run it from the repository: its notebooks are the inputs.
    const refusal = bookRefusal(["--executed", executed, "--notebooks", notebooks, "--no-run", ...args], project);
    assert.match(refusal ?? "(accepted)", why, args.join(" "));
  }
  assert.deepEqual(snapshot(project), before, "every file of the scratch project is still there, byte for byte");
  assert.ok(fs.existsSync(outside));
  // The real command, from the real project's root: refused with exit code 2 and the message.
  const run = book(["--no-run", "--out", "."]);
  assert.equal(run.status, 2);
  assert.match(run.stderr, /^book: .*is the project root/m);
  assert.ok(fs.existsSync(path.join(root, "package.json")));
});

test("npm run book takes over an unmarked build/book of an older book, but nothing else unmarked", async (t) => {
  const { project, executed, notebooks } = scratchProject(t);
  const legacy = path.join(project, "build", "book");
  fs.mkdirSync(path.join(legacy, "assets"), { recursive: true });
  fs.writeFileSync(path.join(legacy, "index.html"), "old");
  const options = { notebooksDir: notebooks, defaultOut: legacy };
  await buildSite(executed, legacy, options);
  assert.equal(markerOf(legacy), "npm run book");
  const elsewhere = path.join(project, "build", "other");
  fs.mkdirSync(elsewhere);
  fs.writeFileSync(path.join(elsewhere, "index.html"), "old");
  assert.throws(() => checkOutputDir(elsewhere, bookGuard(executed, options)), /not made by `npm run book`/);
});

/** Runs the workbook CLI in-process from `cwd`. */
async function workbook(cwd: string, args: string[]) {
  const stdout = captureStream();
  const stderr = captureStream();
  const code = await runCli(args, { stdout: stdout.stream, stderr: stderr.stream, cwd });
  return { code, stderr: stderr.text() };
}

test("npm run workbook refuses --out at the notebooks' own folder, the project, a source folder or a stranger's folder", async (t) => {
  const { project, notebooks } = scratchProject(t);
  const stranger = tmp(t);
  fs.writeFileSync(path.join(stranger, "keep.ipynb"), "{}");
  const before = snapshot(project);
  for (const [out, why] of [
    [notebooks, /the notebooks' folder/],
    [".", /holds the notebook .*01-softmax\.ipynb/],
    [path.join(root, "src"), /folder of sources/],
    [stranger, /not empty and was not made by `npm run workbook`/],
  ] as [string, RegExp][]) {
    const { code, stderr } = await workbook(project, ["--out", out, path.join(notebooks, "01-softmax.ipynb")]);
    assert.equal(code, 1, out);
    assert.match(stderr, why, out);
  }
  assert.deepEqual(snapshot(project), before);
  assert.equal(fs.readFileSync(path.join(stranger, "keep.ipynb"), "utf8"), "{}");
});

test("npm run bench refuses to overwrite a source, a notebook it times, or a file it did not write", (t) => {
  const dir = tmp(t);
  const notes = path.join(dir, "notes.json");
  fs.writeFileSync(notes, '{"mine": true}');
  const notebook = path.join(dir, "a.ipynb");
  fs.writeFileSync(notebook, "{}");
  const guard = benchOutputGuard([notebook]);
  for (const [file, why] of [
    [path.join(root, "package.json"), /was not written by `npm run bench`/],
    [path.join(root, "src", "bench.json"), /folder of sources/],
    [path.join(root, "notebooks", "01-pipeline.ipynb"), /folder of sources/],
    [notebook, /is NOTEBOOK/],
    [notes, /was not written by `npm run bench`/],
    [dir, /is a directory/],
  ] as [string, RegExp][]) {
    assert.throws(() => checkOutputFile(file, guard), why, file);
  }
  const own = path.join(dir, "bench.json");
  assert.equal(checkOutputFile(own, guard), path.join(fs.realpathSync(dir), "bench.json"), "a new file is fine");
  fs.writeFileSync(own, JSON.stringify({ schema: 1, command: "npm run bench -- --quick" }));
  assert.doesNotThrow(() => checkOutputFile(own, guard), "a report the bench wrote may be replaced");
  // End to end: refused before any measuring starts, the file untouched.
  const run = spawnSync(process.execPath, ["--import", "tsx", path.join(root, "scripts", "bench", "main.ts"), "--quick", "--skip-notebooks", "--out", notes], { encoding: "utf8", cwd: root, timeout: 120_000 });
  assert.equal(run.status, 2, run.stderr);
  assert.match(run.stderr, /notes\.json exists and was not written by `npm run bench`/);
  assert.equal(fs.readFileSync(notes, "utf8"), '{"mine": true}');
});
