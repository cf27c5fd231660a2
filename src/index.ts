// The helper module the notebooks import as "../dist": what a reader of the workbook needs, grouped by the course's
// steps, with transformers.js's and the course's names. Plumbing (paths, transformers.js's env, caches, display
// internals) stays importable from its folder (src/model, src/plot, …) for scripts and tests. src/README.md lists
// this API; test/architecture/api.test.ts checks that every export has a doc comment and that every name a notebook
// imports is here.

// ── Choosing the model: the course's checkpoint online, the offline demo model otherwise ────────────────────────────
export {
  chooseCheckpoint, loadSentimentModel, ModelLoadError, ModelSelectionError,
  type Checkpoint, type CheckpointOptions, type LoadOptions, type SentimentModel, type ModelChoice,
} from "./model";
export type { ModelDtype } from "./onnx/load";

// ── The course's own figures, and the ✓ checks every notebook ends a step with ───────────────────────────────────
// The whole folder: its modules are all public (figures with provenance, ✓ checks, the course beside this run), so
// checks added there reach the notebooks without an edit here.
export * from "./course";

// ── Step 0: the pipeline, as one call ────────────────────────────────────────────────────────────────────────────
export { classifyTexts, type ClassifyOptions, type ClassifyResult, type TextClassifierParts, type TruncationReport } from "./pipeline/classify";

// ── Step 1: the tokenizer, and the tensors it returns ────────────────────────────────────────────────────────────
export { idsToTokens, type VocabSource } from "./pipeline/tokens";
export { formatTensor, tensorToJSON, tensorToNested, type FormatOptions } from "./tensor/format";
export { toNumbers, toNumberRows } from "./tensor/lists";
export type { TensorLike, DType } from "./tensor/types";
export { tokenRows, tokenTable, type TokenRow } from "./plot";
export { showTokens } from "./plot";

// ── Step 2: the base model: hidden states and attention, read out of the ONNX file ───────────────────────────────
export {
  inspectModel, type InspectOptions, type InspectedModel, type InspectionResult, type GraphFacts,
} from "./onnx/inspect";
export { exposeTensors } from "./onnx/expose";
export { OnnxReadError, GraphStructureError, AmbiguousStructureError, type StopPoint } from "./onnx/errors";
export { heatmap, attentionHeatmap, hiddenStateHeatmap, type HeatmapOptions, type AttentionHeatmapOptions, type HiddenStateHeatmapOptions } from "./plot";
export { layerLines, layerHeatmap, type LayerFigureOptions } from "./plot";
export { headView, type HeadViewOptions } from "./plot";

// ── Step 3: the head and its logits ──────────────────────────────────────────────────────────────────────────────
export {
  recomputeHead, quantizedHeadErrorBound,
  type HeadWeights, type LinearWeights, type LinearSource, type QuantizedWeight, type RecomputeOptions,
} from "./onnx/head";

// ── Step 4: softmax ──────────────────────────────────────────────────────────────────────────────────────────────
export { softmax, logSoftmax, sigmoid, argmax, logSumExp } from "./tensor/softmax";
export { probabilityBars, type ProbabilityBarsOptions } from "./plot";
export { sigmoidSlider, type SigmoidSliderOptions } from "./plot";

// ── Step 5: id2label and the pipeline's post-processing ──────────────────────────────────────────────────────────
export { toPipelineOutput, type LabelScore, type Id2Label, type PipelineOutputOptions } from "./pipeline/postprocess";

// ── Showing results in the notebook ──────────────────────────────────────────────────────────────────────────────
export { show, showTable, type ShowOptions } from "./plot";
export type { Figure, FigureFrame } from "./plot";
export { figureText } from "./plot";
export { textTable, wrapText } from "./plot";

// ── Notebook 07: T5's logits, without labels ─────────────────────────────────────────────────────────────────────
export {
  pickT5Checkpoint, loadT5Model, chooseT5Model, T5_DEFAULT_HUB_MODEL, type T5Checkpoint, type T5Model, type T5Spec,
} from "./model/t5";
export { DecoderStartError, shiftRight, withDecoderStart, idsTensor, assertDecoderStart } from "./model/t5";
export { seq2seqForward, encodeOnce, type Seq2SeqInputs, type Seq2SeqOutput, type T5Runner } from "./model/t5";
export { pieceOf, WORD_START } from "./model/t5";
export { findLmHead, decoderLastHiddenState, type LmHead, type DecoderHiddenState } from "./model/t5";
export { candidateBars, type Candidate } from "./plot";

// ── Notebook 08: logits out of a network that ends in a softmax ──────────────────────────────────────────────────
export {
  loadSoftmaxNets, loadGlyphNet, glyphImages, glyphArt,
  type SoftmaxNets, type SoftmaxNet, type GlyphNet, type GlyphData, type GlyphBatch,
} from "./model/softmax-nets";
export { appendSoftmax, type AppendSoftmaxOptions, type SoftmaxAppended } from "./onnx/append-softmax";
export { graphEnding, type OutputSource } from "./onnx/graph-ending";
export { openOnnxModel, type OnnxModel } from "./onnx/run";
export { exposeSoftmaxInput, type SoftmaxInput } from "./onnx/expose";
export type { ModelFeeds } from "./onnx/session";
export {
  logOfProbabilities, perRowShift, centerRows, saturation, indistinguishableRows,
  type RowShift, type Saturation, type IndistinguishableRows,
} from "./tensor/undo";

// ── Notebook 09: what logits are for ─────────────────────────────────────────────────────────────────────────────
export {
  scaleLogits, temperatureSoftmax, maxSoftmaxScore, maxLogitScore, energyScore, negativeLogLikelihood,
  calibrationSummary, fitTemperature, separation, type CalibrationSummary, type FitTemperatureOptions,
} from "./tensor/scores";
export { temperatureFigure, scoreScatter, type ScoreGroup } from "./plot";

// ── Notebook 10: why this label ──────────────────────────────────────────────────────────────────────────────────
export { logitLens, type LogitLens } from "./explain/lens";
export { padBatch, scoreRows, logitDifference, type BatchInputs, type Forward, type ScoreOf, type BatchStats } from "./explain/batch";
export type { TokenAttribution, AttributionRun, PositionOptions } from "./explain/attribution";
export { occlusion, type OcclusionOptions } from "./explain/occlusion";
export { shapleyValues, type ShapleyOptions } from "./explain/shapley";
export { attributionRows } from "./explain/rows";
export { attributionText, showAttribution, type AttributionRow, type AttributionTextOptions } from "./plot";
