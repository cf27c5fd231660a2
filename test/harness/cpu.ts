/**
 * CPU accounting for the driver: how many CPU seconds (user + system) each test process, each step and the whole
 * run used. On a shared machine wall times swing with the load; CPU time says where the work goes.
 *
 * The driver's children load cpu-usage.cjs (through NODE_OPTIONS) and write their totals, children included, when
 * they exit; the driver reads them here.
 */
import * as fs from "node:fs";
import * as path from "node:path";

interface CpuRecord {
  pid: number;
  argv: string[];
  seconds: number;
}

let recordsDir: string | undefined;
const claimed = new Set<number>();

/** Makes every process started from now on record its CPU time into `dir` (emptied first, removed at exit). */
export function startCpuAccounting(dir: string): void {
  if (process.platform !== "linux") return;
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  recordsDir = dir;
  process.env.TEST_CPU_DIR = dir;
  process.env.TEST_CPU_PARENT = String(process.pid);
  const preload = `--require "${path.join(__dirname, "cpu-usage.cjs")}"`;
  process.env.NODE_OPTIONS = [process.env.NODE_OPTIONS, preload].filter(Boolean).join(" ");
  process.on("exit", () => fs.rmSync(dir, { recursive: true, force: true }));
}

function records(): CpuRecord[] {
  if (!recordsDir) return [];
  const found: CpuRecord[] = [];
  for (const name of fs.readdirSync(recordsDir)) {
    try {
      found.push(JSON.parse(fs.readFileSync(path.join(recordsDir, name), "utf8")) as CpuRecord);
    } catch {
      // being written
    }
  }
  return found.filter((r) => !claimed.has(r.pid));
}

/** CPU seconds of the exited processes that `match` picks (claimed: each is counted once), or undefined if none. */
export function cpuOf(match: (argv: string[], pid: number) => boolean): number | undefined {
  const picked = records().filter((r) => match(r.argv, r.pid));
  if (picked.length === 0) return undefined;
  for (const r of picked) claimed.add(r.pid);
  return picked.reduce((sum, r) => sum + r.seconds, 0);
}

/** CPU seconds of the processes no one has claimed yet (the kernels of the driver's own workbook run). */
export function unclaimedCpu(): number | undefined {
  return cpuOf(() => true);
}

/** CPU seconds of the driver itself (reporter, workbook runner), without its children. */
export function ownCpuSeconds(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1e6;
}

/** CPU seconds of the driver and every child it has waited for: the whole run so far; undefined off Linux. */
export function totalCpuSeconds(): number | undefined {
  try {
    const stat = fs.readFileSync("/proc/self/stat", "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return fields.slice(11, 15).map(Number).reduce((a, b) => a + b, 0) / 100;
  } catch {
    return undefined;
  }
}
