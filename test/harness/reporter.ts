/**
 * A quiet node:test reporter: one line per test file (✓/✗, counts, seconds), and full detail only where it is
 * needed — every failure with its error, stack and the file's output, and every skip with its reason. Verbose,
 * it also lists every test and shows every file's output.
 *
 * test/harness/main.ts runs each test process through node:test's run() and hands its event stream here; the
 * report is printed when the stream ends, so the lines of files running at the same time never interleave.
 */
import * as path from "node:path";
import { inspect } from "node:util";
import type { FileSummary, TestRecord } from "./summary";
import { formatSeconds } from "./summary";

/** The fields of node:test's reporter events that this reporter reads. */
interface TestEventData {
  name: string;
  nesting: number;
  file?: string;
  skip?: string | boolean;
  todo?: string | boolean;
  message?: string;
  details?: { duration_ms?: number; error?: unknown; passed?: boolean };
}

/** What the reporter keeps per file: its summary plus what only a failure or --verbose shows. */
interface FileState extends FileSummary {
  output: string[];
  failures: { name: string; error: unknown }[];
  lines: string[];
}

/** One process's tests: the summaries of its files, and the text to print. */
export interface ProcessReport {
  files: FileSummary[];
  text: string;
  /** CPU seconds of the process and its children, when measured. */
  cpuSeconds?: number;
}

/**
 * The last test a shard registers (main.ts), after every member file's: when it has not run, the process ended
 * before its tests were done, e.g. because one of them called process.exit().
 */
export const SHARD_END_TEST = "(every test of this process ran)";

/** Ends the name of the test a shard registers in place of a member file that threw while loading: FILE + this. */
export const LOAD_FAILURE_SUFFIX = " could not be loaded";

const color = process.stdout.isTTY && !process.env.NO_COLOR;
const paint = (code: number, text: string) => (color ? `\u001b[${code}m${text}\u001b[0m` : text);

/**
 * Reads the events of one test process to the end. `target` is the file the process ran; when it is a shard
 * (one process loading several unit test files, see main.ts), `members` lists those files: each is reported on
 * its own, with the sum of its tests' times, and the shard's output is shown with its first failing file.
 */
