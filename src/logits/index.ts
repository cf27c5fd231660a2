// Logits from any network: make or open a model that ends in a Softmax, expose what feeds it, see why
// log(probabilities) is not a way back, and use logits for temperature scaling and out-of-distribution scores.
export { appendSoftmax, type AppendSoftmaxOptions, type SoftmaxAppended } from "./append-softmax";
export { graphEnding, type OutputSource } from "./graph-ending";
export { openOnnxModel, type OnnxModel } from "./run";
export {
  logOfProbabilities, perRowShift, centerRows, saturation, indistinguishableRows,
  type RowShift, type Saturation, type IndistinguishableRows,
} from "./undo";
export {
  scaleLogits, temperatureSoftmax, maxSoftmaxScore, maxLogitScore, energyScore, negativeLogLikelihood,
  calibrationSummary, fitTemperature, separation, type CalibrationSummary, type FitTemperatureOptions,
} from "./scores";
export { temperatureFigure, scoreScatter, type ScoreGroup } from "./figures";
export {
  loadSoftmaxNets, loadGlyphNet, glyphImages, glyphArt,
  type SoftmaxNets, type SoftmaxNet, type GlyphNet, type GlyphData, type GlyphBatch,
} from "./nets";
