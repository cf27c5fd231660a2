import * as fs from "node:fs";
import * as path from "node:path";
import { SENTIMENT_DEMO_MODEL_NAME } from "../demo-models/sentiment";
import { ModelSelectionError } from "./errors";
import { expandHome, demoModelDir, hubCacheDir, projectRoot } from "./paths";
import type { Env, ModelChoice } from "./choice";

export type { Env, ModelChoice } from "./choice";

/** The checkpoint the course uses, as transformers.js loads it from the Hugging Face Hub. */
export const DEFAULT_HUB_MODEL = "Xenova/distilbert-base-uncased-finetuned-sst-2-english";

/** The Hub transformers.js downloads from unless `HF_ENDPOINT` names a mirror. */
export const DEFAULT_HUB_ENDPOINT = "https://huggingface.co/";

/** The `WORKBOOK_MODEL` value that selects the offline demo model. */
export const OFFLINE_KEYWORD = "offline";

const TRUTHY = new Set(["1", "true", "yes", "on"]);

/** Whether a Hugging Face-style boolean variable (`1`, `true`, `yes`, `on`, any case) is set. */
function flag(env: Env, name: string): boolean {
  return TRUTHY.has((env[name] ?? "").trim().toLowerCase());
}

function offlineFlag(env: Env): string | null {
  for (const name of ["HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE"]) if (flag(env, name)) return `${name}=${env[name]}`;
  return null;
}

/** A Hub repository id in `owner/name` form (bare legacy names are refused: they are usually typos). */
function isHubId(value: string): boolean {
  return /^[A-Za-z0-9][\w.-]*\/[\w.-]{1,96}$/.test(value) && !value.includes("--") && !value.includes("..") && !/\.(git|ipynb)$/.test(value);
}

/** `./x`, `../x`, `/x`, `~/x`, `C:\x` or anything with a backslash: a value that can only be a path. */
export function looksLikePath(value: string): boolean {
  return /^(\/|\.{1,2}(\/|\\|$)|~(\/|$)|[A-Za-z]:[\\/])/.test(value) || value.includes("\\");
}

function endpointOf(env: Env): string {
  const endpoint = (env.HF_ENDPOINT ?? "").trim();
  if (!endpoint) return DEFAULT_HUB_ENDPOINT;
  if (!/^https?:\/\/[^/\s]+/.test(endpoint)) {
    throw new ModelSelectionError(`HF_ENDPOINT="${endpoint}" is not an http(s) URL; set it to a Hub mirror such as https://huggingface.co or unset it`);
  }
  return endpoint.endsWith("/") ? endpoint : `${endpoint}/`;
}

function demoModelChoice(reason: string): ModelChoice {
  const dir = demoModelDir(SENTIMENT_DEMO_MODEL_NAME);
  return { kind: "demo", name: SENTIMENT_DEMO_MODEL_NAME, dir, source: dir, reason };
}

function unknownValue(value: string): ModelSelectionError {
  return new ModelSelectionError(
    `WORKBOOK_MODEL="${value}" is not a value this workbook understands. Use WORKBOOK_MODEL=${OFFLINE_KEYWORD} for the demo model ` +
      `built by \`npm run demo-models\`, a Hugging Face model id in owner/name form such as ${DEFAULT_HUB_MODEL}, ` +
      `or the path of a model directory (absolute, or starting with ./); unset it for the default checkpoint.`,
  );
}

/** Decides from the environment which model to use, without touching transformers.js. */
export function chooseModel(env: Env = process.env): ModelChoice {
  const requested = (env.WORKBOOK_MODEL ?? "").trim();
  const offline = offlineFlag(env);
  const endpoint = endpointOf(env);
  const cacheDir = hubCacheDir(env);
  const hub = (id: string, isDefault: boolean, reason: string): ModelChoice => ({
    kind: "hub", id, source: id, isDefault, offline: offline !== null, endpoint, cacheDir, reason: offline ? `${reason}, ${offline}` : reason,
  });

  if (requested === "") return offline ? demoModelChoice(offline) : hub(DEFAULT_HUB_MODEL, true, "default");
  if (requested.toLowerCase() === OFFLINE_KEYWORD) return demoModelChoice(`WORKBOOK_MODEL=${requested}`);

  // A command-line tool has already made a relative path absolute from where it was typed (see command-dir.ts);
  // one still relative here comes from a live kernel, whose working directory is notebooks/: the project root is
  // the one directory both a kernel and a tool agree on.
  const candidate = path.resolve(projectRoot(), expandHome(requested));
  const stat = fs.statSync(candidate, { throwIfNoEntry: false });
  if (stat?.isDirectory()) return { kind: "directory", dir: candidate, source: candidate, reason: `WORKBOOK_MODEL=${requested}` };
  if (stat || looksLikePath(requested)) {
    const problem = stat ? "is a file, not a directory" : "does not exist";
    throw new ModelSelectionError(
      `WORKBOOK_MODEL="${requested}": ${candidate} ${problem}. Point it at a model directory holding config.json, tokenizer.json, ` +
        `tokenizer_config.json and onnx/model.onnx, or set WORKBOOK_MODEL=${OFFLINE_KEYWORD} for the demo model.`,
    );
  }
  if (isHubId(requested)) return hub(requested, false, `WORKBOOK_MODEL=${requested}`);
  throw unknownValue(requested);
}

/**
 * The one place that picks the model: `WORKBOOK_MODEL` unset → the course's Hub checkpoint (the demo
 * demo model if `HF_HUB_OFFLINE=1`); `offline` → the demo model; an `owner/name` id or a directory → that.
 * Also points transformers.js at the choice (cache in `build/hf-cache` or `WORKBOOK_HF_CACHE`, downloads on or off).
 */
export function selectModel(env: Env = process.env): ModelChoice {
  const choice = chooseModel(env);
  // Loaded here, not at the top: the command-line tools read this module to parse their arguments, and
  // transformers.js takes seconds to load.
  const { applyTransformersEnv } = require("./transformers-env") as typeof import("./transformers-env");
  applyTransformersEnv(choice);
  return choice;
}
