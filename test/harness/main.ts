/**
 * `npm test` and `npm run test:unit`: the test driver.
 *
 * npm test builds dist/ and starts the type check (each only when something it reads changed since it last passed),
 * builds the demo models, and executes the workbook once (the executed copies every workbook-reading test shares,
 * test/helpers/workbook.ts); beside it, the test processes run a few at a time from one queue, longest first: each
 * integration file (`*.integration.test.ts`) in a process of its own, the unit files in one process per core; the
 * files that import test/helpers/workbook.ts start once that run is over. It
 * prints a line per test file (wall and CPU time) and, at the end, each integration file's wall and CPU time, the
 * slowest tests, where the CPU time went, and the plain closing line `N passed, N failed[, N skipped]`. Under
 * CI=true a skipped test, or a missing cross-check tool, fails the run.
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { run } from "node:test";
import { parseArgs } from "node:util";
import { killAllKernels } from "../../scripts/runner/kernel-process";
import { commandDir } from "../../src/model/command-dir";
import { projectRoot } from "../../src/model/paths";
import { allDemoModels } from "../helpers/demo-model";
import { groupOf, readsSharedWorkbook, selectTestFiles, type Group } from "./files";
import { markDone, upToDate } from "./freshness";
import { LOAD_FAILURE_SUFFIX, reportProcess, SHARD_END_TEST } from "./reporter";
import { missingRequirements } from "./requirements";
import { cpuOf, ownCpuSeconds, startCpuAccounting, totalCpuSeconds } from "./cpu";
import { closingLine, formatSeconds, slowestTests, type FileSummary } from "./summary";
import { schedule, testConcurrency, type Clock, type Concurrency } from "./schedule";
import { CI } from "../helpers/ci";

const USAGE = `usage: npm test -- [--unit | --integration] [--verbose] [--screenshots] [FILE|DIR ...]
       npm run test:unit -- [--verbose] [FILE|DIR ...]

  (nothing)       everything: build, type check, the workbook executed once, unit and integration tests
  --unit          unit tests only (no build, no type check, no workbook): the edit–test loop
  --integration   integration tests only (*.integration.test.ts)
  FILE|DIR        only these test files, or those under these folders (from where you are, or the project root)
  -v, --verbose   list every test and show every file's output (also TEST_VERBOSE=1)
  --screenshots   browser tests save what they saw in build/screenshots/ (also TEST_SCREENSHOTS=1)
  -h, --help      show this help

Environment: CI=true makes a skipped test or a missing cross-check tool fail the run;
TEST_CONCURRENCY=N runs exactly N test files at a time (default: the number of cores, at least 2,
and one more each time a core has sat idle for 3 s, up to twice that).`;

const root = projectRoot();
/** A test file that runs longer than this is stopped and fails: nothing in the suite should come close. */
const FILE_TIMEOUT_MS = 20 * 60_000;
const TIMINGS = path.join(root, "build", "test", "timings.json");
const TYPECHECK_STATE = path.join("build", "tsc", "typecheck.tsbuildinfo");

/** A tsc step that is skipped while none of its inputs changed since it last succeeded (test/harness/freshness.ts). */
interface TscStep {
  name: string;
  args: string[];
  stamp: string;
  inputs: string[];
  outputs?: string[];
}
const TYPECHECK: TscStep = {
  name: "typecheck",
  args: ["node_modules/typescript/bin/tsc", "--noEmit", "-p", "tsconfig.json", "--incremental", "--tsBuildInfoFile", TYPECHECK_STATE],
  stamp: path.join("build", "tsc", "typecheck.passed"),
  inputs: ["src", "scripts", "test", "tsconfig.json", "package.json", "package-lock.json"],
};
const BUILD: TscStep = {
  name: "build",
  args: ["node_modules/typescript/bin/tsc", "-p", "tsconfig.build.json"],
  stamp: path.join("build", "tsc", "build.passed"),
  inputs: ["src", "tsconfig.build.json", "package.json", "package-lock.json"],
  outputs: [path.join("dist", "index.js")],
};

