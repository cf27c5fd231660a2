// `npm run kernel [-- --prefix DIR]`: registers the tslab kernel that runs this project's own tslab.
import * as path from "node:path";
import { parseArgs } from "node:util";
import { registerKernel } from "./register";

const { values } = parseArgs({ options: { prefix: { type: "string" } } });
try {
  const result = registerKernel({ projectRoot: path.resolve(__dirname, "..", ".."), prefix: values.prefix });
  console.log(`Registered kernel "tslab" with ${result.python}: ${result.kernelJson}`);
  console.log(`It starts: ${result.argv.join(" ")}`);
  console.log("Open the workbook with: jupyter lab notebooks/");
} catch (error) {
  console.error((error as Error).message);
  process.exitCode = 1;
}
