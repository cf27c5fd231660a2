import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { FIELD } from "../../src/onnx/model-index";
import { decodeModel, onnx } from "../../src/onnx/proto";
import { appendToMessages } from "../../src/onnx/splice";
import { encodeVarint, lengthDelimitedField, readFields, readVarint, stringField, WireFormatError } from "../../src/onnx/wire";
import { buildLookalike } from "../helpers/lookalike";

test("varints round-trip for every integer up to 2^53", () => {
  fc.assert(fc.property(fc.maxSafeNat(), (n) => {
    const bytes = encodeVarint(n);
    assert.deepEqual(readVarint(bytes, 0, bytes.length), [n, bytes.length]);
  }));
});

test("a length prefix that runs past the message is a WireFormatError at that field's byte", () => {
  const field = lengthDelimitedField(7, new Uint8Array(10));
  assert.throws(() => [...readFields(field.subarray(0, 8), 0, 8)], (e: Error) => e instanceof WireFormatError && e.offset === 0 && /needs 12 bytes/.test(e.message));
});

test("appending to nested messages gives what onnx-proto would encode for the same additions", () => {
  const bytes = buildLookalike();
  const nodeCount = decodeModel(bytes).graph!.node!.length;
  fc.assert(fc.property(
    fc.array(fc.record({ node: fc.nat({ max: nodeCount - 1 }), name: fc.string({ minLength: 1, maxLength: 12 }) }), { minLength: 1, maxLength: 5 }),
    fc.array(fc.string({ minLength: 1, maxLength: 12 }), { maxLength: 3 }),
    (nodeOutputs, graphOutputs) => {
      const expected = decodeModel(bytes);
      const edits = [
        ...nodeOutputs.map(({ node, name }) => {
          expected.graph!.node![node].output!.push(name);
          return { path: [{ field: FIELD.modelGraph, index: 0 }, { field: FIELD.graphNode, index: node }], bytes: stringField(FIELD.nodeOutput, name) };
        }),
        ...graphOutputs.map((name) => {
          expected.graph!.output!.push(onnx.ValueInfoProto.create({ name }));
          return { path: [{ field: FIELD.modelGraph, index: 0 }], bytes: lengthDelimitedField(FIELD.graphOutput, onnx.ValueInfoProto.encode({ name }).finish()) };
        }),
      ];
      const spliced = decodeModel(appendToMessages(bytes, edits));
      // bytes as base64 so a Buffer and a Uint8Array with the same contents compare equal
      assert.deepEqual(onnx.ModelProto.toObject(spliced, { bytes: String }), onnx.ModelProto.toObject(expected, { bytes: String }));
    }), { numRuns: 25 });
});

test("the input buffer is not modified and untouched bytes are copied verbatim", () => {
  const bytes = buildLookalike();
  const before = bytes.slice();
  const extra = lengthDelimitedField(FIELD.graphOutput, onnx.ValueInfoProto.encode({ name: "x" }).finish());
  const out = appendToMessages(bytes, [{ path: [{ field: FIELD.modelGraph, index: 0 }], bytes: extra }]);
  assert.deepEqual(bytes, before);
  const graph = [...readFields(bytes, 0, bytes.length)].find((f) => f.field === FIELD.modelGraph)!;
  const newGraph = [...readFields(out, 0, out.length)].find((f) => f.field === FIELD.modelGraph)!;
  const same = (a: Uint8Array, b: Uint8Array) => Buffer.from(a).equals(Buffer.from(b));
  assert.ok(same(out.subarray(0, graph.start), bytes.subarray(0, graph.start)), "fields before the graph");
  assert.ok(same(out.subarray(newGraph.valueStart, newGraph.end), Uint8Array.from([...bytes.subarray(graph.valueStart, graph.end), ...extra])), "graph = original graph + appended output");
  assert.ok(same(out.subarray(newGraph.end), bytes.subarray(graph.end)), "fields after the graph");
});

test("an edit path that does not exist in the bytes is an error, not a silent no-op", () => {
  const bytes = buildLookalike();
  assert.throws(() => appendToMessages(bytes, [{ path: [{ field: FIELD.modelGraph, index: 0 }, { field: FIELD.graphNode, index: 10_000 }], bytes: stringField(2, "x") }]), /no field 1:10000/);
});
