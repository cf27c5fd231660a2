/**
 * What the chosen Python's Jupyter looks like: where kernelspecs go, where Jupyter looks for them, and which front
 * end (JupyterLab, classic Notebook) is installed. Used by `npm run kernel` to say only what is true.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

/** Runs a short Python snippet with `python` and returns its stdout lines; throws with its stderr if it fails. */
function pythonLines(python: string, code: string, args: string[] = []): string[] {
  const run = spawnSync(python, ["-c", code, ...args], { encoding: "utf8" });
  if (run.status !== 0) throw new Error(`${python} could not answer (${run.error?.message ?? `exit ${run.status}`}):\n${run.stderr}`);
  return run.stdout.split("\n").filter((line) => line !== "");
}

/** The `kernels` directory a kernelspec is installed into: `<prefix>/share/jupyter/kernels`, or the user's. */
export function kernelsDir(python: string, prefix?: string): string {
  if (prefix) return path.join(path.resolve(prefix), "share", "jupyter", "kernels");
  const [dataDir] = pythonLines(python, "from jupyter_core.paths import jupyter_data_dir; print(jupyter_data_dir())");
  return path.join(dataDir, "kernels");
}

/** The data directories Jupyter searches (each holds a `kernels/`), as `jupyter --paths` lists them, JUPYTER_PATH first. */
export function jupyterDataPath(python: string, env: NodeJS.ProcessEnv = process.env): string[] {
  const run = spawnSync(python, ["-c", "from jupyter_core.paths import jupyter_path\nfor p in jupyter_path(): print(p)"], { encoding: "utf8", env });
  if (run.status !== 0) throw new Error(`${python} could not list Jupyter's data path:\n${run.stderr}`);
  return run.stdout.split("\n").filter((line) => line !== "");
}

/** Which Jupyter front ends `python` can start. */
export interface FrontEnds {
  lab: boolean;
  notebook: boolean;
}

/** Whether `python` can import JupyterLab and the classic Notebook. */
export function frontEnds(python: string): FrontEnds {
  const has = (module: string) => spawnSync(python, ["-c", `import ${module}`], { stdio: "ignore" }).status === 0;
  return { lab: has("jupyterlab"), notebook: has("notebook") };
}

/** The shell line that makes Jupyter find kernelspecs under `prefix`, or null when Jupyter already looks there. */
export function jupyterPathExport(prefix: string, searched: readonly string[]): string | null {
  const dataDir = path.join(path.resolve(prefix), "share", "jupyter");
  if (searched.some((dir) => path.resolve(dir) === dataDir)) return null;
  return `export JUPYTER_PATH="${dataDir}\${JUPYTER_PATH:+:\$JUPYTER_PATH}"`;
}

/** What to tell the user to run next, given the front ends that are installed. */
export function openInstructions(found: FrontEnds, python: string): string[] {
  if (found.lab) return ["Open the workbook with: jupyter lab notebooks/"];
  if (found.notebook) {
    return [
      "Open the workbook with: jupyter notebook notebooks/   (the classic Notebook; JupyterLab is not installed)",
      `For JupyterLab instead: ${python} -m pip install jupyterlab`,
    ];
  }
  return [
    `Neither JupyterLab nor the classic Notebook is installed for ${python}; the kernel is registered, but nothing can open it yet.`,
    `Install one: ${python} -m pip install jupyterlab   (or on Debian/Ubuntu: apt-get install jupyter-notebook)`,
    "then open the workbook with: jupyter lab notebooks/",
  ];
}

/**
 * Runs `install` (tslab's installer) while keeping the `jslab` kernelspec it always adds out of `kernels`: tslab's
 * python/install.py registers its JavaScript mode too, which this workbook does not use. A `jslab` that was there
 * before (another tslab's) is set aside and put back unchanged; only the one `install` made is removed.
 */
export function withoutJslab<T>(kernels: string, install: () => T): T {
  const jslab = path.join(kernels, "jslab");
  const aside = fs.existsSync(jslab) ? `${jslab}.kept-by-npm-run-kernel-${process.pid}` : null;
  if (aside) fs.renameSync(jslab, aside);
  try {
    return install();
  } finally {
    fs.rmSync(jslab, { recursive: true, force: true });
    if (aside) fs.renameSync(aside, jslab);
  }
}
