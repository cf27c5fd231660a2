import * as fs from "node:fs";
import {
  AutoConfig,
  AutoModelForSeq2SeqLM,
  AutoTokenizer,
  type PretrainedConfig,
  type PreTrainedModel,
  type PreTrainedTokenizer,
} from "@huggingface/transformers";
import { T5_DEMO_MODEL_NAME } from "../../demo-models/t5";
import { modelBanner, type BannerWording } from "../banner";
import { ModelLoadError } from "../errors";
import { loadStep, localFile, openCheckpoint, TEXT_FILES, type CheckpointKind } from "../loader";
import { demoModelDir } from "../paths";
import { modelRecord, recordModel } from "../record";
import { chooseModel, OFFLINE_KEYWORD, type Env, type ModelChoice } from "../select";

/** The T5 checkpoint notebook 07 uses, as transformers.js loads it from the Hugging Face Hub. */
export const T5_DEFAULT_HUB_MODEL = "Xenova/t5-small";

/** The two ONNX files transformers.js loads for a T5 (it never loads decoder_model.onnx). */
export const T5_ONNX_FILES = { encoder: "onnx/encoder_model.onnx", decoder: "onnx/decoder_model_merged.onnx" } as const;

/** The numbers the T5 helpers need, read from the model's config and tokenizer rather than assumed. */
export interface T5Spec {
  dModel: number;
  /** config.vocab_size: the width of the logits (t5-small: 32128, a little more than the tokenizer's 32100 pieces). */
  vocabSize: number;
  /** Pieces the tokenizer knows. */
  tokenizerSize: number;
  decoderStartTokenId: number;
  padTokenId: number;
  eosTokenId: number;
  /** Longest input the tokenizer keeps when truncating (tokenizer_config model_max_length). */
  maxInputTokens: number;
}

/** A loaded T5: tokenizer, model (encoder + merged decoder sessions), config, and where it came from. */
export interface T5Model {
  choice: ModelChoice;
  tokenizer: PreTrainedTokenizer;
  model: PreTrainedModel;
  config: PretrainedConfig;
  spec: T5Spec;
  /** The line the notebook prints at the top: which model runs, and whether its numbers are t5-small's. */
  banner: string;
  /** Local path of the encoder or merged-decoder ONNX file, for reading its graph. */
  onnxPath(part: keyof typeof T5_ONNX_FILES): string;
  loadMs: number;
}

/**
 * The T5 counterpart of the workbook's model choice (same variables, same rules, see `chooseModel`):
 * unset → Xenova/t5-small; `WORKBOOK_MODEL=offline` or `HF_HUB_OFFLINE=1` → the demo T5 demo model; an
 * explicit Hub id or directory is used as given and must be an encoder–decoder model.
 */
export function chooseT5Model(env: Env = process.env): ModelChoice {
  const choice = chooseModel(env);
  if (choice.kind === "demo") {
    const dir = demoModelDir(T5_DEMO_MODEL_NAME);
    return { ...choice, name: T5_DEMO_MODEL_NAME, dir, source: dir };
  }
  if (choice.kind === "hub" && choice.isDefault) return { ...choice, id: T5_DEFAULT_HUB_MODEL, source: T5_DEFAULT_HUB_MODEL };
  return choice;
}

// The course has no T5 figures: the default is this notebook's own, and other models are compared with t5-small.
const T5_WORDING: BannerWording = { defaultCheckpoint: "this notebook's default checkpoint", reference: "t5-small's" };

/**
 * The lines saying which T5 runs, each at most about 100 characters; the demo's say that its sizes differ,
 * since only its layout is t5-small's.
 */
export function t5Banner(choice: ModelChoice, spec: Pick<T5Spec, "dModel" | "vocabSize">): string {
  if (choice.kind !== "demo") return modelBanner(choice, T5_WORDING);
  const sizes = `d_model ${spec.dModel}, vocab ${spec.vocabSize} instead of t5-small's 512 and 32128, so its numbers differ.`;
  return choice.hubProblem
    ? [
        `Model: offline demo T5 ${choice.name}, because the Hugging Face Hub cannot be reached`,
        `(${choice.hubProblem}).`,
        "It is hand-built and copies its input:",
        sizes,
        `Set WORKBOOK_MODEL=${OFFLINE_KEYWORD} to skip the Hub check.`,
      ].join("\n")
    : [`Model: offline demo T5 ${choice.name} (${choice.reason}), hand-built weights that copy the input:`, sizes].join("\n");
}

/** T5 as a checkpoint kind for the shared loader: its files, its demo model, and reading (only) its config. */
const T5_KIND: CheckpointKind<PretrainedConfig> = {
  demoModel: T5_DEMO_MODEL_NAME,
  files: [...TEXT_FILES, ...Object.values(T5_ONNX_FILES)],
  needs: "A transformers.js T5",
  exportHint: "Export it with optimum (as Xenova/t5-small is)",
  load: readT5Config,
};

