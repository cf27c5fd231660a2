/** Runs notebooks through the reference executor, nbclient (Debian's python3-nbclient), on the project's own kernel. */
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { registerKernel } from "../../scripts/kernel/register";

/** Debian's interpreter, where python3-nbclient is installed (a pyenv shim on PATH may lack it). */
export const SYSTEM_PYTHON = "/usr/bin/python3";

const ROOT = resolve(__dirname, "..", "..");

/** One notebook for nbclient, with nbclient's option names. */
export interface NbclientJob {
  input: string;
  /** Where the executed (or partially executed) notebook is written. */
  output: string;
  timeout: number;
  allow_errors?: boolean;
  interrupt_on_timeout?: boolean;
  /** A kernelspec to run it on instead of the one the notebook names (e.g. one of `extraKernels`). */
  kernel_name?: string;
}

/** A kernelspec written for one nbclient run only: its name and the argv Jupyter starts. */
export interface ExtraKernel {
  name: string;
  argv: string[];
}

/** How one nbclient run ended: the exception class name (or null) and execute()'s wall time. */
export interface NbclientRun {
  error: string | null;
  seconds: number;
}

/** Why nbclient cannot run here, or null when SYSTEM_PYTHON imports it. */
export function nbclientUnavailable(): string | null {
  const probe = spawnSync(SYSTEM_PYTHON, ["-c", "import nbclient, nbformat"], { encoding: "utf8" });
  return probe.status === 0 ? null : `${SYSTEM_PYTHON} cannot import nbclient (apt-get install python3-nbclient)`;
}

/**
 * Executes the jobs in one Python process, on the kernelspec `npm run kernel` registers (the launcher
 * scripts/kernel/tslab-kernel.cjs, the very kernel the runner starts), written into a private prefix found through
 * JUPYTER_PATH so nothing is installed for the user: the two executors differ, the kernel does not. `extraKernels`
 * go into the same prefix (a job picks one with kernel_name). Asynchronous, so a test can do other work meanwhile.
 */
export async function runNbclient(jobs: NbclientJob[], env: NodeJS.ProcessEnv = process.env, extraKernels: ExtraKernel[] = []): Promise<NbclientRun[]> {
  const prefix = mkdtempSync(join(tmpdir(), "tslab-kernelspec-"));
  try {
    // Registering costs ~2 s of CPU (tslab's installer and two Pythons): skipped when every job names an extra kernel.
    const extra = new Set(extraKernels.map((kernel) => kernel.name));
    if (!jobs.every((job) => job.kernel_name !== undefined && extra.has(job.kernel_name))) {
      registerKernel({ projectRoot: ROOT, prefix, pythonCandidates: [SYSTEM_PYTHON] });
    }
    for (const kernel of extraKernels) {
      const dir = join(prefix, "share", "jupyter", "kernels", kernel.name);
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, "kernel.json"), JSON.stringify({ argv: kernel.argv, display_name: kernel.name, language: "typescript" }));
    }
    const script = join(__dirname, "..", "..", "scripts", "bench", "nbclient_run.py");
    const python = spawn(SYSTEM_PYTHON, [script, JSON.stringify(jobs)], {
      env: { ...env, JUPYTER_PATH: join(prefix, "share", "jupyter") },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    python.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    python.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve, reject) => {
      python.once("error", reject);
      python.once("close", (c, s) => resolve([c, s]));
    });
    if (code !== 0) throw new Error(`nbclient failed (${signal ?? `exit ${code}`}):\n${stderr}`);
    return JSON.parse(stdout) as NbclientRun[];
  } finally {
    rmSync(prefix, { recursive: true, force: true });
  }
}
