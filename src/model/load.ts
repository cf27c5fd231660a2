import * as fs from "node:fs";
import * as path from "node:path";
import {
  AutoConfig,
  AutoModelForSequenceClassification,
  AutoTokenizer,
  TextClassificationPipeline,
  type PretrainedConfig,
  type PreTrainedModel,
  type PreTrainedTokenizer,
} from "@huggingface/transformers";
import { SENTIMENT_DEMO_MODEL_NAME } from "../demo-models/sentiment";
import { wrapText } from "../plot/text";
import { modelBanner } from "./banner";
import { firstLine, ModelLoadError } from "./errors";
import { ensureDemoModel } from "./demo-model";
import { demoModelDir } from "./paths";
import { chooseModel, OFFLINE_KEYWORD, type Env, type ModelChoice } from "./select";
import { applyTransformersEnv } from "./transformers-env";

/** The two ONNX files a checkpoint ships that the workbook reads: full precision, and dynamically quantized. */
export type OnnxKind = "fp32" | "quantized";

/** Weight types the loader can run: transformers.js's names for `model.onnx` and `model_quantized.onnx`. */
export type ModelDtype = "fp32" | "q8";

/** Where each ONNX file sits inside a model directory (transformers.js's naming). */
export const ONNX_FILES: Readonly<Record<OnnxKind, string>> = { fp32: "onnx/model.onnx", quantized: "onnx/model_quantized.onnx" };

const KIND_OF_DTYPE: Readonly<Record<ModelDtype, OnnxKind>> = { fp32: "fp32", q8: "quantized" };
const DTYPE_OF_KIND: Readonly<Record<OnnxKind, ModelDtype>> = { fp32: "fp32", quantized: "q8" };
const TEXT_FILES = ["config.json", "tokenizer.json", "tokenizer_config.json"] as const;
/** How long the loaders wait for the Hub before falling back to the demo model. */
export const DEFAULT_HUB_TIMEOUT_MS = 5000;

/** Options of `loadSentimentModel`. */
export interface LoadOptions {
  /** Environment to select from (default `process.env`); ignored when `choice` is given. */
  env?: Env;
  /** A choice made already (by `selectModel`), instead of selecting from `env`. */
  choice?: ModelChoice;
  /** Which weights to run; `fp32` (`onnx/model.onnx`) unless asked. */
  dtype?: ModelDtype;
  /** ONNX files to have on disk for graph inspection; a Hub model downloads those it has not cached yet. */
  onnxFiles?: readonly OnnxKind[];
  /** How long to wait for the Hub before falling back to the demo model (default 5000 ms). */
  hubTimeoutMs?: number;
  /** Where the fallback line goes; default nowhere, since `banner` says it (print the banner once, on stdout). */
  log?: (line: string) => void;
}

/** A loaded sentiment model: its parts, the pipeline over them, and where its ONNX files are. */
export interface SentimentModel {
  choice: ModelChoice;
  tokenizer: PreTrainedTokenizer;
  model: PreTrainedModel;
  /** `sentiment-analysis` pipeline over this very tokenizer and model (one ONNX Runtime session). */
  classifier: TextClassificationPipeline;
  config: PretrainedConfig;
  /** Label names by id: the config's `id2label`, or `LABEL_0`, `LABEL_1`, … when it has none (as the pipeline names them). */
  id2label: Record<number, string>;
  /** Local path of the model's ONNX file of that kind, for reading its graph. */
  onnxPath(kind: OnnxKind): string;
  /** What a notebook prints at the top (see `modelBanner`), broken into lines of at most 100 characters. */
  banner: string;
  loadMs: number;
}

interface Parts {
  config: PretrainedConfig;
  tokenizer: PreTrainedTokenizer;
  model: PreTrainedModel;
}

type HubChoice = Extract<ModelChoice, { kind: "hub" }>;

/** Where transformers.js keeps a Hub model's file once downloaded (its file cache mirrors the repo layout). */
function cachedHubFile(choice: HubChoice, file: string): string {
  return path.join(choice.cacheDir, ...choice.id.split("/"), ...file.split("/"));
}

export function isHubModelCached(choice: HubChoice, dtype: ModelDtype): boolean {
  return [...TEXT_FILES, ONNX_FILES[KIND_OF_DTYPE[dtype]]].every((file) => fs.existsSync(cachedHubFile(choice, file)));
}

/** Why the Hub cannot serve `choice` right now (network error, timeout, server error), or null if it answers. */
export async function hubProblem(choice: HubChoice, timeoutMs: number): Promise<string | null> {
  const url = `${choice.endpoint}${choice.id}/resolve/main/config.json`;
  try {
    const response = await fetch(url, { method: "HEAD", signal: AbortSignal.timeout(timeoutMs) });
    return response.status >= 500 ? `${url} answered HTTP ${response.status}` : null;
  } catch (error) {
    return (error as Error).name === "TimeoutError" ? `no answer from ${choice.endpoint} within ${timeoutMs} ms` : firstLine(error);
  }
}

