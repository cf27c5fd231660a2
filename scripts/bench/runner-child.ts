// The runner side of the runner benchmark, run as its own process so its wall time and memory (with its
// kernels) can be measured from outside exactly like nbclient's. Same job list and result shape as
// nbclient_run.py: argv[2] is [{input, output, timeout}], stdout gets [{error, seconds, kernel_start_seconds}].
import { writeFileSync } from "node:fs";
import { runNotebooks, readNotebook, serializeNotebook } from "../runner";

interface Job {
  input: string;
  output: string;
  timeout: number;
}

async function main(): Promise<void> {
  const jobs = JSON.parse(process.argv[2]) as Job[];
  const inputs = await Promise.all(jobs.map(async (job) => ({ path: job.input, notebook: await readNotebook(job.input) })));
  const kernelStart = new Map<string, number>();
  // As `npm run workbook` does: one timeout for the batch, the next kernel started while a notebook runs.
  const outcomes = await runNotebooks(inputs, {
    timeout: Math.max(...jobs.map((job) => job.timeout)),
    onProgress: (input, event) => {
      if (event.type === "kernel-ready") kernelStart.set(input.path, event.startupSeconds);
    },
    onNotebookEnd: (outcome, index) => {
      const notebook = outcome.result?.notebook;
      if (notebook) writeFileSync(jobs[index].output, serializeNotebook(notebook));
    },
  });
  const results = outcomes.map((outcome) => ({
    error: outcome.error ? `${outcome.error.name}: ${outcome.error.message.split("\n")[0]}` : null,
    seconds: outcome.seconds,
    kernel_start_seconds: kernelStart.get(outcome.path) ?? null,
  }));
  process.stdout.write(`${JSON.stringify(results)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`runner-child: ${(error as Error).stack ?? String(error)}\n`);
  process.exitCode = 1;
});
