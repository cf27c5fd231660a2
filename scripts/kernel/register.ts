import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { kernelsDir, withoutJslab } from "./jupyter-env";

/** Where to register the kernelspec: the user's registry (default) or a prefix (`<prefix>/share/jupyter/kernels`). */
export interface RegisterOptions {
  projectRoot: string;
  prefix?: string;
  /** Python interpreters to try, in order; the first that imports jupyter_client wins. */
  pythonCandidates?: string[];
}

/** Raised when no Python with Jupyter can be found; its message says how to get one. */
export class JupyterMissingError extends Error {
  constructor(tried: string[]) {
    super(
      `No Python with Jupyter (jupyter_client) was found; tried: ${tried.join(", ")}.\n` +
        "Install Jupyter first, e.g. `pip install jupyterlab` (or on Debian/Ubuntu `apt-get install jupyter-client`),\n" +
        "or point PYTHON at an interpreter that has it: `PYTHON=/path/to/python npm run kernel`.",
    );
    this.name = "JupyterMissingError";
  }
}

/** The interpreters worth trying, most specific first. */
export function defaultPythonCandidates(env: NodeJS.ProcessEnv = process.env): string[] {
  return [env.PYTHON, "python3", "/usr/bin/python3", "python"].filter((p): p is string => Boolean(p));
}

/** The first interpreter that can import jupyter_client, or a JupyterMissingError naming what was tried. */
export function findJupyterPython(candidates: string[]): string {
  for (const python of candidates) {
    const probe = spawnSync(python, ["-c", "import jupyter_client"], { stdio: "ignore" });
    if (probe.status === 0) return python;
  }
  throw new JupyterMissingError(candidates);
}

/** The project's own tslab launcher, so no global install is needed. */
export function projectTslab(projectRoot: string): string {
  const bin = path.join(projectRoot, "node_modules", ".bin", process.platform === "win32" ? "tslab.cmd" : "tslab");
  if (!fs.existsSync(bin)) throw new Error(`${bin} is missing: run \`npm ci\` in ${projectRoot} first`);
  return bin;
}

/** The launcher that starts this project's own tslab with no local-install lookup (see tslab-kernel.cjs). */
export function kernelLauncher(projectRoot: string): string {
  return path.join(projectRoot, "scripts", "kernel", "tslab-kernel.cjs");
}

/** The argv a kernelspec gets: this Node.js, the project's launcher, tslab's own kernel arguments. */
export function kernelArgv(projectRoot: string, js: boolean): string[] {
  return [process.execPath, kernelLauncher(projectRoot), "kernel", "--config-path", "{connection_file}", ...(js ? ["--js"] : [])];
}

/**
 * Points the kernelspec `tslab install` wrote at the launcher instead of the tslab binary, which would run any
 * node_modules/tslab found above the notebook's folder. Written atomically. Only `tslab`: the `jslab` that tslab's
 * installer adds is removed again, and one the user had before is left exactly as it was.
 */
function pinKernelspecs(tslabKernelJson: string, projectRoot: string): void {
  const kernels = path.dirname(path.dirname(tslabKernelJson));
  for (const [name, js] of [["tslab", false]] as const) {
    const file = path.join(kernels, name, "kernel.json");
    if (!fs.existsSync(file)) continue;
    const spec = JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, unknown>;
    spec.argv = kernelArgv(projectRoot, js);
    const temp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(temp, `${JSON.stringify(spec, null, 1)}\n`);
    fs.renameSync(temp, file);
  }
}

/** Registers the `tslab` kernelspec pointing at this project's tslab (not tslab's `jslab`); returns the kernel.json path written. */
export function registerKernel(options: RegisterOptions): { python: string; kernelJson: string; argv: string[] } {
  const python = findJupyterPython(options.pythonCandidates ?? defaultPythonCandidates());
  const tslab = projectTslab(options.projectRoot);
  const args = ["install", "--python", python, "--binary", tslab];
  if (options.prefix) args.push("--prefix", path.resolve(options.prefix));
  else args.push("--user");
  const run = withoutJslab(kernelsDir(python, options.prefix), () => spawnSync(tslab, args, { encoding: "utf8" }));
  if (run.status !== 0) throw new Error(`tslab install failed (exit ${run.status}):\n${run.stderr || run.stdout}`);
  const where = spawnSync(python, ["-c", "from jupyter_client.kernelspec import KernelSpecManager as M; import sys; m=M(); " +
    (options.prefix ? `m.kernel_dirs.insert(0, sys.argv[1] + '/share/jupyter/kernels'); ` : "") +
    "print(m.find_kernel_specs()['tslab'])", path.resolve(options.prefix ?? ".")], { encoding: "utf8" });
  if (where.status !== 0) throw new Error(`the tslab kernelspec was not found after installing it:\n${where.stderr}`);
  const kernelJson = path.join(where.stdout.trim(), "kernel.json");
  pinKernelspecs(kernelJson, options.projectRoot);
  const spec = JSON.parse(fs.readFileSync(kernelJson, "utf8")) as { argv: string[] };
  return { python, kernelJson, argv: spec.argv };
}
