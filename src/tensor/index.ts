export { formatTensor, tensorToJSON, tensorToNested, type FormatOptions } from "./format";
export { softmax, logSoftmax, sigmoid, argmax, logSumExp } from "./softmax";
export { isFloatTensor, elementCount, type DType, type TensorLike } from "./types";
export { toNumbers, toNumberRows } from "./lists";
export {
  logOfProbabilities, perRowShift, centerRows, saturation, indistinguishableRows,
  type RowShift, type Saturation, type IndistinguishableRows,
} from "./undo";
export {
  scaleLogits, temperatureSoftmax, maxSoftmaxScore, maxLogitScore, energyScore, negativeLogLikelihood,
  calibrationSummary, fitTemperature, separation, type CalibrationSummary, type FitTemperatureOptions,
} from "./scores";