/** A step that is not a test file (build, type check, shared workbook run), as the summary lists it. */
interface Step {
  name: string;
  seconds: number;
  /** CPU seconds (user + system) of the step's process and its children, when measured. */
  cpuSeconds?: number;
  ok: boolean;
  detail?: string;
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      unit: { type: "boolean" },
      integration: { type: "boolean" },
      verbose: { type: "boolean", short: "v" },
      screenshots: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (values.unit && values.integration) throw new Error("--unit and --integration together: give one of them, or neither to run both groups");
  // npm runs scripts from the project root; paths are read from where the command was typed (INIT_CWD).
  const typedIn = commandDir(process.env, process.cwd());
  const verbose = values.verbose === true || process.env.TEST_VERBOSE === "1";
  // Read by the browser tests (test/book/browser.ts); every test process inherits it.
  if (values.screenshots) process.env.TEST_SCREENSHOTS = "1";
  const concurrency = testConcurrency();
  const started = performance.now();
  process.chdir(root);
  // Hermetic: the offline demo models, never the Hub (what npm test always did).
  process.env.WORKBOOK_MODEL = "offline";
  startCpuAccounting(path.join(root, "build", "test", `cpu-${process.pid}`));

  const files = selectTestFiles(root, positionals, typedIn, values.unit ? "unit" : values.integration ? "integration" : undefined);
  const groups = { unit: files.filter((f) => groupOf(f) === "unit"), integration: files.filter((f) => groupOf(f) === "integration") };
  const everything = positionals.length === 0 && !values.unit && !values.integration;
  console.log(`${groups.unit.length} unit and ${groups.integration.length} integration test files${CI ? " (CI=true: skips fail the run)" : ""}`);

  const steps: Step[] = [];
  const missing = CI ? missingRequirements() : [];
  if (missing.length > 0) {
    console.log(`CI=true, and cross-check tools the tests need are missing:\n${missing.map((m) => `  ${m}`).join("\n")}`);
    steps.push({ name: "cross-check tools", seconds: 0, ok: false, detail: `missing: ${missing.join("; ")}` });
  }

  let typecheck: Promise<Step> | undefined;
  let workbook: Promise<Step> | undefined;
  let building: Promise<Step> | undefined;
  if (everything) {
    // Each runs only if something it reads changed since it last passed (the type check is incremental besides).
    typecheck = tscStep(TYPECHECK);
    building = tscStep(BUILD);
  } else if (groups.integration.length > 0 && !upToDate(root, BUILD.stamp, BUILD.inputs, BUILD.outputs)) {
    const why = !fs.existsSync(path.join(root, BUILD.stamp))
      ? "npm test has not built dist/ here before"
      : (BUILD.outputs ?? []).some((output) => !fs.existsSync(path.join(root, output))) ? "dist/ is missing" : "src/ changed since dist/ was built";
    building = tscStep({ ...BUILD, name: `build (${why})` });
  }
  // The demo models are built from src/ while tsc builds dist/ (a fresh clone waited for one, then the other).
  steps.push(timed("demo models", () => allDemoModels()));
  if (building) {
    const build = await building;
    steps.push(build);
    printStep(build);
    if (!build.ok) return finish(steps, [], started, ...(typecheck ? [await typecheck] : []));
  }
  // dist/'s own builder checks the models it will load (a few milliseconds once they are built).
  if (groups.integration.length > 0) {
    const check = timed("demo models, checked by dist/", () => allDemoModels({ forDist: true }), { quiet: true });
    if (!check.ok) steps.push(check);
  }
  if (everything) {
    // Executed once, fresh, for every test that reads executed notebooks; they find it through this variable.
    process.env.TEST_WORKBOOK_DIR = path.join(root, "build", "test", "workbook-run");
    workbook = sharedWorkbook();
  }

