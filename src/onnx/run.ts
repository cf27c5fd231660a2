import type { Tensor } from "@huggingface/transformers";
import { openSession, prepareFeeds, toTensor, type ModelFeeds } from "./session";

/** An ONNX model opened with onnxruntime-node: what it reads and returns, and a run giving transformers.js Tensors. */
export interface OnnxModel {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  /** Runs the model once; every graph output comes back, keyed by name. */
  run(feeds: ModelFeeds): Promise<Record<string, Tensor>>;
  /** Frees the session. */
  release(): Promise<void>;
}

/**
 * Opens model bytes (edited or not) for inference. An ONNX Runtime inference session is what PyTorch's
 * `model.eval()` plus `torch.no_grad()` give: dropout is gone from the exported graph and nothing records gradients.
 */
export async function openOnnxModel(bytes: Uint8Array): Promise<OnnxModel> {
  const session = await openSession(bytes);
  return {
    inputNames: [...session.inputNames],
    outputNames: [...session.outputNames],
    async run(feeds) {
      const out = await session.run(prepareFeeds(session, feeds));
      return Object.fromEntries(session.outputNames.map((name) => [name, toTensor(out[name])]));
    },
    release: () => session.release(),
  };
}
