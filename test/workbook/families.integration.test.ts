// Issue 21: notebooks 01–06 take apart any sentiment checkpoint a learner picks, not only DistilBERT. Each demo
// model of another family (BERT with 5 labels, RoBERTa with 3, a multi-label DeBERTa-v2) is given to the notebooks
// as WORKBOOK_MODEL=<its directory>, as a learner would, and the six notebooks run through the runner one after
// another. Every notebook must finish, fail no check and print the family's own lines (its head, its labels, its
// post-processing). A model whose head no family has must still run to the end, saying which steps it cannot show.
//
// A model's notebooks share one kernel (test/helpers/one-kernel.ts): a kernel each costs about twice the CPU (75 s
// against 35 s for one model). What a kernel of its own would add, that a notebook needs no name or module another
// one set up, does not depend on the model; the shared workbook run, a kernel per notebook, shows it (last test).
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { readNotebook, type Notebook, type NotebookOutcome } from "../../scripts/runner";
import { CellError } from "../../scripts/runner";
import { decodeModel, encodeModel } from "../../src/onnx/proto";
import { projectRoot } from "../../src/model";
import { demoModel } from "../helpers/demo-model";
import { assertEachRanAlone, runOnOneKernel } from "../helpers/one-kernel";

const NOTEBOOKS = ["01-pipeline", "02-tokenizer", "03-base-model", "04-logits", "05-softmax", "06-postprocess"];
/** Generous, as in the shared workbook run: the machine may be busy. */
const CELL_TIMEOUT_S = 180;

/** What the contract (CONTRACTS.md 6–7) says each demo model's head is. */
interface Family {
  model: string;
  family: string;
  activation: "relu" | "tanh" | "gelu";
  dense: string;
  classifier: string;
  /** The token at position 0, the one the head pools. */
  first: string;
}

const FAMILIES: Family[] = [
  { model: "bert-5star-demo", family: "bert", activation: "tanh", dense: "bert.pooler.dense", classifier: "classifier", first: "[CLS]" },
  { model: "roberta-3label-demo", family: "roberta", activation: "tanh", dense: "classifier.dense", classifier: "classifier.out_proj", first: "<s>" },
  { model: "deberta-v2-multilabel-demo", family: "deberta-v2", activation: "gelu", dense: "pooler.dense", classifier: "classifier", first: "[CLS]" },
];

/** One notebook's executed copy (or the part that ran) and how the run ended. */
interface Ran {
  name: string;
  outcome: NotebookOutcome;
  text: string;
  lines: string[];
  stderr: string[];
}

/** An output's text as a reader sees it (nbformat may keep multi-line strings as lists of lines). */
function outputText(o: { output_type: string; text?: unknown; data?: Record<string, unknown> }): string {
  const joined = (v: unknown) => (Array.isArray(v) ? v.join("") : String(v ?? ""));
  return o.output_type === "stream" ? joined(o.text) : o.data ? joined(o.data["text/plain"]) : "";
}

/** Runs the given course notebooks on the model in `dir` (one kernel, in order), returning each one's outputs. */
async function runOn(dir: string, names: readonly string[]): Promise<Ran[]> {
  const inputs = await Promise.all(names.map(async (name) => {
    const file = path.join(projectRoot(), "notebooks", `${name}.ipynb`);
    return { path: file, notebook: await readNotebook(file) };
  }));
  // Relative to the project root, as a kernel reads it: the banner names the directory, and a clone's absolute path
  // may be longer than an output line.
  const relative = path.relative(projectRoot(), dir);
  const model = relative.startsWith("..") || path.isAbsolute(relative) ? dir : `./${relative}`;
  const env = { ...process.env, WORKBOOK_MODEL: model };
  const outcomes = await runOnOneKernel(inputs, { env, timeout: CELL_TIMEOUT_S });
  return outcomes.map((outcome, i) => {
    const notebook: Notebook | undefined = outcome.result?.notebook ?? (outcome.error instanceof CellError ? outcome.error.notebook : undefined);
    const outputs = (notebook?.cells ?? []).flatMap((c) => (c.cell_type === "code" ? c.outputs : []));
    // Figures' text/plain face is a console summary, not what a reader sees: left out of the line-length check.
    const textOutputs = outputs.filter((o) => !("data" in o && Object.keys(o.data).some((mime) => mime.includes("plotly"))));
    return {
      name: names[i],
      outcome,
      text: outputs.map(outputText).join("\n"),
      lines: textOutputs.flatMap((o) => outputText(o).split("\n")),
      stderr: outputs.filter((o) => o.output_type === "stream" && o.name === "stderr").map(outputText),
    };
  });
}

