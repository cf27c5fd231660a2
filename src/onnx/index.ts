// Seeing inside a sequence-classification ONNX file: find tensors by graph structure, expose them,
// run them, and recompute the head by hand. Assumptions about real exports: README.md in this folder.
export {
  inspectModel, inspectModelBytes, clearInspectCache, inspectCacheSize,
  type InspectOptions, type InspectedModel, type InspectionResult, type GraphFacts,
} from "./inspect";
export {
  recomputeHead, quantizedHeadErrorBound,
  type HeadWeights, type LinearWeights, type LinearSource, type QuantizedWeight, type RecomputeOptions,
} from "./head";
export { FAMILY_NAMES, type HeadFamily, type HeadNames, type ModelConfigHint } from "./family";
export { erf, gelu, activationFunction, type HeadActivation, type GeluApproximation } from "./activation";
export { exposeTensors, exposeSoftmaxInput, type SoftmaxInput } from "./expose";
export { OnnxReadError, GraphStructureError, AmbiguousStructureError, HEAD_STEP_UNSHOWN, type StopPoint } from "./errors";
export { resolveModelFile, type ModelDtype } from "./load";
export { prepareFeeds, type ModelFeeds } from "./session";
export { appendSoftmax, type AppendSoftmaxOptions, type SoftmaxAppended } from "./append-softmax";
export { graphEnding, type OutputSource } from "./graph-ending";
export { openOnnxModel, type OnnxModel } from "./run";
