// `npm run kernel [-- --prefix DIR]`: registers the tslab kernel that runs this project's own tslab.
import * as path from "node:path";
import { commandDir } from "../../src/model/command-dir";
import { parseCommandLine, parseOrExitCode, UsageError } from "../cli-usage";
import { frontEnds, jupyterDataPath, jupyterPathExport, openInstructions } from "./jupyter-env";
import { registerKernel } from "./register";

const USAGE = `usage: npm run kernel -- [--prefix DIR]

Registers a Jupyter kernel named "tslab" that starts this project's own tslab (scripts/kernel/tslab-kernel.cjs):
never a node_modules/tslab found above a notebook's folder, and without tslab's HMAC oracle.

  --prefix DIR   register into DIR/share/jupyter/kernels (default: your user's Jupyter directory); Jupyter
                 finds it there only if DIR is its own prefix or DIR/share/jupyter is on JUPYTER_PATH
  -h, --help     show this help`;

interface KernelCliOptions {
  prefix?: string;
  help: boolean;
}

/** Parses argv (without node and script); throws UsageError naming the bad argument. */
function parseKernelArgs(argv: string[]): KernelCliOptions {
  const { values, positionals } = parseCommandLine(argv, { prefix: { type: "string" }, help: { type: "boolean", short: "h" } });
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  if (values.prefix !== undefined && values.prefix.trim() === "") throw new UsageError("--prefix needs a directory");
  return { prefix: values.prefix, help: values.help ?? false };
}

function main(argv: string[]): number {
  const options = parseOrExitCode("kernel", USAGE, () => parseKernelArgs(argv));
  if (typeof options === "number") return options;
  try {
    // npm runs this from the project root: a relative --prefix means the folder the command was typed in.
    const prefix = options.prefix === undefined ? undefined : path.resolve(commandDir(), options.prefix);
    const result = registerKernel({ projectRoot: path.resolve(__dirname, "..", ".."), prefix });
    console.log(`Registered kernel "tslab" with ${result.python}: ${result.kernelJson}`);
    console.log(`It starts: ${result.argv.join(" ")}`);
    const exportLine = prefix ? jupyterPathExport(prefix, jupyterDataPath(result.python)) : null;
    if (exportLine) console.log(`Jupyter does not look in ${prefix} by itself; in the shell that starts Jupyter, first run:\n  ${exportLine}`);
    for (const line of openInstructions(frontEnds(result.python), result.python)) console.log(line);
    return 0;
  } catch (error) {
    console.error((error as Error).message);
    return 1;
  }
}

process.exitCode = main(process.argv.slice(2));
