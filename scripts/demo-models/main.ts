// `npm run demo-models [-- NAME…] [--out DIR]`: builds every registered demo model (or the named ones) into
// build/models/<name>/ (or DIR/<name>/), atomically, and prints each file's size and sha256.
import * as path from "node:path";
import { buildDemoModel, findDemoModel, DEMO_MODELS, readManifest, writeDemoModelDir } from "../../src/demo-models";
import { demoModelDir, projectRoot } from "../../src/model";
import { parseCommandLine, parseOrExitCode, UsageError } from "../cli-usage";
import { demoModelReport } from "./report";

const USAGE = `usage: npm run demo-models -- [NAME ...] [--out DIR]

Builds the offline demo models, deterministically, into build/models/<name>/ (or DIR/<name>/).

  NAME        a demo model to build (default: all): ${DEMO_MODELS.map((f) => f.name).join(", ")}
  --out DIR   build into DIR/<name>/ instead
  -h, --help  show this help`;

interface DemoModelsCliOptions {
  names: string[];
  out?: string;
  help: boolean;
}

/** Parses argv (without node and script); throws UsageError naming the bad argument. */
function parseDemoModelsArgs(argv: string[]): DemoModelsCliOptions {
  const { values, positionals } = parseCommandLine(argv, { out: { type: "string" }, help: { type: "boolean", short: "h" } });
  if (values.out !== undefined && values.out.trim() === "") throw new UsageError("--out needs a directory");
  const unknown = positionals.find((name) => !DEMO_MODELS.some((f) => f.name === name));
  if (unknown !== undefined) throw new UsageError(`no demo model named "${unknown}"; known demo models: ${DEMO_MODELS.map((f) => f.name).join(", ")}`);
  return { names: positionals, out: values.out, help: values.help ?? false };
}

function main(argv: string[]): number {
  const options = parseOrExitCode("demo-models", `${USAGE}\n\ndemo models:\n${DEMO_MODELS.map((f) => `  ${f.name}: ${f.description}`).join("\n")}`, () => parseDemoModelsArgs(argv));
  if (typeof options === "number") return options;
  const demoModels = options.names.length > 0 ? options.names.map(findDemoModel) : DEMO_MODELS;
  const started = performance.now();
  for (const demoModel of demoModels) {
    const dir = options.out ? path.resolve(options.out, demoModel.name) : demoModelDir(demoModel.name);
    const built = buildDemoModel(demoModel, projectRoot(), readManifest(dir));
    writeDemoModelDir(dir, built.files);
    console.log(demoModelReport(built, path.relative(process.cwd(), dir) || ".").join("\n"));
  }
  console.log(`${demoModels.length} demo model(s) in ${((performance.now() - started) / 1000).toFixed(2)} s`);
  return 0;
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (error) {
  console.error((error as Error).message);
  process.exitCode = 1;
}
