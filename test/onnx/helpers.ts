// Shared by the src/onnx tests: feeds for look-alike models, plain sessions, and a renamer that
// proves the finders do not lean on tensor or node names.
import * as ort from "onnxruntime-node";
import type { TensorLike } from "../../src/tensor";
import { decodeModel, encodeModel, onnx } from "../../src/onnx/proto";

/** Two sequences, the second padded: the shape of the course batch, on a small vocabulary. */
export function smallFeeds(extra: Record<string, ort.Tensor> = {}): Record<string, ort.Tensor> {
  const ids = [1, 5, 7, 9, 2, 3, 0, 0, 1, 3, 4, 2, 0, 0, 0, 0];
  const mask = [1, 1, 1, 1, 1, 1, 0, 0, 1, 1, 1, 1, 0, 0, 0, 0];
  return {
    input_ids: new ort.Tensor("int64", BigInt64Array.from(ids.map(BigInt)), [2, 8]),
    attention_mask: new ort.Tensor("int64", BigInt64Array.from(mask.map(BigInt)), [2, 8]),
    ...extra,
  };
}

/** The bool input If-wrapped look-alikes branch on. */
export function branchFlag(value: boolean): { use_cache_branch: ort.Tensor } {
  return { use_cache_branch: new ort.Tensor("bool", Uint8Array.of(value ? 1 : 0), [1]) };
}

/** Runs unedited model bytes and returns the named outputs. */
export async function runPlain(bytes: Uint8Array, feeds: Record<string, ort.Tensor>): Promise<ort.InferenceSession.OnnxValueMapType> {
  const session = await ort.InferenceSession.create(bytes);
  try {
    return await session.run(feeds);
  } finally {
    await session.release();
  }
}

/** Largest elementwise |a - b| (float16 compared as stored bits is not meaningful, so pass widened data). */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`lengths differ: ${a.length} vs ${b.length}`);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(Number(a[i]) - Number(b[i])));
  return max;
}

/** A tensor's data as plain numbers. */
export function numbers(t: TensorLike): number[] {
  return Array.from(t.data as ArrayLike<number>, Number);
}

/**
 * Renames every node to `n<k>` and every tensor except graph inputs and outputs to `t<k>` (subgraphs
 * included), keeping the structure. A finder that matched names would fail on the result.
 */
export function anonymise(bytes: Uint8Array): Uint8Array {
  const model = decodeModel(bytes);
  const keep = new Set([...(model.graph!.input ?? []), ...(model.graph!.output ?? [])].map((v) => v.name ?? ""));
  const names = new Map<string, string>();
  const rename = (name: string) => {
    if (!name || keep.has(name)) return name;
    if (!names.has(name)) names.set(name, `t${names.size}`);
    return names.get(name)!;
  };
  let nodes = 0;
  const visit = (graph: onnx.IGraphProto) => {
    for (const t of graph.initializer ?? []) t.name = rename(t.name ?? "");
    for (const v of [...(graph.output ?? []), ...(graph.valueInfo ?? [])]) v.name = rename(v.name ?? "");
    for (const node of graph.node ?? []) {
      node.name = `n${nodes++}`;
      node.input = (node.input ?? []).map(rename);
      node.output = (node.output ?? []).map(rename);
      for (const a of node.attribute ?? []) if (a.g) visit(a.g);
    }
  };
  visit(model.graph!);
  return encodeModel(model);
}