export async function reportProcess(
  events: AsyncIterable<{ type: string; data: TestEventData }>,
  target: string,
  options: { root: string; verbose: boolean; members?: string[]; cpu?: () => number | undefined },
): Promise<ProcessReport> {
  const files = new Map<string, FileState>();
  const topLevelSeconds = new Map<string, number>();
  const state = (file: string | undefined): FileState => {
    const key = file ?? target;
    let found = files.get(key);
    if (!found) {
      found = { file: path.relative(options.root, key), seconds: 0, passed: 0, failed: 0, skipped: [], todo: 0, tests: [], output: [], failures: [], lines: [], done: false };
      files.set(key, found);
    }
    return found;
  };
  const main = state(target);
  let completed: TestEventData["details"] | undefined;
  let shardEnded = false;
  // node:test credits a test to the file that called test(): one made by a helper module would be credited to the
  // helper, and lost from the counts. Such a test belongs to the file running at the time.
  const known = new Set([target, ...(options.members ?? [])]);
  let running = options.members?.[0] ?? target;
  const fileOf = (file: string | undefined): string => {
    if (file === undefined || file === target) return target;
    if (known.has(file)) return (running = file);
    return options.members ? running : target;
  };
  const loadFailures = new Map((options.members ?? []).map((member) => [member + LOAD_FAILURE_SUFFIX, member]));

  for await (const event of events) {
    const { type } = event;
    let { data } = event;
    const isTarget = data.nesting === 0 && data.name === data.file && data.file === target;
    switch (type) {
      case "test:stdout":
      case "test:stderr":
        state(fileOf(data.file)).output.push(data.message ?? "");
        break;
      case "test:diagnostic":
        if (data.file) state(fileOf(data.file)).output.push(`# ${data.message}\n`);
        break;
      case "test:complete":
        if (isTarget) completed = data.details;
        break;
      case "test:pass":
      case "test:fail": {
        if (isTarget) {
          completed ??= data.details;
          break;
        }
        if (options.members && data.nesting === 0 && data.name === SHARD_END_TEST) {
          shardEnded = true;
          break;
        }
        // A member that threw while loading is reported as that member's failure, not the shard's.
        const failedToLoad = data.nesting === 0 ? loadFailures.get(data.name) : undefined;
        if (failedToLoad) data = { ...data, name: "(the file could not be loaded)" };
        const owner = failedToLoad ?? fileOf(data.file);
        const file = state(owner);
        const seconds = (data.details?.duration_ms ?? 0) / 1000;
        if (data.nesting === 0) topLevelSeconds.set(owner, (topLevelSeconds.get(owner) ?? 0) + seconds);
        const record: TestRecord = { file: file.file, name: data.name, seconds };
        const indent = "  ".repeat(data.nesting);
        if (data.skip !== undefined && data.skip !== false) {
          const reason = typeof data.skip === "string" ? data.skip : "no reason given";
          file.skipped.push({ name: data.name, reason });
          file.lines.push(`      ${indent}- ${data.name} (skipped: ${reason})`);
        } else if (data.todo !== undefined && data.todo !== false) {
          file.todo++;
          file.lines.push(`      ${indent}~ ${data.name} (todo)`);
        } else if (type === "test:pass") {
          file.passed++;
          file.tests.push(record);
          file.lines.push(`      ${indent}✓ ${data.name} ${paint(2, formatSeconds(seconds))}`);
        } else {
          file.failed++;
          file.tests.push(record);
          file.failures.push({ name: data.name, error: data.details?.error });
          file.lines.push(`      ${indent}✗ ${data.name} ${paint(2, formatSeconds(seconds))}`);
        }
        break;
      }
      default:
        break;
    }
  }

  main.seconds = (completed?.duration_ms ?? 0) / 1000;
  // Asked once the stream has ended: the process has exited and written its figure.
  const cpuSeconds = options.cpu?.();
  if (!options.members) main.cpuSeconds = cpuSeconds;
  const members = options.members ?? [target];
  // The process failed with no failing test: it did not load, a hook threw, it timed out or exited early.
  if (completed?.passed === false && !members.some((member) => state(member).failed > 0) && main.failed === 0) {
    main.failed++;
    main.failures.push({ name: options.members ? `(the process running ${members.length} unit test files)` : "(the file itself)", error: completed.error });
  }
  const ran = (file: FileState) => file.passed + file.failed + file.skipped.length + file.todo > 0;
  if (completed !== undefined) {
    // A file with no test to show for itself fails: a silent early exit must not pass as "0 passed".
    const cutShort = options.members !== undefined && !shardEnded;
    const lastThatRan = [...members].reverse().find((member) => ran(state(member)));
    const silent = members.filter((m) => !ran(state(m)));
    for (const member of silent) {
      const why = cutShort
        ? `its process ended before this file's tests ran${lastThatRan ? ` (the last file that reported was ${path.relative(options.root, lastThatRan)}; does a test there call process.exit()?)` : ""}`
        : "the file registers no test, or its process ended before any ran";
      state(member).failed++;
      state(member).failures.push({ name: "(no test of this file ran)", error: why });
    }
    if (cutShort && silent.length === 0 && lastThatRan) {
      state(lastThatRan).failed++;
      state(lastThatRan).failures.push({
        name: "(its process ended before every test had run)",
        error: "the unit test process exited before its last test; does a test in this file call process.exit()?",
      });
    }
  }
  const firstFailing = members.find((member) => state(member).failed > 0);
  const text: string[] = [];
  const summaries: FileSummary[] = [];
  main.done = completed !== undefined;
  for (const member of members) {
    const file = state(member);
    if (options.members) file.seconds = topLevelSeconds.get(member) ?? 0;
    file.done = completed !== undefined;
    // A shard's output cannot be told apart by file: it goes with the first failing file.
    text.push(fileReport(file, options.verbose, options.members && member === firstFailing ? main.output : []));
    summaries.push(strip(file));
  }
  if (options.members && (main.failed > 0 || (options.verbose && main.output.length > 0))) {
    text.push(fileReport(main, options.verbose));
    summaries.push(strip(main));
  }
  return { files: summaries, text: text.join(""), cpuSeconds };
}

function strip({ output: _o, failures: _f, lines: _l, ...summary }: FileState): FileSummary {
  return summary;
}

function fileReport(file: FileState, verbose: boolean, extraOutput: string[] = []): string {
  const ok = file.failed === 0;
  const counts = [
    file.failed > 0 ? paint(31, `${file.failed} failed`) : "",
    `${file.passed} passed`,
    file.skipped.length > 0 ? paint(33, `${file.skipped.length} skipped`) : "",
    file.todo > 0 ? `${file.todo} todo` : "",
  ].filter(Boolean).join(", ");
  const cpu = file.cpuSeconds === undefined ? "" : paint(2, `, ${formatSeconds(file.cpuSeconds)} CPU`);
  const out = [`  ${ok ? paint(32, "✓") : paint(31, "✗")} ${file.file}  ${counts}  ${paint(2, formatSeconds(file.seconds))}${cpu}`];
  if (verbose) out.push(...file.lines);
  else for (const skip of file.skipped) out.push(`      ${paint(33, "skipped")}: ${skip.name}: ${skip.reason}`);
  for (const failure of file.failures) {
    out.push(paint(31, `    ✗ ${failure.name}`));
    out.push(indent(describeError(failure.error), "        "));
  }
  const output = [...file.output, ...extraOutput].join("");
  if ((!ok || verbose) && output.trim() !== "") {
    out.push(`    output of ${file.file}:`);
    out.push(indent(output.replace(/\n$/, ""), "      │ "));
  }
  return `${out.join("\n")}\n`;
}

/** An error from a test event, as node's own reporters show it: the assertion, its diff, its stack. */
function describeError(error: unknown): string {
  const cause = error instanceof Error && error.cause !== undefined ? error.cause : error;
  if (cause === undefined) return "(no error recorded)";
  // The reporter's own findings (a file with no test that ran) are plain text: a stack would point here.
  if (typeof cause === "string") return cause;
  return inspect(cause, { depth: 4, colors: false });
}

function indent(text: string, prefix: string): string {
  return text.split("\n").map((line) => prefix + line).join("\n");
}
