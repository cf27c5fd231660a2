/** What every command-line tool of the project shares: a usage error and one way to parse options. */
import { parseArgs, type ParseArgsConfig } from "node:util";

/** A command line that cannot be understood; the message says what to fix. */
export class UsageError extends Error {
  override name = "UsageError";
}

type Options = NonNullable<ParseArgsConfig["options"]>;

/** node:util parseArgs with positionals allowed, its own errors (unknown option, missing value) turned into UsageError. */
export function parseCommandLine<O extends Options>(argv: string[], options: O) {
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/** Writes "<command>: <message>" and the usage text to stderr; returns the exit code for a bad command line (2). */
export function reportUsageError(command: string, error: UsageError, usage: string, stderr: NodeJS.WritableStream = process.stderr): number {
  stderr.write(`${command}: ${error.message}\n\n${usage}\n`);
  return 2;
}

/** Runs `parse`: a UsageError is reported (exit code 2), `help` prints the usage (exit code 0); otherwise the options. */
export function parseOrExitCode<T extends { help: boolean }>(
  command: string,
  usage: string,
  parse: () => T,
  io: { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream } = process,
): T | number {
  let options: T;
  try {
    options = parse();
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    return reportUsageError(command, error, usage, io.stderr);
  }
  if (options.help) {
    io.stdout.write(`${usage}\n`);
    return 0;
  }
  return options;
}
