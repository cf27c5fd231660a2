// Protobuf wire format, just enough to walk an ONNX file's messages by byte offset and to write the few
// fields we append. onnx-proto (protobufjs) decodes fine but drops fields newer than ONNX 1.10 when it
// re-encodes, so edits are spliced into the original bytes instead (see splice.ts).

/** Protobuf wire types (the low three bits of a tag). */
export const WireType = { VARINT: 0, I64: 1, LEN: 2, START_GROUP: 3, END_GROUP: 4, I32: 5 } as const;

/** One field of a message: its number, wire type and byte range in the buffer. */
export interface WireField {
  readonly field: number;
  readonly wireType: number;
  /** Offset of the tag. */
  readonly start: number;
  /** Offset just past the tag. */
  readonly tagEnd: number;
  /** Offset of the payload: after the tag, and after the length prefix for LEN fields. */
  readonly valueStart: number;
  /** Offset just past the field. */
  readonly end: number;
}

/** Thrown when bytes are not a well-formed protobuf message (usually a truncated file). */
export class WireFormatError extends Error {
  override readonly name = "WireFormatError";
  constructor(message: string, readonly offset: number) {
    super(message);
  }
}

/** Reads a varint at `pos` (values up to 2^53 exactly); returns the value and the offset after it. */
export function readVarint(buf: Uint8Array, pos: number, end: number): [value: number, next: number] {
  let value = 0;
  let scale = 1;
  for (let i = pos; i < end && i < pos + 10; i++) {
    const byte = buf[i];
    value += (byte & 0x7f) * scale;
    if ((byte & 0x80) === 0) return [value, i + 1];
    scale *= 128;
  }
  throw new WireFormatError(`varint at byte ${pos} runs past the end of its message (byte ${end})`, pos);
}

/** Iterates the fields of the message held in buf[start, end), checking every length against `end`. */
export function* readFields(buf: Uint8Array, start: number, end: number): Generator<WireField> {
  let pos = start;
  while (pos < end) {
    const [tag, afterTag] = readVarint(buf, pos, end);
    const field = Math.floor(tag / 8);
    const wireType = tag & 7;
    if (field === 0) throw new WireFormatError(`field number 0 at byte ${pos}: not a protobuf message`, pos);
    let valueStart = afterTag;
    let next: number;
    switch (wireType) {
      case WireType.VARINT: next = readVarint(buf, afterTag, end)[1]; break;
      case WireType.I64: next = afterTag + 8; break;
      case WireType.I32: next = afterTag + 4; break;
      case WireType.LEN: {
        const [length, afterLength] = readVarint(buf, afterTag, end);
        valueStart = afterLength;
        next = afterLength + length;
        break;
      }
      default:
        throw new WireFormatError(`unsupported wire type ${wireType} (field ${field}) at byte ${pos}`, pos);
    }
    if (next > end) {
      throw new WireFormatError(`field ${field} at byte ${pos} needs ${next - pos} bytes but its message ends at byte ${end} (truncated?)`, pos);
    }
    yield { field, wireType, start: pos, tagEnd: afterTag, valueStart, end: next };
    pos = next;
  }
}

/** Encodes a non-negative integer as a varint. */
export function encodeVarint(value: number): Uint8Array {
  const out: number[] = [];
  let v = value;
  while (v >= 0x80) {
    out.push((v % 128) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
  return Uint8Array.from(out);
}

/** Concatenates byte chunks into one new buffer. */
export function concatBytes(chunks: readonly Uint8Array[]): Uint8Array {
  const total = chunks.reduce((n, c) => n + c.length, 0);
  // Every byte is overwritten below, so skip zero-filling (a model is hundreds of MB).
  const out: Uint8Array = Buffer.allocUnsafe(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}

/** A length-delimited field (sub-message, string or bytes): tag, length, payload. */
export function lengthDelimitedField(field: number, payload: Uint8Array): Uint8Array {
  return concatBytes([encodeVarint(field * 8 + WireType.LEN), encodeVarint(payload.length), payload]);
}

/** A string field, UTF-8 encoded. */
export function stringField(field: number, value: string): Uint8Array {
  return lengthDelimitedField(field, new TextEncoder().encode(value));
}
