// The runner against the reference executor (Debian's nbclient): the same notebooks, the same tslab binary,
// each executor in its own process, timed from spawn to exit, with the summed RSS of its process tree
// (executor + kernels) sampled from /proc. Runs alternate between the two so both see the same load.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { projectRoot } from "../../src/model";
import { registerKernel } from "../kernel/register";
import { samplePeakRss } from "./proc-tree";
import { runCommand } from "./run-command";
import { checkRepeat, type RepeatOptions } from "./stats";

/** Debian's interpreter, where python3-nbclient is installed; PYTHON overrides it. */
export const DEFAULT_PYTHON = "/usr/bin/python3";

/** One execution of the whole notebook set by one executor. */
export interface ExecutorRun {
  /** Spawn to exit of the executor process, interpreter start included. */
  readonly wallSeconds: number;
  readonly peakRssBytes: number;
  readonly peakProcesses: number;
  /** The first notebook's kernel: from asking for it to its answer to kernel_info. */
  readonly kernelStartSeconds: number;
}

/** Both executors' measured runs; `nbclient` is null (with the reason) when nbclient cannot run. */
export interface NotebookBench {
  readonly notebooks: string[];
  readonly runner: ExecutorRun[];
  readonly nbclient: ExecutorRun[] | null;
  readonly nbclientSkipped: string | null;
}

/** Options of `benchNotebooks`. */
export interface NotebookBenchOptions {
  readonly notebooks: readonly string[];
  readonly repeat: RepeatOptions;
  /** Environment of both executors (and so of the kernels), e.g. WORKBOOK_MODEL. */
  readonly env: NodeJS.ProcessEnv;
  readonly python?: string;
  /** Seconds a cell may run. */
  readonly timeout?: number;
  /** Receives one line per run. */
  readonly log?: (line: string) => void;
}

/** Why `python` cannot run nbclient, or null if it can. */
export function nbclientProblem(python: string): string | null {
  const probe = spawnSync(python, ["-c", "import nbclient, nbformat, jupyter_client"], { encoding: "utf8" });
  if (probe.error) return `${python} cannot be run (${probe.error.message}); install python3-nbclient or set PYTHON`;
  if (probe.status !== 0) return `${python} cannot import nbclient (apt-get install python3-nbclient, or set PYTHON)`;
  return null;
}

/** A one-cell tslab notebook in `dir`, for smoke runs where the workbook would take too long. */
export function writeTinyNotebook(dir: string): string {
  const file = join(dir, "tiny.ipynb");
  const notebook = {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: "tslab", display_name: "TypeScript", language: "typescript" } },
    cells: [{ cell_type: "code", id: "answer", metadata: {}, execution_count: null, outputs: [], source: ["const answer: number = 6 * 7;\n", "answer"] }],
  };
  writeFileSync(file, JSON.stringify(notebook, null, 1));
  return file;
}

interface ChildResult {
  /** The exception's class name, or null when the notebook ran. */
  error: string | null;
  /** Its first line. */
  message?: string | null;
  seconds: number;
  kernel_start_seconds: number | null;
}

/** Spawns one executor process on the jobs, samples its tree's memory, and checks every notebook ran. */
async function runExecutor(name: string, command: string, args: string[], env: NodeJS.ProcessEnv, notebooks: readonly string[]): Promise<ExecutorRun> {
  let sampler: ReturnType<typeof samplePeakRss> | undefined;
  const run = await runCommand(command, args, { env, onSpawn: (pid) => (sampler = samplePeakRss(pid)) });
  const peak = sampler!.stop();
  if (run.code !== 0) throw new Error(`${name} exited with code ${run.code}:\n${run.stderr.trim().split("\n").slice(-15).join("\n")}`);
  const results = JSON.parse(run.stdout.trim().split("\n").pop() ?? "[]") as ChildResult[];
  const failed = results.findIndex((r) => r.error !== null);
  if (failed >= 0) {
    throw new Error(`${name} failed ${notebooks[failed]} (${results[failed].error}${results[failed].message ? `: ${results[failed].message}` : ""}); the benchmark only times notebooks that run`);
  }
  const kernelStartSeconds = results[0]?.kernel_start_seconds;
  if (typeof kernelStartSeconds !== "number") throw new Error(`${name} did not report its first kernel's start-up time`);
  return { wallSeconds: run.seconds, peakRssBytes: peak.peakBytes, peakProcesses: peak.peakProcesses, kernelStartSeconds };
}

/** Executes the notebooks with the runner and (when available) nbclient, alternating, `warmup` + `runs` times each. */
export async function benchNotebooks(options: NotebookBenchOptions): Promise<NotebookBench> {
  checkRepeat(options.repeat, "benchNotebooks");
  const python = options.python ?? DEFAULT_PYTHON;
  const timeout = options.timeout ?? 300;
  const log = options.log ?? (() => {});
  const work = mkdtempSync(join(tmpdir(), "bench-notebooks-"));
  try {
    let nbclientSkipped = nbclientProblem(python);
    let nbclientEnv: NodeJS.ProcessEnv | null = null;
    if (nbclientSkipped === null) {
      // nbclient finds kernels through Jupyter's kernelspecs: register the project's tslab in a private prefix.
      const prefix = join(work, "jupyter-prefix");
      try {
        registerKernel({ projectRoot: projectRoot(), prefix, pythonCandidates: [python] });
        nbclientEnv = { ...options.env, JUPYTER_PATH: join(prefix, "share", "jupyter") };
      } catch (error) {
        nbclientSkipped = `the tslab kernelspec could not be registered for nbclient: ${(error as Error).message.split("\n")[0]}`;
      }
    }
    const jobsFor = (executor: string, run: number) => {
      const out = join(work, `${executor}-${run}`);
      mkdirSync(out);
      return JSON.stringify(options.notebooks.map((input) => ({ input, output: join(out, basename(input)), timeout })));
    };
    const runner = (run: number) =>
      runExecutor("the runner", process.execPath, ["--import", "tsx", join(__dirname, "runner-child.ts"), jobsFor("runner", run)], options.env, options.notebooks);
    const nbclient = (run: number) => runExecutor("nbclient", python, [join(__dirname, "nbclient_run.py"), jobsFor("nbclient", run)], nbclientEnv!, options.notebooks);

    const measured = { runner: [] as ExecutorRun[], nbclient: [] as ExecutorRun[] };
    const total = options.repeat.warmup + options.repeat.runs;
    for (let run = 0; run < total; run++) {
      const kind = run < options.repeat.warmup ? "warm-up" : "run";
      const order: ("runner" | "nbclient")[] = nbclientEnv === null ? ["runner"] : run % 2 === 0 ? ["runner", "nbclient"] : ["nbclient", "runner"];
      for (const executor of order) {
        const result = executor === "runner" ? await runner(run) : await nbclient(run);
        log(`notebooks: ${executor} ${kind} ${run + 1}/${total}: ${result.wallSeconds.toFixed(1)} s, peak ${(result.peakRssBytes / 2 ** 20).toFixed(0)} MB`);
        if (run >= options.repeat.warmup) measured[executor].push(result);
      }
    }
    return { notebooks: [...options.notebooks], runner: measured.runner, nbclient: nbclientEnv === null ? null : measured.nbclient, nbclientSkipped };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
