export {
  T5_DEFAULT_HUB_MODEL, T5_ONNX_FILES, chooseT5Model, pickT5Checkpoint, loadT5Model, t5Banner,
  type T5Checkpoint, type T5Model, type T5Spec,
} from "./load";
export { DecoderStartError, shiftRight, withDecoderStart, idsTensor, assertDecoderStart } from "./decoder-inputs";
export { seq2seqForward, encodeOnce, type Seq2SeqInputs, type Seq2SeqOutput, type T5Runner } from "./forward";
export { pieceOf, WORD_START } from "./pieces";
export { findLmHead, decoderLastHiddenState, type LmHead, type DecoderHiddenState } from "./hidden-state";
