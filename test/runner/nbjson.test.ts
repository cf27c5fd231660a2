import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { serializeNotebook, splitLinesKeepEnds } from "../../scripts/runner/nbjson";
import { parseNotebook } from "../../scripts/runner/notebook";
import { hasPythonModule, PYTHON, TEST_NOTEBOOKS } from "./helpers";
import { skipOrFail } from "../helpers/skip";

test("lines keep their endings and every Python line boundary splits", () => {
  assert.deepEqual(splitLinesKeepEnds("a\nb\r\nc\rd"), ["a\n", "b\r\n", "c\r", "d"]);
  assert.deepEqual(splitLinesKeepEnds("x\u2028y\fz\x85"), ["x\u2028", "y\f", "z\x85"]);
  assert.deepEqual(splitLinesKeepEnds(""), []);
  assert.deepEqual(splitLinesKeepEnds("\n\n"), ["\n", "\n"]);
});

test("splitting matches Python's str.splitlines(True) on random text", (t) => {
  if (!hasPythonModule("json")) return skipOrFail(t, `${PYTHON} not found (apt-get install python3)`);
  const alphabet = ["a", "é", "😀", "\n", "\r", "\v", "\f", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029", "\t", "\0"];
  const samples = fc.sample(fc.array(fc.constantFrom(...alphabet), { maxLength: 12 }).map((chars) => chars.join("")), 300);
  const python = spawnSync(PYTHON, ["-c", "import json,sys; print(json.dumps([s.splitlines(True) for s in json.load(sys.stdin)]))"], {
    input: JSON.stringify(samples),
    encoding: "utf8",
  });
  assert.equal(python.status, 0, python.stderr);
  assert.deepEqual(samples.map(splitLinesKeepEnds), JSON.parse(python.stdout));
});

test("serialising an nbformat-written notebook reproduces it byte for byte", () => {
  const names = readdirSync(TEST_NOTEBOOKS).filter((name) => name.endsWith(".ipynb"));
  assert.ok(names.length > 0);
  for (const name of names) {
    // These files were saved by nbformat.write, so they are the reference bytes.
    const text = readFileSync(join(TEST_NOTEBOOKS, name), "utf8");
    assert.equal(serializeNotebook(parseNotebook(text, name)), text, name);
  }
});

test("keys are sorted by code point, integer-like keys included", () => {
  const notebook = parseNotebook(
    JSON.stringify({
      nbformat: 4,
      nbformat_minor: 5,
      metadata: { kernelspec: { name: "tslab" }, b: 1, "10": 2, "9": 3, A: 4 },
      cells: [],
    }),
    "keys.ipynb",
  );
  const text = serializeNotebook(notebook);
  const order = ["\"10\"", "\"9\"", "\"A\"", "\"b\"", "\"kernelspec\""].map((key) => text.indexOf(key));
  assert.deepEqual([...order].sort((x, y) => x - y), order);
});

test("text payloads are split into lines, JSON and base64 payloads are not", () => {
  const notebook = parseNotebook(
    JSON.stringify({
      nbformat: 4,
      nbformat_minor: 5,
      metadata: { kernelspec: { name: "tslab" } },
      cells: [
        {
          cell_type: "code",
          id: "c",
          metadata: {},
          source: "a\nb",
          execution_count: 1,
          outputs: [
            { output_type: "display_data", metadata: {}, data: { "text/html": "<p>\n</p>", "image/png": "AAA\nBBB", "application/json": { a: 1 } } },
            { output_type: "stream", name: "stdout", text: "one\ntwo" },
          ],
        },
      ],
    }),
    "split.ipynb",
  );
  const cell = JSON.parse(serializeNotebook(notebook)).cells[0];
  assert.deepEqual(cell.source, ["a\n", "b"]);
  assert.deepEqual(cell.outputs[0].data["text/html"], ["<p>\n", "</p>"]);
  assert.equal(cell.outputs[0].data["image/png"], "AAA\nBBB");
  assert.deepEqual(cell.outputs[0].data["application/json"], { a: 1 });
  assert.deepEqual(cell.outputs[1].text, ["one\n", "two"]);
});
