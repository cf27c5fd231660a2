import * as fs from "node:fs";
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
import { onnxFileName, type ModelDtype } from "../onnx/load";
import { wrapText } from "../plot/text";
import { modelBanner } from "./banner";
import { ModelLoadError } from "./errors";
import {
  assertDirectoryHolds, fixHint, loadFailure, loadStep, localFile, openCheckpoint, TEXT_FILES, type CheckpointKind,
} from "./loader";
import { modelRecord, recordModel } from "./record";
import { chooseModel, type Env, type ModelChoice } from "./select";

/** Where the two ONNX files every demo model and Xenova checkpoint ship sit: full precision, and dynamically quantized. */
export const ONNX_FILES = { fp32: onnxFileName("fp32"), q8: onnxFileName("q8") } as const;
/** Options of `loadSentimentModel`. */
export interface LoadOptions {
  /** Environment to select from (default `process.env`); ignored when `choice` is given. */
  env?: Env;
  /** A choice made already (by `selectModel`), instead of selecting from `env`. */
  choice?: ModelChoice;
  /** Which weights to run; `fp32` (`onnx/model.onnx`) unless asked. */
  dtype?: ModelDtype;
  /** ONNX files to have on disk for graph inspection; a Hub model downloads those it has not cached yet. */
  onnxFiles?: readonly ModelDtype[];
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
  /** Local path of the model's ONNX file of that dtype, for reading its graph. */
  onnxPath(dtype: ModelDtype): string;
  /** What a notebook prints at the top (see `modelBanner`), broken into lines of at most 100 characters. */
  banner: string;
  loadMs: number;
}

export interface SentimentParts {
  config: PretrainedConfig;
  tokenizer: PreTrainedTokenizer;
  model: PreTrainedModel;
}

/** The sentiment classifier as a checkpoint kind: the text files and the ONNX file of the dtype it runs. */
export function sentimentKind(dtype: ModelDtype): CheckpointKind<SentimentParts> {
  return {
    demoModel: SENTIMENT_DEMO_MODEL_NAME,
    files: [...TEXT_FILES, onnxFileName(dtype)],
    needs: "A transformers.js model directory",
    exportHint: "Add the missing files (export the model with optimum, as the Xenova checkpoints are)",
    load: (choice) => loadParts(choice, dtype),
  };
}

/** Throws naming every file a sentiment model directory lacks (for `dtype`'s ONNX file), and the fix. */
export function assertModelDirectory(dir: string, dtype: ModelDtype = "fp32"): void {
  assertDirectoryHolds(dir, sentimentKind(dtype));
}

/** Which of the two files AutoTokenizer reads made it fail: the one that is missing or not JSON, else tokenizer.json. */
function tokenizerFileToBlame(choice: ModelChoice): string {
  return ["tokenizer_config.json", "tokenizer.json"].find((file) => !isJsonFile(localFile(choice, file))) ?? "tokenizer.json";
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

export interface SentimentParts {
  config: PretrainedConfig;
  tokenizer: PreTrainedTokenizer;
  model: PreTrainedModel;
}

async function loadParts(choice: ModelChoice, dtype: ModelDtype): Promise<SentimentParts> {
  const { source } = choice;
  const config = await loadStep(choice, "config.json", () => AutoConfig.from_pretrained(source));
  const tokenizer = await loadStep(choice, () => tokenizerFileToBlame(choice), () => AutoTokenizer.from_pretrained(source));
  const model = await loadStep(choice, onnxFileName(dtype), () => AutoModelForSequenceClassification.from_pretrained(source, { config, dtype }));
  return { config, tokenizer, model };
}

/** For a Hub model, has transformers.js download (into its cache) each requested ONNX file it lacks. */
export async function fetchOnnxFiles(choice: ModelChoice, dtypes: readonly ModelDtype[]): Promise<void> {
  if (choice.kind !== "hub") return;
  for (const dtype of dtypes) {
    if (fs.existsSync(localFile(choice, onnxFileName(dtype)))) continue;
    try {
      const extra = await AutoModelForSequenceClassification.from_pretrained(choice.source, { dtype });
      await extra.dispose();
    } catch (error) {
      throw loadFailure(choice, onnxFileName(dtype), error);
    }
  }
}

export function onnxPathOf(choice: ModelChoice, dtype: ModelDtype): string {
  const file = onnxFileName(dtype);
  const where = localFile(choice, file);
  if (fs.existsSync(where)) return where;
  const fix = choice.kind === "hub"
    ? `load with loadSentimentModel({ onnxFiles: ["${dtype}"] }) to download it`
    : `this model directory does not ship it; ${fixHint(choice)}`;
  throw new ModelLoadError(`No ${dtype} ONNX file at ${where}: ${fix}.`, where);
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
  const opened = await openCheckpoint(sentimentKind(dtype), options.choice ?? chooseModel(options.env ?? process.env), {
    hubTimeoutMs: options.hubTimeoutMs,
    onFallback: (fallback) => log(wrapText(modelBanner(fallback))),
  });
  const choice = opened.choice;
  await fetchOnnxFiles(choice, options.onnxFiles ?? []);

  const { config, tokenizer, model } = opened.parts;
  const chosen = choice;
  const banner = wrapText(modelBanner(chosen));
  recordModel(modelRecord(chosen, banner));
  return {
    choice: chosen,
    tokenizer,
    model,
    classifier: new TextClassificationPipeline({ task: "text-classification", model, tokenizer }),
    config,
    id2label: labelsOf(config, model),
    onnxPath: (dtype) => onnxPathOf(chosen, dtype),
    banner,
    loadMs: performance.now() - started,
  };
}