/** Throws naming every file a model directory lacks, and the fix. */
export function checkModelDirectory(dir: string, dtype: ModelDtype = "fp32"): void {
  const needed = [...TEXT_FILES, ONNX_FILES[KIND_OF_DTYPE[dtype]]];
  const missing = needed.filter((file) => !fs.statSync(path.join(dir, file), { throwIfNoEntry: false })?.isFile());
  if (missing.length > 0) {
    throw new ModelLoadError(
      `Model directory ${dir} is missing ${missing.join(", ")}. A transformers.js model directory needs ${needed.join(", ")}. ` +
        `Add the missing files (export the model with optimum, as the Xenova checkpoints are), or set WORKBOOK_MODEL=${OFFLINE_KEYWORD} for the demo model.`,
      dir,
    );
  }
}

/** What to do about a failure, depending on where the model came from. */
function fixHint(choice: ModelChoice): string {
  switch (choice.kind) {
    case "demo":
      return `rebuild it with \`npm run demo-models\``;
    case "directory":
      return `replace the damaged file (re-export the model), or set WORKBOOK_MODEL=${OFFLINE_KEYWORD} for the demo model`;
    case "hub":
      return `delete ${path.join(choice.cacheDir, choice.id)} to download it again, or set WORKBOOK_MODEL=${OFFLINE_KEYWORD} for the demo model`;
  }
}

/** Where a model file is on disk: in the model's directory, or in the Hub cache. */
export function localFile(choice: ModelChoice, file: string): string {
  return choice.kind === "hub" ? cachedHubFile(choice, file) : path.join(choice.dir, file);
}

/** True if `file` exists and parses as JSON. */
function isJsonFile(file: string): boolean {
  try {
    JSON.parse(fs.readFileSync(file, "utf8"));
    return true;
  } catch {
    return false;
  }
}

/** Which of the two files AutoTokenizer reads made it fail: the one that is missing or not JSON, else tokenizer.json. */
function tokenizerFileToBlame(choice: ModelChoice): string {
  return ["tokenizer_config.json", "tokenizer.json"].find((file) => !isJsonFile(localFile(choice, file))) ?? "tokenizer.json";
}

/** Rewords a transformers.js/onnxruntime failure into one naming the file, the problem and the fix. */
export function loadFailure(choice: ModelChoice, file: string, error: unknown): ModelLoadError {
  if (choice.kind === "hub") {
    const cached = cachedHubFile(choice, file);
    if (choice.offline && !fs.existsSync(cached)) {
      return new ModelLoadError(
        `${choice.id}: ${file} is not in ${choice.cacheDir} and ${choice.reason.split(", ").pop()} forbids downloading it. ` +
          `Run once online to download it, or set WORKBOOK_MODEL=${OFFLINE_KEYWORD} for the demo model.`,
        choice.id,
        { cause: error },
      );
    }
    if (!fs.existsSync(cached)) {
      return new ModelLoadError(
        `Could not get ${file} of "${choice.id}" from ${choice.endpoint} (${firstLine(error)}). Check that ${choice.endpoint}${choice.id} exists ` +
          `and ships ${file}, or set WORKBOOK_MODEL=${OFFLINE_KEYWORD} for the demo model.`,
        choice.id,
        { cause: error },
      );
    }
  }
  const where = localFile(choice, file);
  return new ModelLoadError(`Could not load ${where}: ${firstLine(error)}. The file is damaged or not what its name says; ${fixHint(choice)}.`, where, { cause: error });
}

async function loadParts(choice: ModelChoice, dtype: ModelDtype): Promise<Parts> {
  if (choice.kind === "demo") ensureDemoModel(choice.name, choice.dir === demoModelDir(choice.name) ? {} : { dir: choice.dir });
  if (choice.kind === "directory") checkModelDirectory(choice.dir, dtype);
  applyTransformersEnv(choice);
  const { source } = choice;
  // `file` names what failed; a function decides only after the failure (the tokenizer reads two files).
  const step = async <T>(file: string | (() => string), load: () => Promise<T>): Promise<T> => {
    try {
      return await load();
    } catch (error) {
      throw loadFailure(choice, typeof file === "string" ? file : file(), error);
    }
  };
  const config = await step("config.json", () => AutoConfig.from_pretrained(source));
  const tokenizer = await step(() => tokenizerFileToBlame(choice), () => AutoTokenizer.from_pretrained(source));
  const model = await step(ONNX_FILES[KIND_OF_DTYPE[dtype]], () => AutoModelForSequenceClassification.from_pretrained(source, { config, dtype }));
  return { config, tokenizer, model };
}

