import { test } from "node:test";
import assert from "node:assert/strict";
import { redactSignatures } from "../../scripts/runner/kernel-process";
import { decode, DELIMITER, encode, sign, timingStamp, WireError } from "../../scripts/runner/wire";

const key = "a".repeat(64);
const message = {
  header: { msg_id: "m1", session: "s", username: "u", date: "2024-01-02T03:04:05.678Z", msg_type: "execute_request", version: "5.3" },
  parent_header: {},
  metadata: {},
  content: { code: "1 + 1 // ünïcødé 😀" },
};

test("encode signs the four JSON parts with HMAC-SHA256 in lowercase hex", () => {
  const frames = encode(key, message);
  assert.equal(frames[0].toString(), "<IDS|MSG>");
  const parts = frames.slice(2);
  assert.equal(parts.length, 4, "never any buffers after the four parts");
  assert.equal(frames[1].toString(), sign(key, parts));
  assert.match(frames[1].toString(), /^[0-9a-f]{64}$/);
});

test("decode returns what encode sent, routing identities included", () => {
  const frames = encode(key, { ...message, identities: [Buffer.from("topic")] });
  const decoded = decode(key, frames);
  assert.deepEqual(decoded.identities.map(String), ["topic"]);
  assert.deepEqual(decoded.header, message.header);
  assert.deepEqual(decoded.content, message.content);
});

test("decode rejects a message signed with another key", () => {
  const frames = encode("b".repeat(64), message);
  assert.throws(() => decode(key, frames), WireError);
});

test("decode rejects a tampered part even with the original signature", () => {
  const frames = encode(key, message);
  frames[5] = Buffer.from(JSON.stringify({ code: "process.exit()" }));
  assert.throws(() => decode(key, frames), /invalid HMAC/);
});

test("decode rejects signatures of the wrong length without comparing them", () => {
  const frames = encode(key, message);
  frames[1] = Buffer.from("00");
  assert.throws(() => decode(key, frames), /invalid HMAC/);
});

test("decode rejects frames without the delimiter or with missing parts", () => {
  assert.throws(() => decode(key, [Buffer.from("x")]), /delimiter/);
  assert.throws(() => decode(key, [DELIMITER, Buffer.from("sig"), Buffer.from("{}")]), /fewer than four/);
});

test("timing stamps have six fraction digits and keep the wall time, like nbclient's strftime", () => {
  assert.equal(timingStamp("2024-01-02T03:04:05.678Z"), "2024-01-02T03:04:05.678000Z");
  assert.equal(timingStamp("2024-01-02T03:04:05.123456+02:00"), "2024-01-02T03:04:05.123456Z");
  assert.equal(timingStamp("2024-01-02T03:04:05Z"), "2024-01-02T03:04:05.000000Z");
});

test("a date nbclient cannot parse falls back to the current UTC time", () => {
  const now = new Date("2030-05-06T07:08:09.010Z");
  assert.equal(timingStamp("yesterday", now), "2030-05-06T07:08:09.010000Z");
  assert.equal(timingStamp("2024-01-02T03:04:05.1234567Z", now), "2030-05-06T07:08:09.010000Z", "7 fraction digits do not match ISO8601_PAT");
  assert.equal(timingStamp(undefined, now), "2030-05-06T07:08:09.010000Z");
});

test("signatures leaked by tslab's 'invalid hmac …; want …' message are redacted from logs", () => {
  const leaked = `invalid hmac ${"0".repeat(64)}; want ${"ab12".repeat(16)}`;
  assert.equal(redactSignatures(leaked), `invalid hmac ${"0".repeat(64)}; want <redacted>`);
});
