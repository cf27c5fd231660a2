export {
  T5_DEFAULT_HUB_MODEL, T5_ONNX_FILES, chooseT5Model, pickT5Checkpoint, loadT5Model, t5Banner,
  type T5Checkpoint, type T5Model, type T5Spec,
} from "./load";
export { DecoderStartError, shiftRight, withDecoderStart, idsTensor, checkDecoderStart } from "./decoder-inputs";
export {
  seq2seqForward, encodeOnce, logitsRow, topTokens, tokenScore,
  type Seq2SeqInputs, type Seq2SeqOutput, type TokenScore, type T5Runner,
} from "./forward";
export { lookupPiece, findWord, pieceOf, WordNotFoundError, WORD_START, type PieceLookup, type WordPosition } from "./pieces";
export { greedyStep, greedyDecodeByHand, generateGreedy, type GreedyChoice, type DecodeStep, type GreedyDecode } from "./greedy";
export {
  logitsForTexts, compareBatchToLoop,
  type TextPair, type Truncation, type TextLogits, type ManyTextsLogits, type BatchVsLoop, type T5Batcher,
} from "./batch";
export { findLmHead, decoderLastHiddenState, type LmHead, type DecoderHiddenState } from "./hidden-state";
export { candidateBars, type Candidate } from "./figures";
