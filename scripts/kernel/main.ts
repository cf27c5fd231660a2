// `npm run kernel [-- --prefix DIR]`: registers the tslab kernel that runs this project's own tslab.
import * as path from "node:path";
import { parseCommandLine, parseOrExitCode, UsageError } from "../cli-usage";
import { registerKernel } from "./register";

const USAGE = `usage: npm run kernel -- [--prefix DIR]

Registers a Jupyter kernel named "tslab" that starts this project's own tslab (scripts/kernel/tslab-kernel.cjs):
never a node_modules/tslab found above a notebook's folder, and without tslab's HMAC oracle.

  --prefix DIR   register into DIR/share/jupyter/kernels (default: your user's Jupyter directory)
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
    const result = registerKernel({ projectRoot: path.resolve(__dirname, "..", ".."), prefix: options.prefix });
    console.log(`Registered kernel "tslab" with ${result.python}: ${result.kernelJson}`);
    console.log(`It starts: ${result.argv.join(" ")}`);
    console.log("Open the workbook with: jupyter lab notebooks/");
    return 0;
  } catch (error) {
    console.error((error as Error).message);
    return 1;
  }
}

process.exitCode = main(process.argv.slice(2));