/** The demo model stands in for the default checkpoint when the Hub cannot be reached. */
export function fallbackChoice(problem: string): ModelChoice {
  const dir = demoModelDir(SENTIMENT_DEMO_MODEL_NAME);
  return {
    kind: "demo",
    name: SENTIMENT_DEMO_MODEL_NAME,
    dir,
    source: dir,
    reason: "fallback",
    hubProblem: problem,
  };
}

/** For a Hub model, has transformers.js download (into its cache) each requested ONNX file it lacks. */
export async function fetchOnnxFiles(choice: ModelChoice, kinds: readonly OnnxKind[]): Promise<void> {
  if (choice.kind !== "hub") return;
  for (const kind of kinds) {
    if (fs.existsSync(cachedHubFile(choice, ONNX_FILES[kind]))) continue;
    try {
      const extra = await AutoModelForSequenceClassification.from_pretrained(choice.source, { dtype: DTYPE_OF_KIND[kind] });
      await extra.dispose();
    } catch (error) {
      throw loadFailure(choice, ONNX_FILES[kind], error);
    }
  }
}

export function onnxPathOf(choice: ModelChoice, kind: OnnxKind): string {
  const file = ONNX_FILES[kind];
  const where = localFile(choice, file);
  if (fs.existsSync(where)) return where;
  const fix = choice.kind === "hub"
    ? `load with loadSentimentModel({ onnxFiles: ["${kind}"] }) to download it`
    : `this model directory does not ship it; ${fixHint(choice)}`;
  throw new ModelLoadError(`No ${kind} ONNX file at ${where}: ${fix}.`, where);
}

/** How many columns the model's `logits` output declares, or undefined when its ONNX shape leaves it symbolic. */
function declaredLogitsWidth(model: PreTrainedModel): number | undefined {
  // transformers.js keeps its onnxruntime sessions on `sessions`; each session's outputMetadata carries the declared shapes.
  type Output = { name: string; isTensor: boolean; shape?: readonly unknown[] };
  const sessions = (model as unknown as { sessions?: Record<string, { outputMetadata?: readonly Output[] }> }).sessions ?? {};
  for (const session of Object.values(sessions)) {
    const width = session.outputMetadata?.find((output) => output.name === "logits")?.shape?.at(-1);
    if (typeof width === "number" && Number.isInteger(width) && width > 0) return width;
  }
  return undefined;
}

/**
 * The config's label names by id. A config without `id2label` gets `LABEL_0`, `LABEL_1`, … (as many as
 * `num_labels` or the logits output's width), the names transformers.js's pipeline falls back to.
 */
function labelsOf(config: PretrainedConfig, model: PreTrainedModel): Record<number, string> {
  const { id2label, num_labels: numLabels } = config as unknown as { id2label?: Record<string, string>; num_labels?: unknown };
  if (id2label && Object.keys(id2label).length > 0) return Object.fromEntries(Object.entries(id2label).map(([id, label]) => [Number(id), label]));
  const count = typeof numLabels === "number" && Number.isInteger(numLabels) && numLabels > 0 ? numLabels : declaredLogitsWidth(model) ?? 0;
  return Object.fromEntries(Array.from({ length: count }, (_, id) => [id, `LABEL_${id}`]));
}

/**
 * Loads the sentiment model the environment selects (see `selectModel`) as tokenizer, model, pipeline
 * and config, running `fp32` weights unless asked. If the default Hub checkpoint cannot be reached, it
 * loads the offline demo model instead and says so in its `banner` (and through `options.log`), never silently.
 */
export async function loadSentimentModel(options: LoadOptions = {}): Promise<SentimentModel> {
  const started = performance.now();
  const dtype = options.dtype ?? "fp32";
  const log = options.log ?? (() => {});
  let choice = options.choice ?? chooseModel(options.env ?? process.env);
  let parts: Parts | undefined;

  if (choice.kind === "hub" && choice.isDefault && !choice.offline) {
    let problem = isHubModelCached(choice, dtype) ? null : await hubProblem(choice, options.hubTimeoutMs ?? DEFAULT_HUB_TIMEOUT_MS);
    if (problem === null) {
      try {
        parts = await loadParts(choice, dtype);
      } catch (error) {
        problem = firstLine(error);
      }
    }
    if (problem !== null) {
      choice = fallbackChoice(problem);
      log(wrapText(modelBanner(choice)));
    }
  }
  parts ??= await loadParts(choice, dtype);
  await fetchOnnxFiles(choice, options.onnxFiles ?? []);

  const { config, tokenizer, model } = parts;
  const chosen = choice;
  return {
    choice: chosen,
    tokenizer,
    model,
    classifier: new TextClassificationPipeline({ task: "text-classification", model, tokenizer }),
    config,
    id2label: labelsOf(config, model),
    onnxPath: (kind) => onnxPathOf(chosen, kind),
    banner: wrapText(modelBanner(chosen)),
    loadMs: performance.now() - started,
  };
}
