// Relative model paths: a tool resolves them from where the command was typed (npm's INIT_CWD) and hands kernels
// an absolute path; a live kernel, whose working directory is notebooks/, resolves them from the project root.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { tempDir as sharedTempDir } from "../helpers/temp-dir";
import { absoluteModelPaths, chooseModel, commandDir, hubCacheDir, projectRoot, resolveModelPathsFromCommandDir } from "../../src/model";

const tempDir = (t: { after: (fn: () => void) => void }, parent?: string) => sharedTempDir(t, "command-dir-test-", parent);

test("the command's directory is npm's INIT_CWD when it is an absolute path, else the working directory", () => {
  assert.equal(commandDir({ INIT_CWD: "/home/me/project/build" }, "/home/me/project"), "/home/me/project/build");
  assert.equal(commandDir({}, "/home/me/project"), "/home/me/project");
  assert.equal(commandDir({ INIT_CWD: "  " }, "/somewhere"), "/somewhere");
  assert.equal(commandDir({ INIT_CWD: "relative/dir" }, "/somewhere"), "/somewhere");
});

test("relative WORKBOOK_MODEL and WORKBOOK_HF_CACHE paths become absolute from the given directory; nothing else changes", (t) => {
  const base = tempDir(t);
  fs.mkdirSync(path.join(base, "Xenova", "local-copy"), { recursive: true });
  assert.deepEqual(absoluteModelPaths({ WORKBOOK_MODEL: "./build/models/demo", WORKBOOK_HF_CACHE: "cache" }, base), {
    WORKBOOK_MODEL: path.join(base, "build", "models", "demo"),
    WORKBOOK_HF_CACHE: path.join(base, "cache"),
  });
  assert.deepEqual(absoluteModelPaths({ WORKBOOK_MODEL: "../elsewhere" }, base), { WORKBOOK_MODEL: path.join(path.dirname(base), "elsewhere") });
  assert.deepEqual(absoluteModelPaths({ WORKBOOK_MODEL: "~/models/x" }, base), { WORKBOOK_MODEL: path.join(os.homedir(), "models", "x") });
  // A Hub id stays a Hub id, unless a directory of that name is right there (chooseModel prefers the directory too).
  assert.deepEqual(absoluteModelPaths({ WORKBOOK_MODEL: "Xenova/t5-small" }, base), {});
  assert.deepEqual(absoluteModelPaths({ WORKBOOK_MODEL: "Xenova/local-copy" }, base), { WORKBOOK_MODEL: path.join(base, "Xenova", "local-copy") });
  assert.deepEqual(absoluteModelPaths({ WORKBOOK_MODEL: "offline", WORKBOOK_HF_CACHE: " " }, base), {});
  assert.deepEqual(absoluteModelPaths({ WORKBOOK_MODEL: "/abs/model", WORKBOOK_HF_CACHE: "/abs/cache" }, base), {});
});

test("a directory named like the offline keyword does not turn WORKBOOK_MODEL=offline into a path", (t) => {
  const base = tempDir(t);
  fs.mkdirSync(path.join(base, "offline"));
  assert.deepEqual(absoluteModelPaths({ WORKBOOK_MODEL: "offline" }, base), {});
});

test("resolveModelPathsFromCommandDir rewrites the environment it is given, from INIT_CWD", (t) => {
  const base = tempDir(t);
  const env: NodeJS.ProcessEnv = { INIT_CWD: base, WORKBOOK_MODEL: "./m", HOME: os.homedir() };
  assert.deepEqual(resolveModelPathsFromCommandDir(env), { WORKBOOK_MODEL: path.join(base, "m") });
  assert.equal(env.WORKBOOK_MODEL, path.join(base, "m"));
});

test("in a process whose working directory is not the project root (a live kernel), relative paths resolve from the root", (t) => {
  const elsewhere = tempDir(t);
  const model = tempDir(t, path.join(projectRoot(), "build"));
  const relative = `./${path.relative(projectRoot(), model)}`;
  const before = process.cwd();
  process.chdir(elsewhere);
  try {
    const choice = chooseModel({ WORKBOOK_MODEL: relative });
    assert.deepEqual([choice.kind, choice.source], ["directory", model]);
    assert.equal(hubCacheDir({ WORKBOOK_HF_CACHE: relative }), model);
  } finally {
    process.chdir(before);
  }
});

test("`npm run workbook` typed in a subfolder hands the kernel the model path the user meant, made absolute", (t) => {
  const root = projectRoot();
  // The user's folder sits inside the project (npm looks upward for package.json), and holds the model directory.
  const userDir = tempDir(t, path.join(root, "build"));
  fs.mkdirSync(path.join(userDir, "my-model"));
  const notebook = path.join(userDir, "which-model.ipynb");
  const code = [
    `import { chooseModel } from ${JSON.stringify(path.join(root, "dist", "model"))};`,
    `const choice = chooseModel();`,
    `console.log("env " + process.env.WORKBOOK_MODEL);`,
    `console.log("choice " + choice.kind + " " + choice.source);`,
  ].join("\n");
  fs.writeFileSync(notebook, JSON.stringify({
    cells: [{ cell_type: "code", execution_count: null, id: "which", metadata: {}, outputs: [], source: code }],
    metadata: { kernelspec: { display_name: "TypeScript", language: "typescript", name: "tslab" } },
    nbformat: 4,
    nbformat_minor: 5,
  }));
  const out = path.join(userDir, "executed");
  const env: NodeJS.ProcessEnv = { ...process.env, WORKBOOK_MODEL: "./my-model" };
  delete env.INIT_CWD; // npm sets it from the folder the command is typed in
  const run = spawnSync("npm", ["run", "-s", "workbook", "--", "--out", out, notebook], { cwd: userDir, env, encoding: "utf8", timeout: 300_000 });
  assert.equal(run.status, 0, `${run.stdout}\n${run.stderr}`);
  const executed = JSON.parse(fs.readFileSync(path.join(out, "which-model.ipynb"), "utf8"));
  const printed = executed.cells[0].outputs.map((output: { text?: string | string[] }) => [output.text ?? ""].flat().join("")).join("");
  const expected = path.join(userDir, "my-model");
  assert.match(printed, new RegExp(`^env ${expected.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`, "m"));
  assert.ok(printed.includes(`choice directory ${expected}\n`), printed);
});
