import { test } from "node:test";
import assert from "node:assert/strict";
import { pieceOf } from "../../../src/model/t5";
import { useDemoT5 } from "./helpers";

const t5 = useDemoT5();

test("pieceOf maps ids back to pieces", () => {
  assert.deepEqual([0, 1, 2].map((id) => pieceOf(t5.current.tokenizer, id)), ["<pad>", "</s>", "<unk>"]);
});

test("ids past the tokenizer's pieces (the LM head's padding rows) are shown as such", () => {
  const vocab = t5.current.spec.vocabSize;
  assert.equal(pieceOf(t5.current.tokenizer, vocab - 1), `<no piece: id ${vocab - 1}>`);
});
