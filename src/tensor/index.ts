export { formatTensor, tensorToJSON, tensorToNested, type FormatOptions } from "./format";
export { softmax, logSoftmax, sigmoid, argmax, logSumExp } from "./softmax";
export { isFloatTensor, elementCount, type DType, type TensorLike } from "./types";
export { toNumbers, toNumberRows } from "./lists";