/** Every notebook ran to its end with no failed check, no stderr, its banner once and lines within 100 columns. */
function assertClean(runs: readonly Ran[], model: string, unchecked: readonly string[] = []): void {
  for (const run of runs) {
    const where = `${model}, ${run.name}`;
    assert.equal(run.outcome.error?.message ?? null, null, `${where} failed`);
    assert.equal(run.outcome.cellsRun, run.outcome.cellsToRun, `${where}: cells run`);
    assert.deepEqual(run.stderr, [], `${where} wrote to stderr`);
    assert.doesNotMatch(run.text, /check failed/, where);
    if (!unchecked.includes(run.name)) assert.match(run.text, /✓ /, `${where} checks itself`);
    assert.equal(run.text.match(/^Model: /gm)?.length, 1, `${where} prints its model banner once`);
    assert.deepEqual(run.lines.filter((line) => [...line].length > 100), [], `${where}: output lines over 100 characters`);
  }
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

for (const family of FAMILIES) {
  test(`${family.model}: notebooks 01–06 run on it, take its ${family.family} head apart and check themselves`, async () => {
    const dir = demoModel(family.model);
    const config = JSON.parse(fs.readFileSync(path.join(dir, "config.json"), "utf8")) as { id2label: Record<string, string>; problem_type?: string; model_type: string };
    const labels = Object.keys(config.id2label).length;
    const multiLabel = config.problem_type === "multi_label_classification";
    const runs = await runOn(dir, NOTEBOOKS);
    assertClean(runs, family.model);
    const output = Object.fromEntries(runs.map((run) => [run.name, run.text]));
    for (const text of Object.values(output)) assert.doesNotMatch(text, /This step can't be shown|– skipped: the head/, `${family.model}: every step is shown`);

    const { dense, activation, classifier } = family;
    const wanted: Record<string, RegExp[]> = {
      "01-pipeline": [new RegExp(`✓ each sentence gets one of the model's ${labels} labels, scored in \\(0, 1\\]`)],
      "03-base-model": [
        new RegExp(`^family: ${escape(family.family)}$`, "m"),
        new RegExp(`^pooled: token 0 \\(${escape(family.first)}\\) → ${escape(dense)} → ${activation}$`, "m"),
        /✓ last_hidden_state is \[batch, sequence, hidden\]/, /✓ hidden size = word-embedding width = \d+/,
        new RegExp(`✓ every sentence has ${escape(family.first)} at position 0`),
      ],
      "04-logits": [
        new RegExp(`^family: ${escape(family.family)}`, "m"),
        new RegExp(`✓ logits are \\[sentences, labels\\] \\(\\[2, ${labels}\\]\\)`),
        new RegExp(`^${escape(dense)} → ${activation} → ${escape(classifier)}, by hand:$`, "m"),
        /✓ the head by hand, recomputeHead and the opened file all give the model's logits/,
        new RegExp(`✓ ${escape(config.model_type)} \\(config\\.model_type\\): the head's activation is ${activation}`),
      ],
      "05-softmax": [
        labels === 2 ? /✓ each row sums to 1 and, for two labels/ : new RegExp(`✓ each row of ${labels} probabilities sums to 1`),
        ...(multiLabel ? [/This model is multi-label/, /✓ sigmoid by hand equals the helper's sigmoid/] : [/Single-label model/]),
      ],
      "06-postprocess": [
        /✓ argmax \+ id2label and the post-processing give the pipeline's labels and scores/,
        /✓ top_k: null gives every label, in the pipeline's order, with its scores/,
        multiLabel ? /multi-label: the scores add up to/ : /✓ softmax: each sentence's scores add up to 1/,
        /✓ sentence 2 alone has the logits it had padded in the batch/, /✓ no token attends to the \d+ padding positions/,
      ],
    };
    for (const [name, patterns] of Object.entries(wanted)) {
      for (const pattern of patterns) assert.match(output[name], pattern, `${family.model}, ${name} should show ${pattern}`);
    }
  });
}

/** A copy of the DistilBERT demo model whose head's activation is a Sigmoid: a head of no family the helper knows. */
function unknownHeadModel(dir: string): void {
  const source = demoModel();
  for (const file of ["config.json", "tokenizer.json", "tokenizer_config.json"]) fs.copyFileSync(path.join(source, file), path.join(dir, file));
  const model = decodeModel(fs.readFileSync(path.join(source, "onnx", "model.onnx")));
  const relus = (model.graph?.node ?? []).filter((node) => node.opType === "Relu");
  assert.equal(relus.length, 1, "the DistilBERT demo model has one ReLU, its head's (its FFNs use GELU)");
  relus[0].opType = "Sigmoid";
  fs.mkdirSync(path.join(dir, "onnx"));
  fs.writeFileSync(path.join(dir, "onnx", "model.onnx"), encodeModel(model));
}

test("a model whose head is of no known family: 03, 04 and 06 say which step they cannot show, and run to the end", async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "unknown-head-"));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  unknownHeadModel(dir);
  const names = ["03-base-model", "04-logits", "06-postprocess"];
  const runs = await runOn(dir, names);
  // 03 has nothing left to check without the hidden states: it must say so instead (below).
  assertClean(runs, "the unknown head", ["03-base-model"]);
  const model = path.basename(dir);
  const cannotShow = new RegExp(`^This step can't be shown for ${escape(model)}: `, "m");
  const [base, logits, post] = runs.map((run) => run.text);
  for (const [name, text] of [["03", base], ["04", logits]]) {
    assert.match(text, cannotShow, `${name} says which step it cannot show`);
    assert.match(text, /– skipped: /, `${name} lists the checks it skipped`);
  }
  // 06 needs only the attention maps: shown if the helper opens graphs whose head it cannot read, skipped if not.
  if (cannotShow.test(post)) assert.match(post, /– skipped: no token attends to padding/);
  else assert.match(post, /✓ no token attends to the \d+ padding positions/);
  assert.match(logits, /✓ logits are \[sentences, labels\] \(\[2, 2\]\)/, "04 still checks what needs no head");
  assert.match(logits, /– skipped: the head by hand against the model's logits/);
  assert.match(post, /✓ argmax \+ id2label and the post-processing give the pipeline's labels and scores/, "06 still rebuilds the pipeline");
  assert.match(base, /AutoModel's outputs: logits/, "03 still runs what transformers.js can do");
});

test("notebooks 01–06 each ran to its end on a kernel of its own (the shared workbook run): none needs another's names", async () => {
  await assertEachRanAlone(NOTEBOOKS.map((name) => `${name}.ipynb`));
});
