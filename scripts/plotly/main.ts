// `npm run plotly-bundle`: rebuilds vendor/plotly/plotly-workbook.min.js (committed, so nobody else needs to).
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { PLOTLY_BUNDLE_FILE, PLOTLY_TRACE_TYPES, PLOTLY_VERSION } from "../../src/plot/plotly-traces";
import { parseCommandLine, parseOrExitCode, UsageError } from "../cli-usage";
import { buildPlotlyBundle } from "./build";

const USAGE = `usage: npm run plotly-bundle

Rebuilds vendor/plotly/${PLOTLY_BUNDLE_FILE}: plotly.js ${PLOTLY_VERSION} with only the trace types the workbook
draws (${PLOTLY_TRACE_TYPES.join(", ")}; see src/plot/plotly-traces.ts). Installs plotly.js into a temporary folder
first (about 170 MB, removed afterwards): plotly.js is not a dependency of the project, since its own engines field
asks for Node 22 and its dependencies only matter for building this file.

  -h, --help   show this help`;

async function main(argv: string[]): Promise<number> {
  const options = parseOrExitCode("plotly-bundle", USAGE, () => {
    const { values, positionals } = parseCommandLine(argv, { help: { type: "boolean", short: "h" } });
    if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
    return { help: values.help ?? false };
  });
  if (typeof options === "number") return options;
  const out = path.resolve(__dirname, "..", "..", "vendor", "plotly", PLOTLY_BUNDLE_FILE);
  const temp = fs.mkdtempSync(path.join(os.tmpdir(), "plotly-bundle-"));
  try {
    fs.writeFileSync(path.join(temp, "package.json"), JSON.stringify({ name: "plotly-bundle-build", private: true }));
    console.log(`plotly-bundle: installing plotly.js@${PLOTLY_VERSION} into ${temp}`);
    const install = spawnSync("npm", ["install", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error", `plotly.js@${PLOTLY_VERSION}`], {
      cwd: temp,
      stdio: ["ignore", "inherit", "inherit"],
    });
    if (install.status !== 0) {
      console.error(`plotly-bundle: npm install plotly.js@${PLOTLY_VERSION} failed (${install.error?.message ?? `exit ${install.status}`}); nothing was written`);
      return 1;
    }
    const code = await buildPlotlyBundle(temp);
    fs.mkdirSync(path.dirname(out), { recursive: true });
    const partial = `${out}.${process.pid}.tmp`;
    fs.writeFileSync(partial, code);
    fs.renameSync(partial, out);
    console.log(`plotly-bundle: wrote ${path.relative(process.cwd(), out)} (${(Buffer.byteLength(code) / 1e6).toFixed(2)} MB; ${PLOTLY_TRACE_TYPES.join(", ")})`);
    return 0;
  } finally {
    fs.rmSync(temp, { recursive: true, force: true });
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`plotly-bundle: ${(error as Error).stack ?? String(error)}\n`);
    process.exitCode = 1;
  },
);