function numberField(config: PretrainedConfig, name: string, fallback?: number): number {
  const value = (config as unknown as Record<string, unknown>)[name];
  if (typeof value === "number") return value;
  if (fallback !== undefined) return fallback;
  throw new ModelLoadError(`config.json has no numeric "${name}"; notebook 07 needs a T5-style encoder–decoder config`, name);
}

function specOf(config: PretrainedConfig, tokenizer: PreTrainedTokenizer): T5Spec {
  const padTokenId = numberField(config, "pad_token_id");
  return {
    dModel: numberField(config, "d_model"),
    vocabSize: numberField(config, "vocab_size"),
    tokenizerSize: tokenizer.get_vocab().size,
    decoderStartTokenId: numberField(config, "decoder_start_token_id", padTokenId),
    padTokenId,
    eosTokenId: numberField(config, "eos_token_id"),
    maxInputTokens: tokenizer.model_max_length,
  };
}

/** Reads the config of a loadable choice and refuses one that is not an encoder–decoder model. */
async function readT5Config(choice: ModelChoice): Promise<PretrainedConfig> {
  const config = await loadStep(choice, "config.json", () => AutoConfig.from_pretrained(choice.source));
  if (!(config as unknown as { is_encoder_decoder?: boolean }).is_encoder_decoder) {
    throw new ModelLoadError(
      `${choice.source} is not an encoder–decoder model (config.is_encoder_decoder is not true; model_type ${config.model_type}). ` +
        `Notebook 07 needs a T5-style model: unset WORKBOOK_MODEL for ${T5_DEFAULT_HUB_MODEL}, or set WORKBOOK_MODEL=${OFFLINE_KEYWORD} for the demo T5.`,
      choice.source,
    );
  }
  return config;
}

/** Which T5 a notebook runs: the string to hand to `from_pretrained`, its config, its banner and its ONNX files. */
export interface T5Checkpoint {
  choice: ModelChoice;
  /** A Hub id or a directory: what `AutoTokenizer.from_pretrained` and `AutoModelForSeq2SeqLM.from_pretrained` take. */
  checkpoint: string;
  config: PretrainedConfig;
  /** The lines the notebook prints at the top: which model runs, and whether its numbers are t5-small's. */
  banner: string;
  /** Local path of the encoder or merged-decoder ONNX file (after the model is loaded), for reading its graph. */
  onnxPath(part: keyof typeof T5_ONNX_FILES): string;
}

/**
 * Picks the T5 checkpoint the environment selects (see `chooseT5Model`) and sets transformers.js's `env` up
 * for it; loads nothing but its config. If the default Hub checkpoint's config cannot be fetched, it picks the
 * offline demo T5 instead, and the banner says why.
 */
export async function pickT5Checkpoint(options: { env?: Env; choice?: ModelChoice; hubTimeoutMs?: number } = {}): Promise<T5Checkpoint> {
  const { choice, parts: config } = await openCheckpoint(T5_KIND, options.choice ?? chooseT5Model(options.env ?? process.env), { hubTimeoutMs: options.hubTimeoutMs });
  const chosen = choice;
  const banner = t5Banner(chosen, { dModel: numberField(config, "d_model"), vocabSize: numberField(config, "vocab_size") });
  recordModel(modelRecord(chosen, banner));
  return {
    choice: chosen,
    checkpoint: chosen.source,
    config,
    banner,
    onnxPath(part) {
      const where = localFile(chosen, T5_ONNX_FILES[part]);
      if (!fs.existsSync(where)) throw new ModelLoadError(`No ${T5_ONNX_FILES[part]} at ${where}; load the model with from_pretrained first.`, where);
      return where;
    },
  };
}

/**
 * Loads the T5 the environment selects (see `pickT5Checkpoint`): tokenizer, fp32 model, spec. If the default Hub
 * checkpoint cannot be reached, it loads the offline demo T5 instead and says so in one line (through `options.log`).
 */
export async function loadT5Model(options: { env?: Env; choice?: ModelChoice; hubTimeoutMs?: number; log?: (line: string) => void } = {}): Promise<T5Model> {
  const started = performance.now();
  const log = options.log ?? ((line: string) => console.warn(line));
  const picked = await pickT5Checkpoint(options);
  const { choice, config } = picked;
  if (choice.kind === "demo" && choice.hubProblem) log(picked.banner);
  const tokenizer = await loadStep(choice, "tokenizer.json", () => AutoTokenizer.from_pretrained(choice.source));
  const model = await loadStep(choice, T5_ONNX_FILES.decoder, () => AutoModelForSeq2SeqLM.from_pretrained(choice.source, { config, dtype: "fp32" }));
  return {
    choice, tokenizer, model, config,
    spec: specOf(config, tokenizer),
    banner: picked.banner,
    onnxPath: picked.onnxPath,
    loadMs: performance.now() - started,
  };
}