  const summaries = groups.unit.length + groups.integration.length > 0 ? await runTests(groups, verbose, concurrency, workbook) : [];
  const late = await Promise.all([typecheck, workbook].filter((p): p is Promise<Step> => p !== undefined));
  return finish(steps, summaries, started, ...late);
}

/** One test process to start: an integration file, or a shard of unit files loaded one after another. */
interface Job {
  target: string;
  group: Group;
  /** The unit files of a shard. */
  members?: string[];
  /** Seconds it took last time (Infinity when unknown: unknown files start first). */
  expected: number;
  label: string;
  /** It imports test/helpers/workbook.ts: while the driver executes the shared workbook, it could only wait. */
  readsWorkbook: boolean;
}

/**
 * Runs the test files through node:test with the quiet reporter, from one queue, longest first (by the last run's
 * times), as many processes at a time as schedule.ts allows (the number of cores, more while cores sit idle): the
 * slow integration files start at once, beside the shared workbook run, and the short ones fill the gaps, so no
 * group waits for another and the run ends sooner. Integration files run one process each. Unit files are dealt
 * into one shard per core, balanced by their last times: a process per unit file would spend most of its time
 * loading tsx and transformers.js.
 */
async function runTests(groups: Record<Group, string[]>, verbose: boolean, concurrency: Concurrency, workbook?: Promise<Step>): Promise<FileSummary[]> {
  const timings = readTimings();
  const bySlowest = (files: string[]) => [...files].sort((a, b) => (timings[b] ?? Infinity) - (timings[a] ?? Infinity) || a.localeCompare(b));
  const shards = groups.unit.length > 0 ? writeShards(bySlowest(groups.unit), timings, concurrency.base) : new Map<string, string[]>();
  const jobs: Job[] = [...shards].map(([target, members], i) => ({
    target,
    group: "unit" as const,
    members,
    expected: members.reduce((sum, file) => sum + (timings[path.relative(root, file)] ?? 1), 0),
    label: `unit test process ${i + 1} (${members.length} files)`,
    readsWorkbook: members.some((file) => readsSharedWorkbook(root, file)),
  }));
  for (const file of groups.integration) {
    jobs.push({ target: path.join(root, file), group: "integration", expected: timings[file] ?? Infinity, label: file, readsWorkbook: readsSharedWorkbook(root, file) });
  }
  jobs.sort((a, b) => b.expected - a.expected || a.label.localeCompare(b.label));
  const parts = [
    groups.unit.length > 0 ? `${groups.unit.length} unit file${groups.unit.length === 1 ? "" : "s"} in ${shards.size} process${shards.size === 1 ? "" : "es"}` : "",
    groups.integration.length > 0 ? `${groups.integration.length} integration file${groups.integration.length === 1 ? "" : "s"}` : "",
  ].filter(Boolean);
  const atATime = `${concurrency.base} processes at a time${concurrency.fixed ? "" : ` (up to ${concurrency.max} while a core is idle)`}`;
  console.log(`
tests (${parts.join(", ")}; ${atATime}, longest first)`);

  const running = new Map<Job, number>();
  // A quiet run still shows it is alive: what has been running for over two minutes, once a minute.
  const heartbeat = setInterval(() => {
    const slow = [...running].filter(([, since]) => performance.now() - since > 120_000);
    if (slow.length > 0) console.log(`    … still running: ${slow.map(([job, since]) => `${job.label} ${formatSeconds((performance.now() - since) / 1000)}`).join(", ")}`);
  }, 60_000);
  const summaries: FileSummary[] = [];
  const queue = [...jobs];
  const finished: Promise<void>[] = [];
  let peak = 0;
  // The scheduler polls twice a second; a file that ends wakes it at once, so its slot never stands empty.
  let wake = () => {};
  const clock: Clock = {
    now: () => performance.now(),
    sleep: (ms) => new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    }),
  };
  // The files that read the shared workbook start once the driver's run of it is over: until then they would hold
  // a place and do nothing (the nbclient parity test waited a minute), while a file beside the run keeps a core busy.
  let workbookDone = workbook === undefined;
  const workbookOver = () => {
    workbookDone = true;
    wake();
  };
  workbook?.then(workbookOver, workbookOver);
  const start = (job: Job) => {
    running.set(job, performance.now());
    peak = Math.max(peak, running.size);
    const done = (async () => {
      const { target } = job;
      const events = run({ files: [target], timeout: FILE_TIMEOUT_MS, signal: stopping.signal });
      const cpu = () => cpuOf((argv) => argv.includes(target));
      const report = await reportProcess(events as AsyncIterable<never>, target, { root, verbose, members: job.members, cpu }).finally(() => {
        running.delete(job);
        wake();
      });
      if (report.cpuSeconds !== undefined) groupCpu[job.group] = (groupCpu[job.group] ?? 0) + report.cpuSeconds;
      process.stdout.write(report.text);
      summaries.push(...report.files);
    })();
    // Awaited after the last start; until then a failure must not count as an unhandled rejection.
    done.catch(() => undefined);
    finished.push(done);
  };
  try {
    await schedule(queue, start, () => running.size, concurrency, { clock, signal: stopping.signal, ready: (job) => workbookDone || !job.readsWorkbook });
    await Promise.all(finished);
  } finally {
    clearInterval(heartbeat);
    if (shards.size > 0) fs.rmSync(path.dirname([...shards.keys()][0]), { recursive: true, force: true });
  }
  const measured = summaries.filter((s) => s.done && s.file.startsWith("test"));
  // Only files that still exist: a renamed or deleted file's old time would linger in timings.json for ever.
  const merged = { ...timings, ...Object.fromEntries(measured.map((s) => [s.file, s.seconds])) };
  writeTimings(Object.fromEntries(Object.entries(merged).filter(([file]) => fs.existsSync(path.join(root, file)))));
  const integration = summaries.filter((s) => groupOf(s.file) === "integration" && s.file.startsWith("test"));
  if (integration.length > 0) {
    console.log(`\nintegration files, slowest first (wall time; CPU time of the file's process and its children; at most ${peak} test processes ran at once):`);
    for (const s of integration.sort((a, b) => b.seconds - a.seconds)) {
      console.log(`  ${formatSeconds(s.seconds).padStart(9)}  ${s.cpuSeconds === undefined ? "" : `${formatSeconds(s.cpuSeconds).padStart(9)} CPU  `}${s.file}`);
    }
  }
  return summaries;
}

