/** What a test run produced, shared by the reporter (one node --test group) and the driver (all groups). */

/** One test that ran (passed or failed), with its duration. */
export interface TestRecord {
  file: string;
  name: string;
  seconds: number;
}

/** One test file: counts, wall time, its tests' durations and its skips with their reasons. */
export interface FileSummary {
  /** Path relative to the project root. */
  file: string;
  seconds: number;
  /** CPU seconds (user + system) of the file's process and the children it waited for, when measured alone. */
  cpuSeconds?: number;
  passed: number;
  failed: number;
  skipped: { name: string; reason: string }[];
  todo: number;
  tests: TestRecord[];
  /** False when the file never reported its end (the run was cut short). */
  done: boolean;
}

/** One node --test group as the reporter saw it. */
export interface RunSummary {
  seconds: number;
  files: FileSummary[];
}

/** "0.42 s", "12.3 s", "2 min 05 s". */
export function formatSeconds(seconds: number): string {
  if (seconds < 10) return `${seconds.toFixed(2)} s`;
  if (seconds < 120) return `${seconds.toFixed(1)} s`;
  // Rounded once, before splitting: 239.6 s is "4 min 00 s", not "3 min 60 s".
  const whole = Math.round(seconds);
  return `${Math.floor(whole / 60)} min ${String(whole % 60).padStart(2, "0")} s`;
}

/** The `count` slowest tests of all files. */
export function slowestTests(files: FileSummary[], count: number): TestRecord[] {
  return files.flatMap((f) => f.tests).sort((a, b) => b.seconds - a.seconds).slice(0, count);
}

/** The closing line CI and people read: `N passed, N failed` and, when some were, `, N skipped`. */
export function closingLine(files: FileSummary[]): string {
  const passed = files.reduce((n, f) => n + f.passed, 0);
  const failed = files.reduce((n, f) => n + f.failed, 0);
  const skipped = files.reduce((n, f) => n + f.skipped.length, 0);
  return `${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ""}`;
}
