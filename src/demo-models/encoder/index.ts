import { quantizeDynamic } from "../distilbert/quantize";
import { buildClassifierGraph, type EncoderFamily } from "./graph";
import type { HeadWeights } from "./heads";
import type { CoordinateSpace } from "../distilbert/low-rank";
import type { SeededRandom } from "../distilbert/random";
import { constructEncoderWeights, type EncoderLayout } from "./weights";

export { buildClassifierGraph, ROBERTA_PADDING_IDX, type EncoderFamily, type ClassifierWeights } from "./graph";
export { activate, distilbertHead, multiLabelHead, ordinalHead, MULTI_LABELS, type Activation, type DenseLinear, type HeadWeights } from "./heads";
export { lexiconIds, type LexiconIds, type Spelling } from "./lexicon-ids";
export { constructEncoderWeights, COORDINATE, SENTIMENT_GAIN, type EncoderLayout, type EncoderWeights } from "./weights";

/**
 * Builds a family's `onnx/model.onnx` (fp32) and `onnx/model_quantized.onnx` (dynamic int8, as onnxruntime's
 * quantize_dynamic lays it out) from its encoder layout and a head built on the encoder's coordinates.
 */
export function buildClassifierOnnxFiles(
  family: EncoderFamily,
  layout: EncoderLayout,
  head: (space: CoordinateSpace, random: SeededRandom) => HeadWeights,
): Record<string, Uint8Array> {
  const { weights, space, random } = constructEncoderWeights(layout);
  const fp32 = buildClassifierGraph(family, { encoder: weights, head: head(space, random) }).toBytes({ opset: 14, producer: "behind-the-pipeline" });
  return { "onnx/model.onnx": fp32, "onnx/model_quantized.onnx": quantizeDynamic(fp32) };
}
