/** Where a graph search stopped: the node it could not go past, or the tensor it could not resolve. */
export interface StopPoint {
  readonly node?: string;
  readonly opType?: string;
  readonly tensor?: string;
}

/** Formats a stop point as `node '/classifier/Tanh' (Tanh)` or `tensor 'x'`. */
export function describeStop(stop: StopPoint): string {
  if (stop.node !== undefined) return `node '${stop.node}' (${stop.opType ?? "?"})`;
  return `tensor '${stop.tensor ?? "?"}'`;
}

/** Said by every head error: notebooks catch it, skip the head step and go on. */
export const HEAD_STEP_UNSHOWN =
  "so the head step (pooled vector → dense → activation → classifier → logits) can't be shown for this model";

/** The file could not be read or decoded as an ONNX model (missing, truncated, not protobuf). */
export class OnnxReadError extends Error {
  override readonly name = "OnnxReadError";
  constructor(message: string, readonly source: string, readonly byteOffset?: number) {
    super(message);
  }
}

/** A structure the finder looks for (CLS Gather, head, attention blocks) is not in the graph. */
export class GraphStructureError extends Error {
  override name = "GraphStructureError";
  constructor(message: string, readonly lookedFor: string, readonly stoppedAt: readonly StopPoint[] = []) {
    super(message);
  }
}

/** More than one tensor fits what the finder looks for, so picking one would be a guess. */
export class AmbiguousStructureError extends GraphStructureError {
  override name = "AmbiguousStructureError";
  constructor(message: string, lookedFor: string, readonly candidates: readonly string[]) {
    super(message, lookedFor);
  }
}

/** The way out when the finder cannot read a graph, added to errors that do not already suggest one. */
const STRUCTURE_FIX = "To look inside another kind of graph, expose the tensors you need by name with exposeTensors(bytes, names).";

/** The same structure error (same class and fields) with the model it is about named first and, if missing, the fix. */
export function inModel(error: GraphStructureError, source: string | undefined): GraphStructureError {
  const fix = /exposeTensors|exposeSoftmaxInput/.test(error.message) ? "" : ` ${STRUCTURE_FIX}`;
  const message = `${source ? `${source}: ` : ""}${error.message}${fix}`;
  return error instanceof AmbiguousStructureError
    ? new AmbiguousStructureError(message, error.lookedFor, error.candidates)
    : new GraphStructureError(message, error.lookedFor, error.stoppedAt);
}
