/** `npm run workbook`: executes the notebooks headless on tslab (see cli.ts for the command, index.ts for the API). */
import { resolveModelPathsFromCommandDir } from "../../src/model/command-dir";
import { runCli } from "./cli";
import { killAllKernels } from "./kernel-process";
import { stopProgressBars } from "./progress";

// Ctrl-C or a CI cancel: kernels run in their own process groups, so take them down before leaving.
// (If this process is killed outright, each kernel's guard notices the closed pipe and does it.)
for (const [signal, code] of [["SIGINT", 130], ["SIGTERM", 143], ["SIGHUP", 129]] as const) {
  process.on(signal, () => {
    killAllKernels();
    stopProgressBars();
    process.stderr.write(`\nworkbook: ${signal} received, kernels stopped\n`);
    process.exit(code);
  });
}

// Kernels run in notebooks/: a relative WORKBOOK_MODEL must reach them as the absolute path the user meant.
resolveModelPathsFromCommandDir();

runCli(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`workbook: unexpected error: ${(error as Error).stack ?? String(error)}\n`);
    process.exitCode = 1;
  },
);