/** Aborted on Ctrl-C or SIGTERM: node:test then kills the test processes it started (else they run on, orphaned). */
const stopping = new AbortController();

/** CPU seconds used by each group's test processes, for the closing summary. */
const groupCpu: Partial<Record<Group, number>> = {};

/**
 * Deals `files` (slowest first) into `count` shard files, each time to the shard with the least work so far. The
 * files of a folder go together when the folder is small (at most half a shard's share): they tend to load the same
 * heavy tools (test/book: shiki, KaTeX and jsdom; test/architecture: the TypeScript compiler), which then load once.
 */
function writeShards(files: string[], timings: Record<string, number>, count: number): Map<string, string[]> {
  const dir = path.join(root, "build", "test", `shards-${process.pid}`);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const seconds = (file: string) => timings[file] ?? 1;
  const total = files.reduce((sum, file) => sum + seconds(file), 0);
  const folders = new Map<string, string[]>();
  for (const file of files) folders.set(path.dirname(file), [...(folders.get(path.dirname(file)) ?? []), file]);
  const bundles: { files: string[]; seconds: number }[] = [];
  for (const members of folders.values()) {
    const sum = members.reduce((s, file) => s + seconds(file), 0);
    if (sum <= total / (2 * count)) bundles.push({ files: members, seconds: sum });
    else bundles.push(...members.map((file) => ({ files: [file], seconds: seconds(file) })));
  }
  bundles.sort((a, b) => b.seconds - a.seconds || a.files[0].localeCompare(b.files[0]));
  const load: { files: string[]; seconds: number }[] = Array.from({ length: Math.min(count, files.length) }, () => ({ files: [], seconds: 0 }));
  for (const bundle of bundles) {
    const lightest = load.reduce((a, b) => (b.seconds < a.seconds ? b : a));
    lightest.files.push(...bundle.files.map((file) => path.join(root, file)));
    lightest.seconds += bundle.seconds;
  }
  const shards = new Map<string, string[]>();
  load.forEach((shard, i) => {
    const file = path.join(dir, `unit-${i + 1}.test.cjs`);
    fs.writeFileSync(file, [
      "// Written by test/harness/main.ts for one run: this process loads these unit test files, one after another.",
      '"use strict";',
      'const { test } = require("node:test");',
      `for (const file of ${JSON.stringify(shard.files, null, 1)}) {`,
      "  try {",
      "    require(file);",
      "  } catch (error) {",
      `    test(file + ${JSON.stringify(LOAD_FAILURE_SUFFIX)}, () => { throw error; });`,
      "  }",
      "}",
      "// Runs after every test above; the reporter fails the process's files when it has not.",
      `test(${JSON.stringify(SHARD_END_TEST)}, () => {});`,
      "",
    ].join("\n"));
    shards.set(file, shard.files);
  });
  return shards;
}

