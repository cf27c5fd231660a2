import { concatBytes, encodeVarint, readFields, WireType } from "./wire";

/** One step down the message tree: the `index`-th occurrence of field number `field`. */
export interface FieldStep {
  readonly field: number;
  readonly index: number;
}

/** Serialized fields to append at the end of the sub-message found by following `path` from the root. */
export interface AppendEdit {
  readonly path: readonly FieldStep[];
  readonly bytes: Uint8Array;
}

interface EditTree {
  appends: Uint8Array[];
  children: Map<string, EditTree>;
}

function key(step: FieldStep): string {
  return `${step.field}:${step.index}`;
}

function buildTree(edits: readonly AppendEdit[]): EditTree {
  const root: EditTree = { appends: [], children: new Map() };
  for (const edit of edits) {
    let node = root;
    for (const step of edit.path) {
      let child = node.children.get(key(step));
      if (!child) node.children.set(key(step), (child = { appends: [], children: new Map() }));
      node = child;
    }
    node.appends.push(edit.bytes);
  }
  return root;
}

/**
 * Rewrites buf[start, end) with the tree's appends, returning the output as chunks (mostly views into
 * `buf`) and their total length. Only messages on an edit path are walked; everything else is copied
 * as an untouched byte range, so unknown fields survive byte for byte.
 */
function rewrite(buf: Uint8Array, start: number, end: number, tree: EditTree, where: string): { chunks: Uint8Array[]; length: number } {
  const chunks: Uint8Array[] = [];
  let length = 0;
  const emit = (chunk: Uint8Array) => {
    chunks.push(chunk);
    length += chunk.length;
  };
  if (tree.children.size > 0) {
    const seen = new Map<number, number>();
    const found = new Set<string>();
    let copyFrom = start;
    for (const f of readFields(buf, start, end)) {
      const index = seen.get(f.field) ?? 0;
      seen.set(f.field, index + 1);
      const child = tree.children.get(`${f.field}:${index}`);
      if (!child) continue;
      if (f.wireType !== WireType.LEN) throw new Error(`splice: field ${f.field} at byte ${f.start} (${where}) is not a sub-message`);
      found.add(`${f.field}:${index}`);
      emit(buf.subarray(copyFrom, f.start));
      const inner = rewrite(buf, f.valueStart, f.end, child, `${where}/${f.field}:${index}`);
      emit(buf.subarray(f.start, f.tagEnd)); // the tag as written; only the length prefix changes
      emit(encodeVarint(inner.length));
      for (const c of inner.chunks) emit(c);
      copyFrom = f.end;
    }
    for (const k of tree.children.keys()) {
      if (!found.has(k)) throw new Error(`splice: no field ${k} (number:occurrence) inside ${where}; the edit path does not match the bytes`);
    }
    emit(buf.subarray(copyFrom, end));
  } else {
    emit(buf.subarray(start, end));
  }
  for (const bytes of tree.appends) emit(bytes);
  return { chunks, length };
}

/**
 * Appends serialized fields to nested messages of a protobuf buffer, fixing every enclosing length
 * prefix. Repeated fields may appear in any order on the wire, so an appended `output` is read as the
 * last element of that repeated field. Returns a new buffer; `buf` is not modified.
 */
export function appendToMessages(buf: Uint8Array, edits: readonly AppendEdit[]): Uint8Array {
  if (edits.length === 0) return concatBytes([buf]);
  const out = rewrite(buf, 0, buf.length, buildTree(edits), "model");
  return concatBytes(out.chunks);
}
