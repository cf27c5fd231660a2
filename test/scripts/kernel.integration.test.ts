import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { findJupyterPython, JupyterMissingError, registerKernel } from "../../scripts/kernel/register";

const root = path.resolve(__dirname, "..", "..");

test("without a Python that has Jupyter, the error says what was tried and how to get Jupyter", () => {
  assert.throws(() => findJupyterPython(["/nonexistent/python3"]), (e: unknown) => {
    assert.ok(e instanceof JupyterMissingError);
    assert.match(e.message, /\/nonexistent\/python3/);
    assert.match(e.message, /pip install jupyterlab/);
    return true;
  });
});

test("npm run kernel registers a kernelspec named tslab that runs this project's own tslab launcher", (t) => {
  let python: string;
  try {
    python = findJupyterPython(["/usr/bin/python3", "python3"]);
  } catch {
    t.skip("no Python with jupyter_client here (apt-get install jupyter-client); registration not exercised");
    return;
  }
  const prefix = fs.mkdtempSync(path.join(os.tmpdir(), "kernelspec-"));
  try {
    const result = registerKernel({ projectRoot: root, prefix, pythonCandidates: [python] });
    assert.equal(result.kernelJson, path.join(prefix, "share", "jupyter", "kernels", "tslab", "kernel.json"));
    assert.deepEqual(result.argv, [process.execPath, path.join(root, "scripts", "kernel", "tslab-kernel.cjs"), "kernel", "--config-path", "{connection_file}"]);
  } finally {
    fs.rmSync(prefix, { recursive: true, force: true });
  }
});
