// Memory of a process and everything it started (the runner and its kernels, or Python and its kernels),
// sampled from Linux's /proc: the sum of resident set sizes over the tree, and its peak over time.
// Shared pages (libraries) count once per process, as `ps` would add them up.
import { readdirSync, readFileSync } from "node:fs";

/** Parent pid of every process we can read, from /proc/<pid>/stat. */
function parentsByPid(): Map<number, number> {
  const parents = new Map<number, number>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      // "pid (comm) state ppid …": comm may hold spaces and parentheses, so split after the last ")".
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      parents.set(Number(entry), Number(fields[1]));
    } catch {
      // The process ended between listing and reading.
    }
  }
  return parents;
}

/** `root` and all its live descendants (children, grandchildren, …), root first. */
export function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const [pid, ppid] of parentsByPid()) children.set(ppid, [...(children.get(ppid) ?? []), pid]);
  const tree: number[] = [];
  const queue = [root];
  while (queue.length > 0) {
    const pid = queue.shift()!;
    tree.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return tree;
}

/** Resident memory of one process in bytes (VmRSS), or 0 if it has gone or is a zombie. */
export function residentBytes(pid: number): number {
  try {
    const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** Summed resident memory of a process tree right now, and how many processes it has. */
export function treeResidentBytes(root: number): { bytes: number; processes: number } {
  const tree = processTree(root);
  return { bytes: tree.reduce((sum, pid) => sum + residentBytes(pid), 0), processes: tree.length };
}

/** The largest summed RSS seen while sampling, and the most processes seen at once. */
export interface PeakRss {
  readonly peakBytes: number;
  readonly peakProcesses: number;
  readonly samples: number;
}

/** Throws unless /proc can be read (Linux), saying why the memory figures cannot be taken. */
export function assertProcAvailable(): void {
  try {
    readFileSync(`/proc/${process.pid}/status`, "utf8");
  } catch (error) {
    throw new Error(`peak memory is read from /proc/<pid>/status, which this system lacks (${(error as Error).message}); memory figures need Linux`);
  }
}

/** Samples the summed RSS of `root`'s tree every `intervalMs` until `stop()`, which returns the peak. */
export function samplePeakRss(root: number, intervalMs = 100): { stop: () => PeakRss } {
  assertProcAvailable();
  let peakBytes = 0;
  let peakProcesses = 0;
  let samples = 0;
  const sample = () => {
    const now = treeResidentBytes(root);
    peakBytes = Math.max(peakBytes, now.bytes);
    peakProcesses = Math.max(peakProcesses, now.processes);
    samples++;
  };
  sample();
  const timer = setInterval(sample, intervalMs);
  return {
    stop: () => {
      clearInterval(timer);
      sample();
      return { peakBytes, peakProcesses, samples };
    },
  };
}
