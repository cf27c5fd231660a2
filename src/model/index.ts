export { projectRoot, buildDir, modelsDir, hubCacheDir, demoModelDir } from "./paths";
export { ensureDemoModel, type EnsuredDemoModel } from "./demo-model";
export {
  selectModel, chooseModel, DEFAULT_HUB_MODEL, DEFAULT_HUB_ENDPOINT, OFFLINE_KEYWORD, type ModelChoice, type Env,
} from "./select";
export { applyTransformersEnv } from "./transformers-env";
export { modelBanner } from "./banner";
export {
  loadSentimentModel, assertModelDirectory, ONNX_FILES, type LoadOptions, type SentimentModel,
} from "./load";
export { chooseCheckpoint, type Checkpoint, type CheckpointOptions } from "./checkpoint";
export { ModelSelectionError, ModelLoadError } from "./errors";
export { commandDir, absoluteModelPaths, resolveModelPathsFromCommandDir, MODEL_PATH_VARIABLES } from "./command-dir";
export {
  loadSoftmaxNets, loadGlyphNet, glyphImages, glyphArt,
  type SoftmaxNets, type SoftmaxNet, type GlyphNet, type GlyphData, type GlyphBatch,
} from "./softmax-nets";