/** The shared workbook run as a step: its failure to run at all is reported here; notebook failures by its tests. */
async function sharedWorkbook(): Promise<Step> {
  const started = performance.now();
  try {
    // Loaded only here: the runner and its imports cost a second of CPU that `--unit` does not need.
    const { executedWorkbook } = await import("../helpers/workbook");
    const run = await executedWorkbook({ fresh: true });
    const failed = run.notebooks.filter((n) => n.error !== null).map((n) => n.name);
    const detail = `${run.notebooks.length} notebooks${failed.length > 0 ? `; failed: ${failed.join(", ")} (see test/workbook)` : ""}`;
    // The kernels it started are the driver's children that ran neither a test file nor a step.
    const cpuSeconds = cpuOf((argv) => !argv.some((arg) => /\.test\.(ts|cjs)$|typescript[/\\]bin[/\\]tsc$/.test(arg)));
    return { name: "workbook, executed once", seconds: (performance.now() - started) / 1000, cpuSeconds, ok: true, detail };
  } catch (error) {
    return { name: "workbook, executed once", seconds: (performance.now() - started) / 1000, ok: false, detail: (error as Error).stack };
  }
}

/** Runs `node <args>` in the project root, capturing its output (shown only if it fails). */
function command(name: string, args: string[]): Promise<Step> {
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));
    child.on("close", (code, signal) => {
      const seconds = (performance.now() - started) / 1000;
      resolve({ name, seconds, cpuSeconds: cpuOf((_argv, pid) => pid === child.pid), ok: code === 0, detail: code === 0 ? undefined : `${output}${signal ? `(killed by ${signal})` : `(exit code ${code})`}` });
    });
  });
}

/** Runs a step in the driver and prints it (with `quiet`, only if it fails). */
function timed(name: string, work: () => void, options: { quiet?: boolean } = {}): Step {
  const started = performance.now();
  try {
    work();
    const step = { name, seconds: (performance.now() - started) / 1000, ok: true };
    if (!options.quiet) printStep(step);
    return step;
  } catch (error) {
    const step = { name, seconds: (performance.now() - started) / 1000, ok: false, detail: (error as Error).stack };
    printStep(step);
    return step;
  }
}

function printStep(step: Step): void {
  const cpu = step.cpuSeconds === undefined ? "" : ` (${formatSeconds(step.cpuSeconds)} CPU)`;
  console.log(`${step.ok ? "✓" : "✗"} ${step.name}  ${formatSeconds(step.seconds)}${cpu}${step.detail && step.ok ? `  (${step.detail})` : ""}`);
  if (!step.ok && step.detail) console.log(step.detail.replace(/^/gm, "    "));
}

