// What the figures were measured on: the machine (cores, load), the software versions, for the JSON and the header.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import * as os from "node:os";
import { join } from "node:path";
import { projectRoot } from "../../src/model";

/** The machine the bench ran on. Load averages are over 1, 5 and 15 minutes (the machine may be shared). */
export interface MachineInfo {
  readonly cores: number;
  readonly cpuModel: string;
  readonly totalMemoryBytes: number;
  readonly platform: string;
  readonly arch: string;
  readonly loadAverage: { readonly start: number[]; readonly end: number[] };
}

/** Versions of everything that is timed. */
export interface Versions {
  readonly node: string;
  readonly onnxruntimeNode: string;
  readonly transformers: string;
  readonly tslab: string;
  /** Null when the interpreter or nbclient is missing. */
  readonly python: string | null;
  readonly nbclient: string | null;
}

/** The installed version of an npm package of this project, from its package.json. */
export function packageVersion(name: string): string {
  const file = join(projectRoot(), "node_modules", ...name.split("/"), "package.json");
  try {
    return (JSON.parse(readFileSync(file, "utf8")) as { version: string }).version;
  } catch (error) {
    throw new Error(`cannot read the version of ${name} from ${file} (${(error as Error).message}); run npm ci`);
  }
}

/** Load averages rounded to two decimals. */
export function loadAverage(): number[] {
  return os.loadavg().map((v) => Math.round(v * 100) / 100);
}

/** Cores, CPU, memory; `start` is the load average taken when the bench began. */
export function machineInfo(start: number[]): MachineInfo {
  const cpus = os.cpus();
  return {
    cores: os.availableParallelism?.() ?? cpus.length,
    cpuModel: cpus[0]?.model.trim() ?? "unknown",
    totalMemoryBytes: os.totalmem(),
    platform: os.platform(),
    arch: os.arch(),
    loadAverage: { start, end: loadAverage() },
  };
}

/** Versions of Node, onnxruntime-node, transformers.js, tslab, and of Python and nbclient at `python`. */
export function versions(python: string): Versions {
  const script = "import sys\nprint(sys.version.split()[0])\ntry:\n    import nbclient\n    print(nbclient.__version__)\nexcept ImportError:\n    print('')";
  const probe = spawnSync(python, ["-c", script], { encoding: "utf8" });
  const [pythonVersion, nbclientVersion] = probe.status === 0 ? probe.stdout.split("\n") : [];
  return {
    node: process.versions.node,
    onnxruntimeNode: packageVersion("onnxruntime-node"),
    transformers: packageVersion("@huggingface/transformers"),
    tslab: packageVersion("tslab"),
    python: pythonVersion || null,
    nbclient: nbclientVersion || null,
  };
}
