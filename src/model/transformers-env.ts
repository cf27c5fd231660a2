import { env } from "@huggingface/transformers";
import type { ModelChoice } from "./choice";
import { hubCacheDir, modelsDir } from "./paths";

/**
 * Points transformers.js's global `env` at a model choice: downloads are cached in the choice's cache
 * directory (`build/hf-cache` unless `WORKBOOK_HF_CACHE` names another; never inside node_modules),
 * hub-style ids are first looked up in `build/models/`, and remote files are allowed only for a Hub
 * model that may download.
 */
export function applyTransformersEnv(choice: ModelChoice): void {
  env.cacheDir = choice.kind === "hub" ? choice.cacheDir : hubCacheDir();
  env.useFSCache = true;
  env.localModelPath = `${modelsDir()}/`;
  env.allowLocalModels = true;
  env.allowRemoteModels = choice.kind === "hub" && !choice.offline;
  if (choice.kind === "hub") env.remoteHost = choice.endpoint;
}
