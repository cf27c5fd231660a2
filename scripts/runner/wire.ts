/**
 * The Jupyter wire format (messaging.rst, "The Wire Protocol"): framing, HMAC-SHA256 signing and verification.
 * Pure functions; sockets live in client.ts.
 */
import { createHmac, timingSafeEqual } from "node:crypto";

/** The frame separating ZeroMQ routing identities from the signed message. */
export const DELIMITER = Buffer.from("<IDS|MSG>");

/** The protocol version sent in headers (jupyter_client 7.4 and tslab both speak 5.3). */
export const PROTOCOL_VERSION = "5.3";

/** A message header as defined by the messaging spec. */
export interface MessageHeader {
  msg_id: string;
  session: string;
  username: string;
  date: string;
  msg_type: string;
  version: string;
}

/** A decoded, verified Jupyter message. */
export interface JupyterMessage<Content = Record<string, unknown>> {
  identities: Buffer[];
  header: MessageHeader;
  /** Empty object when the message has no parent. */
  parent_header: Partial<MessageHeader>;
  metadata: Record<string, unknown>;
  content: Content;
}

/** Why an incoming multipart message was rejected. */
export class WireError extends Error {
  override name = "WireError";
}

/** HMAC-SHA256 (lowercase hex) over the given frames, keyed with the UTF-8 bytes of `key`. */
export function sign(key: string, frames: readonly (Buffer | string)[]): string {
  const hmac = createHmac("sha256", key);
  for (const frame of frames) hmac.update(frame);
  return hmac.digest("hex");
}

/** Builds the frames for a message: identities, delimiter, signature, then the four signed JSON parts. */
export function encode(
  key: string,
  message: Pick<JupyterMessage, "header" | "parent_header" | "metadata" | "content"> & { identities?: Buffer[] },
): Buffer[] {
  // Sign exactly the bytes that are sent; never attach buffers (tslab's verifier would include them).
  const parts = [message.header, message.parent_header, message.metadata, message.content].map((part) =>
    Buffer.from(JSON.stringify(part), "utf8"),
  );
  return [...(message.identities ?? []), DELIMITER, Buffer.from(sign(key, parts), "ascii"), ...parts];
}

/** Splits, verifies (timing-safe) and parses received frames; throws WireError for anything not properly signed. */
export function decode(key: string, frames: readonly Buffer[]): JupyterMessage {
  const delimiterAt = frames.findIndex((frame) => frame.equals(DELIMITER));
  if (delimiterAt < 0) throw new WireError("message without the <IDS|MSG> delimiter");
  if (frames.length < delimiterAt + 6) throw new WireError("message with fewer than four parts after the signature");
  const signature = frames[delimiterAt + 1];
  const parts = frames.slice(delimiterAt + 2, delimiterAt + 6);
  const expected = Buffer.from(sign(key, parts), "ascii");
  if (signature.length !== expected.length || !timingSafeEqual(signature, expected)) {
    throw new WireError("message with an invalid HMAC signature");
  }
  const [header, parentHeader, metadata, content] = parts.map((part) => parseObject(part));
  return {
    identities: frames.slice(0, delimiterAt),
    header: header as unknown as MessageHeader,
    parent_header: parentHeader as Partial<MessageHeader>,
    metadata,
    content,
  };
}

/** Parses one JSON frame that must hold an object. */
function parseObject(frame: Buffer): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(frame.toString("utf8"));
  } catch {
    throw new WireError("message part is not JSON");
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new WireError("message part is not a JSON object");
  }
  return value as Record<string, unknown>;
}

/**
 * Formats a header date the way nbclient records timings: `YYYY-MM-DDTHH:MM:SS.ffffffZ`.
 * jupyter_client parses the date and nbclient reprints it with microseconds, so the fraction is padded to six
 * digits without any time-zone shift; an unparsable date falls back to the current UTC time, as nbclient does.
 */
export function timingStamp(date: unknown, now: Date = new Date()): string {
  const match =
    typeof date === "string"
      ? /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(?:\.(\d{1,6}))?(Z|[+-]\d{2}:?\d{2})?$/.exec(date)
      : null;
  if (!match) return now.toISOString().replace(/\.(\d{3})Z$/, ".$1000Z");
  return `${match[1]}T${match[2]}.${(match[3] ?? "").padEnd(6, "0")}Z`;
}
