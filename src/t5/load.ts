import * as fs from "node:fs";
import * as path from "node:path";
import {
  AutoConfig,
  AutoModelForSeq2SeqLM,
  AutoTokenizer,
  type PretrainedConfig,
  type PreTrainedModel,
  type PreTrainedTokenizer,
} from "@huggingface/transformers";
import { T5_FIXTURE_NAME } from "../fixtures/t5";
import { modelBanner, type BannerWording } from "../model/banner";
import { firstLine, ModelLoadError } from "../model/errors";
import { ensureFixture } from "../model/fixture";
import { fixtureDir } from "../model/paths";
import { chooseModel, OFFLINE_KEYWORD, type Env, type ModelChoice } from "../model/select";
import { applyTransformersEnv } from "../model/transformers-env";

/** The T5 checkpoint notebook 07 uses, as transformers.js loads it from the Hugging Face Hub. */
export const T5_DEFAULT_HUB_MODEL = "Xenova/t5-small";

/** The two ONNX files transformers.js loads for a T5 (it never loads decoder_model.onnx). */
export const T5_ONNX_FILES = { encoder: "onnx/encoder_model.onnx", decoder: "onnx/decoder_model_merged.onnx" } as const;

const T5_TEXT_FILES = ["config.json", "tokenizer.json", "tokenizer_config.json"] as const;

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
 * unset → Xenova/t5-small; `WORKBOOK_MODEL=offline` or `HF_HUB_OFFLINE=1` → the demo T5 fixture; an
 * explicit Hub id or directory is used as given and must be an encoder–decoder model.
 */
export function chooseT5Model(env: Env = process.env): ModelChoice {
  const choice = chooseModel(env);
  if (choice.kind === "fixture") {
    const dir = fixtureDir(T5_FIXTURE_NAME);
    return { ...choice, name: T5_FIXTURE_NAME, dir, source: dir };
  }
  if (choice.kind === "hub" && choice.isDefault) return { ...choice, id: T5_DEFAULT_HUB_MODEL, source: T5_DEFAULT_HUB_MODEL };
  return choice;
}

// The course has no T5 figures: the default is this notebook's own, and other models are compared with t5-small.
const T5_WORDING: BannerWording = { defaultCheckpoint: "this notebook's default checkpoint", reference: "t5-small's" };

/** One line saying which T5 runs; the demo's line says that its sizes differ, since only its layout is t5-small's. */
export function t5Banner(choice: ModelChoice, spec: Pick<T5Spec, "dModel" | "vocabSize">): string {
  if (choice.kind !== "fixture") return modelBanner(choice, T5_WORDING);
  const sizes = `d_model ${spec.dModel}, vocab ${spec.vocabSize} instead of t5-small's 512 and 32128`;
  return choice.hubProblem
    ? `Model: offline demo T5 ${choice.name}, because the Hugging Face Hub cannot be reached (${choice.hubProblem}): it is hand-built and copies its input (${sizes}), so its numbers differ from t5-small's. Set WORKBOOK_MODEL=${OFFLINE_KEYWORD} to skip the Hub check.`
    : `Model: offline demo T5 ${choice.name} (${choice.reason}): t5-small's files, inputs and outputs, but hand-built weights that copy the input (${sizes}), so its numbers differ from t5-small's.`;
}

/** Where a model file is on disk: in the Hub cache (`choice.cacheDir`, laid out like the repo), or in the model's directory. */
function localFile(choice: ModelChoice, file: string): string {
  return choice.kind === "hub" ? path.join(choice.cacheDir, ...choice.id.split("/"), ...file.split("/")) : path.join(choice.dir, file);
}

function checkT5Directory(dir: string): void {
  const needed = [...T5_TEXT_FILES, ...Object.values(T5_ONNX_FILES)];
  const missing = needed.filter((file) => !fs.statSync(path.join(dir, file), { throwIfNoEntry: false })?.isFile());
  if (missing.length > 0) {
    throw new ModelLoadError(
      `Model directory ${dir} is missing ${missing.join(", ")}; a transformers.js T5 needs ${needed.join(", ")}. ` +
        `Export it with optimum (as Xenova/t5-small is), or set WORKBOOK_MODEL=${OFFLINE_KEYWORD} for the demo T5.`,
      dir,
    );
  }
}

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

interface Parts {
  config: PretrainedConfig;
  tokenizer: PreTrainedTokenizer;
  model: PreTrainedModel;
}

async function loadParts(choice: ModelChoice): Promise<Parts> {
  if (choice.kind === "fixture") ensureFixture(choice.name, choice.dir === fixtureDir(choice.name) ? {} : { dir: choice.dir });
  if (choice.kind === "directory") checkT5Directory(choice.dir);
  applyTransformersEnv(choice);
  const step = async <T>(file: string, load: () => Promise<T>): Promise<T> => {
    try {
      return await load();
    } catch (error) {
      throw new ModelLoadError(`Could not load ${file} of ${choice.source}: ${firstLine(error)}`, localFile(choice, file), { cause: error });
    }
  };
  const config = await step("config.json", () => AutoConfig.from_pretrained(choice.source));
  if (!(config as unknown as { is_encoder_decoder?: boolean }).is_encoder_decoder) {
    throw new ModelLoadError(
      `${choice.source} is not an encoder–decoder model (config.is_encoder_decoder is not true; model_type ${config.model_type}). ` +
        `Notebook 07 needs a T5-style model: unset WORKBOOK_MODEL for ${T5_DEFAULT_HUB_MODEL}, or set WORKBOOK_MODEL=${OFFLINE_KEYWORD} for the demo T5.`,
      choice.source,
    );
  }
  const tokenizer = await step("tokenizer.json", () => AutoTokenizer.from_pretrained(choice.source));
  const model = await step(T5_ONNX_FILES.decoder, () => AutoModelForSeq2SeqLM.from_pretrained(choice.source, { config, dtype: "fp32" }));
  return { config, tokenizer, model };
}

/**
 * Loads the T5 the environment selects (see `chooseT5Model`). If the default Hub checkpoint cannot be
 * loaded, it loads the offline demo T5 instead and says so in one line (through `options.log`), never silently.
 */
export async function loadT5Model(options: { env?: Env; choice?: ModelChoice; log?: (line: string) => void } = {}): Promise<T5Model> {
  const started = performance.now();
  const log = options.log ?? ((line: string) => console.warn(line));
  let choice = options.choice ?? chooseT5Model(options.env ?? process.env);
  let parts: Parts | undefined;
  if (choice.kind === "hub" && choice.isDefault && !choice.offline) {
    try {
      parts = await loadParts(choice);
    } catch (error) {
      const dir = fixtureDir(T5_FIXTURE_NAME);
      choice = { kind: "fixture", name: T5_FIXTURE_NAME, dir, source: dir, reason: "fallback", hubProblem: firstLine(error) };
    }
  }
  parts ??= await loadParts(choice);
  const spec = specOf(parts.config, parts.tokenizer);
  const banner = t5Banner(choice, spec);
  if (choice.kind === "fixture" && choice.hubProblem) log(banner);
  const chosen = choice;
  return {
    choice: chosen,
    ...parts,
    spec,
    banner,
    onnxPath(part) {
      const where = localFile(chosen, T5_ONNX_FILES[part]);
      if (!fs.existsSync(where)) throw new ModelLoadError(`No ${T5_ONNX_FILES[part]} at ${where}; load the model with loadT5Model() first.`, where);
      return where;
    },
    loadMs: performance.now() - started,
  };
}
