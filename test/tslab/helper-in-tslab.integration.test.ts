import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { findJupyterPython, registerKernel } from "../../scripts/kernel/register";
import { skipOrFail } from "../helpers/skip";

const root = path.resolve(__dirname, "..", "..");

// The built helper must import, type-check (tslab's bundled TypeScript 5.0 reads dist/*.d.ts) and run
// from a notebook in notebooks/, exactly where the workbook's notebooks live.
const source = [
  'import { formatTensor, softmax, argmax, toPipelineOutput } from "../dist";',
  'import { Tensor } from "@huggingface/transformers";',
  'const logits = new Tensor("float32", new Float32Array([-1.5607, 1.6123, 4.1692, -3.3464]), [2, 2]);',
  "const labels: string[] = (toPipelineOutput(logits, { 0: \"NEGATIVE\", 1: \"POSITIVE\" }) as { label: string }[]).map((o) => o.label);",
  'console.log(formatTensor(softmax(logits)));',
  'console.log(formatTensor(argmax(logits)), labels.join(","));',
].join("\n");

test("the built helper imports, type-checks and runs under the real tslab kernel from notebooks/", (t) => {
  let python: string;
  try {
    python = findJupyterPython(["/usr/bin/python3", "python3"]);
  } catch {
    return skipOrFail(t, "no Python with Jupyter here: install jupyter-nbconvert and python3-nbclient (apt) to run this check");
  }
  if (spawnSync(python, ["-c", "import nbclient, nbformat"]).status !== 0) {
    return skipOrFail(t, `${python} lacks nbclient/nbformat: apt-get install python3-nbclient to run this check`);
  }
  const prefix = fs.mkdtempSync(path.join(os.tmpdir(), "kernelspec-"));
  const notebook = path.join(root, "notebooks", `.helper-check-${process.pid}.ipynb`);
  try {
    registerKernel({ projectRoot: root, prefix, pythonCandidates: [python] });
    fs.writeFileSync(notebook, JSON.stringify({
      cells: [{ cell_type: "code", execution_count: null, id: "check", metadata: {}, outputs: [], source }],
      metadata: { kernelspec: { display_name: "TypeScript", language: "typescript", name: "tslab" } },
      nbformat: 4, nbformat_minor: 5,
    }));
    const run = spawnSync(python, ["-c", [
      "import sys, nbformat, nbclient",
      "nb = nbformat.read(sys.argv[1], 4)",
      "nbclient.NotebookClient(nb, timeout=120, resources={'metadata': {'path': sys.argv[2]}}).execute()",
      "print(''.join(o.get('text', '') for o in nb.cells[0].outputs))",
    ].join("\n"), notebook, path.dirname(notebook)], { encoding: "utf8", env: { ...process.env, JUPYTER_PATH: path.join(prefix, "share", "jupyter") } });
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /tensor\(\[\[4\.0195e-02, 9\.5981e-01\],/);
    assert.match(run.stdout, /tensor\(\[1, 0\], dtype=int64, dims=\[2\]\) POSITIVE,NEGATIVE/);
  } finally {
    fs.rmSync(notebook, { force: true });
    fs.rmSync(prefix, { recursive: true, force: true });
  }
});
