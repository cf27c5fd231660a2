// The command line of `npm run book`, parsed apart from the build so that it can be tested without running one.
import * as path from "node:path";
import { parseCommandLine, UsageError } from "../cli-usage";

/** The project root, where the default folders are (as site.ts's PROJECT_ROOT; not imported, to keep this light). */
const root = path.resolve(__dirname, "..", "..");


/** Where --serve listens unless --port says otherwise. */
export const DEFAULT_PORT = 4280;

export const USAGE = `usage: npm run book -- [--executed DIR] [--notebooks DIR] [--out DIR] [--no-run] [--serve [--port N]]

Renders the executed workbook into a static course site that opens from file:// with no network.

  --executed DIR    executed notebooks to render (default: build/executed)
  --notebooks DIR   their sources: executed copies are checked against them by content hash, and the
                    ones that are missing, stale or failed are executed first (default: notebooks)
  --out DIR         where the site goes (default: build/book); a folder the book made, or a new or empty one
  --no-run          do not execute anything: pages that are stale, failed or missing are marked, exit 1
  --serve           then serve the site on http://127.0.0.1 until Ctrl+C: the "try it" panel, which runs the
                    model in the browser, needs http (WebAssembly and model files do not load from file://)
  --port N          the port --serve listens on (default ${DEFAULT_PORT}; 0 for any free one)
  -h, --help        show this help`;

export interface BookOptions {
  executed: string;
  notebooks: string;
  out: string;
  /** --out as typed, for messages. */
  outArg: string;
  noRun: boolean;
  /** The port to serve the site on, or undefined without --serve. */
  serve?: number;
  help: boolean;
}

/** Parses argv (without node and script); throws UsageError naming the bad argument. */
export function parseBookArgs(argv: string[]): BookOptions {
  const { values, positionals } = parseCommandLine(argv, {
    executed: { type: "string" },
    notebooks: { type: "string" },
    out: { type: "string" },
    "no-run": { type: "boolean" },
    serve: { type: "boolean" },
    port: { type: "string" },
    help: { type: "boolean", short: "h" },
  });
  if (values.port !== undefined && !values.serve) throw new UsageError("--port goes with --serve: npm run book -- --serve --port N");
  const port = values.port?.trim();
  if (port !== undefined && (!/^\d{1,5}$/.test(port) || Number(port) > 65535)) {
    throw new UsageError(`--port "${values.port}" is not a port: give a number from 1 to 65535, or 0 for any free one`);
  }
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}": the book is built from a whole directory (--executed DIR)`);
  for (const name of ["executed", "notebooks", "out"] as const) {
    if (values[name] !== undefined && values[name].trim() === "") throw new UsageError(`--${name} needs a directory`);
  }
  return {
    executed: path.resolve(values.executed ?? path.join(root, "build", "executed")),
    notebooks: path.resolve(values.notebooks ?? path.join(root, "notebooks")),
    out: path.resolve(values.out ?? path.join(root, "build", "book")),
    outArg: values.out ?? path.join(root, "build", "book"),
    noRun: values["no-run"] ?? false,
    serve: values.serve ? Number(port ?? DEFAULT_PORT) : undefined,
    help: values.help ?? false,
  };
}
