import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { spawnSync } from "node:child_process";
import { jupyterDataPath, jupyterPathExport, openInstructions } from "../../scripts/kernel/jupyter-env";
import { findJupyterPython, JupyterMissingError, registerKernel } from "../../scripts/kernel/register";
import { skipOrFail } from "../helpers/skip";
import { tempDir } from "../helpers/temp-dir";

const root = path.resolve(__dirname, "..", "..");

test("without a Python that has Jupyter, the error says what was tried and how to get Jupyter", () => {
  assert.throws(() => findJupyterPython(["/nonexistent/python3"]), (e: unknown) => {
    assert.ok(e instanceof JupyterMissingError);
    assert.match(e.message, /\/nonexistent\/python3/);
    assert.match(e.message, /pip install jupyterlab/);
    return true;
  });
});

/**
 * Registering costs seconds (tslab's installer and Python's jupyter_client): one registration into a temporary
 * prefix serves the checks that read it; the re-registration check works on a copy of it.
 */
let python: string | undefined;
let missing: string | undefined;
try {
  python = findJupyterPython(["/usr/bin/python3", "python3"]);
} catch {
  missing = "no Python with jupyter_client here (apt-get install jupyter-client); registration not exercised";
}
const prefix = tempDir({ after }, "kernelspec-");
let registered: ReturnType<typeof registerKernel>;
before(() => {
  if (python) registered = registerKernel({ projectRoot: root, prefix, pythonCandidates: [python] });
});

test("npm run kernel registers a kernelspec named tslab that runs this project's own tslab launcher", (t) => {
  if (missing) return skipOrFail(t, missing);
  assert.equal(registered.kernelJson, path.join(prefix, "share", "jupyter", "kernels", "tslab", "kernel.json"));
  assert.deepEqual(registered.argv, [process.execPath, path.join(root, "scripts", "kernel", "tslab-kernel.cjs"), "kernel", "--config-path", "{connection_file}"]);
});

test("a --prefix kernel is found by Jupyter exactly when the printed JUPYTER_PATH line is in effect", (t) => {
  if (missing) return skipOrFail(t, missing);
  const env = { ...process.env };
  delete env.JUPYTER_PATH;
  const line = jupyterPathExport(prefix, jupyterDataPath(python!, env));
  assert.ok(line, "a temporary prefix is not on Jupyter's default path");
  // Run the line in a shell, then ask jupyter_client where the tslab kernelspec is.
  const find = (script: string) => spawnSync("/bin/sh", ["-c", `${script}\n"$0" -c 'from jupyter_client.kernelspec import KernelSpecManager as M; print(M().find_kernel_specs().get("tslab", ""))'`, python!], { encoding: "utf8", env });
  const kernelDir = path.join(prefix, "share", "jupyter", "kernels", "tslab");
  assert.equal(find(line).stdout.trim(), kernelDir);
  assert.notEqual(find(":").stdout.trim(), kernelDir, "without the line Jupyter does not see the --prefix kernel");
  assert.equal(jupyterPathExport("/usr", ["/root/.local/share/jupyter", "/usr/share/jupyter"]), null, "a prefix Jupyter already searches needs no line");
});

test("registering leaves no second kernel: tslab's jslab is removed, and a jslab that was there before is kept unchanged", (t) => {
  if (missing) return skipOrFail(t, missing);
  assert.deepEqual(fs.readdirSync(path.join(prefix, "share", "jupyter", "kernels")), ["tslab"]);
  // Someone else's jslab (say, a global tslab's) survives a second registration byte for byte: tried on a copy.
  const again = tempDir(t, "kernelspec-");
  fs.cpSync(prefix, again, { recursive: true });
  const kernels = path.join(again, "share", "jupyter", "kernels");
  fs.mkdirSync(path.join(kernels, "jslab"));
  const theirs = JSON.stringify({ argv: ["/opt/other/tslab", "kernel", "--config-path", "{connection_file}", "--js"], display_name: "JavaScript", language: "javascript" });
  fs.writeFileSync(path.join(kernels, "jslab", "kernel.json"), theirs);
  registerKernel({ projectRoot: root, prefix: again, pythonCandidates: [python!] });
  assert.deepEqual(fs.readdirSync(kernels).sort(), ["jslab", "tslab"]);
  assert.equal(fs.readFileSync(path.join(kernels, "jslab", "kernel.json"), "utf8"), theirs);
});

test("the next step names the front end that is installed, or says how to install one", () => {
  assert.deepEqual(openInstructions({ lab: true, notebook: true }, "python3"), ["Open the workbook with: jupyter lab notebooks/"]);
  const classic = openInstructions({ lab: false, notebook: true }, "/usr/bin/python3");
  assert.match(classic[0], /^Open the workbook with: jupyter notebook notebooks\//);
  assert.match(classic.join("\n"), /\/usr\/bin\/python3 -m pip install jupyterlab/);
  const none = openInstructions({ lab: false, notebook: false }, "python3").join("\n");
  assert.match(none, /Neither JupyterLab nor the classic Notebook is installed for python3/);
  assert.match(none, /pip install jupyterlab/);
  assert.doesNotMatch(none, /^Open the workbook with/m);
});