/** Runs a tsc step unless nothing it reads changed since it last passed; a pass is recorded for next time. */
async function tscStep(step: TscStep): Promise<Step> {
  if (upToDate(root, step.stamp, step.inputs, step.outputs)) {
    return { name: step.name, seconds: 0, ok: true, detail: `skipped: nothing in ${step.inputs.join(", ")} changed since it last passed` };
  }
  const startedMs = Date.now();
  const result = await command(step.name, step.args);
  if (result.ok) markDone(root, step.stamp, startedMs);
  return result;
}

/**
 * Each file's seconds in the last run here (build/test/timings.json), else in the run the committed
 * expected-seconds.json was taken from, so a fresh clone (CI) also starts the slow files first.
 */
function readTimings(): Record<string, number> {
  const read = (file: string): Record<string, number> => {
    try {
      return JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, number>;
    } catch {
      return {};
    }
  };
  return { ...read(path.join(__dirname, "expected-seconds.json")), ...read(TIMINGS) };
}

function writeTimings(timings: Record<string, number>): void {
  fs.mkdirSync(path.dirname(TIMINGS), { recursive: true });
  const temp = `${TIMINGS}.${process.pid}.tmp`;
  fs.writeFileSync(temp, `${JSON.stringify(timings, null, 1)}\n`);
  fs.renameSync(temp, TIMINGS);
}

/** Prints the steps that ran alongside the tests, the slowest tests and the closing line; returns the exit code. */
function finish(steps: Step[], summaries: FileSummary[], started: number, ...late: Step[]): number {
  for (const step of late) {
    steps.push(step);
  }
  console.log("");
  for (const step of late) printStep(step);
  const slow = slowestTests(summaries, 10);
  if (slow.length > 0) {
    console.log("\nslowest tests:");
    for (const t of slow) console.log(`  ${formatSeconds(t.seconds).padStart(9)}  ${t.file}: ${t.name}`);
  }
  const failedSteps = steps.filter((s) => !s.ok);
  const skipped = summaries.flatMap((f) => f.skipped.map((s) => ({ ...s, file: f.file })));
  const unfinished = summaries.filter((f) => !f.done);
  const problems: string[] = [
    ...failedSteps.map((s) => `${s.name} failed`),
    ...unfinished.map((f) => `${f.file} did not finish`),
  ];
  if (CI && skipped.length > 0) {
    problems.push(`CI=true: ${skipped.length} test(s) skipped instead of running:`);
    for (const s of skipped) problems.push(`  ${s.file}: ${s.name}: ${s.reason}`);
  }
  if (problems.length > 0) console.log(`\n${problems.join("\n")}`);
  const failedTests = summaries.reduce((n, f) => n + f.failed, 0);
  const total = totalCpuSeconds();
  const parts = [...steps.filter((s) => s.cpuSeconds !== undefined).map((s) => `${s.name} ${formatSeconds(s.cpuSeconds!)}`),
    ...Object.entries(groupCpu).map(([group, cpu]) => `${group} tests ${formatSeconds(cpu)}`), `the driver itself ${formatSeconds(ownCpuSeconds())}`];
  console.log(`\ntook ${formatSeconds((performance.now() - started) / 1000)}${total === undefined ? "" : `, ${formatSeconds(total)} of CPU (user + system, every process)${parts.length > 0 ? `: ${parts.join(", ")}` : ""}`}`);
  // The plain closing line, last: failed steps (build, type check, …) count as failures.
  const line = closingLine(summaries);
  console.log(failedSteps.length === 0 ? line : line.replace(/(\d+) failed/, `${failedTests + failedSteps.length} failed`));
  return failedTests > 0 || problems.length > 0 ? 1 : 0;
}

for (const [signal, code] of [["SIGINT", 130], ["SIGTERM", 143]] as const) {
  process.on(signal, () => {
    stopping.abort();
    killAllKernels();
    process.exit(code);
  });
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(`npm test: ${(error as Error).message}\n${USAGE}`);
    process.exitCode = 2;
  },
);
