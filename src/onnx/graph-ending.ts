import { decodeModelBytes } from "./load";
import { ModelIndex } from "./model-index";

/** Where a graph output comes from: the node computing it and that node's first input. */
export interface OutputSource {
  readonly output: string;
  /** The producing node's name and op type; null when the output is a graph input or a weight. */
  readonly node: string | null;
  readonly opType: string | null;
  /** The producing node's first input (for a Softmax: the logits). */
  readonly input: string | null;
}

/** For each graph output of the model, the node that computes it: how the network ends. */
export function graphEnding(modelBytes: Uint8Array): OutputSource[] {
  const index = new ModelIndex(decodeModelBytes(modelBytes));
  return index.top.outputs.map((output) => {
    const producer = index.top.producers.get(output)?.node.proto;
    return {
      output,
      node: producer ? producer.name ?? "" : null,
      opType: producer ? producer.opType ?? "" : null,
      input: producer ? producer.input?.[0] ?? null : null,
    };
  });
}
