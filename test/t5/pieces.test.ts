import { test } from "node:test";
import assert from "node:assert/strict";
import { findWord, lookupPiece, pieceOf, WordNotFoundError, WORD_START } from "../../src/t5";
import { useDemoT5 } from "./helpers";

const t5 = useDemoT5();

test("\" cat\" with a space is not a piece; the explanation names ▁cat and its id", () => {
  const catId = t5.current.tokenizer.get_vocab().get(`${WORD_START}cat`);
  const lookup = lookupPiece(t5.current.tokenizer, " cat");
  assert.equal(lookup.id, null);
  assert.ok(catId !== undefined);
  assert.match(lookup.explanation, new RegExp(`▁ \\(U\\+2581\\), so the piece is "▁cat" \\(id ${catId}\\)`));
});

test("▁cat is a word-start piece; a bare ending such as ing continues a word", () => {
  assert.match(lookupPiece(t5.current.tokenizer, "▁cat").explanation, /starts a word/);
  const ing = lookupPiece(t5.current.tokenizer, "ing");
  assert.ok(ing.id !== null);
  assert.match(ing.explanation, /continues a word/);
});

test("a spaced spelling whose ▁ form is missing too says so", () => {
  assert.match(lookupPiece(t5.current.tokenizer, " zzyzx").explanation, /"▁zzyzx" is not a piece either/);
  assert.match(lookupPiece(t5.current.tokenizer, "zzyzx").explanation, /tokenize the text/);
});

test("findWord locates a word through the tokenizer's own pieces", () => {
  const ids = t5.current.tokenizer.encode("The cat sat on the mat.");
  const found = findWord(t5.current.tokenizer, ids, "cat");
  assert.deepEqual(found.pieces, ["▁cat"]);
  assert.equal(found.position, 1);
  assert.equal(ids[found.position], found.pieceIds[0]);
  assert.equal(findWord(t5.current.tokenizer, ids, "mat").position, 5);
});

test("findWord finds a word the tokenizer splits in several pieces", () => {
  const ids = t5.current.tokenizer.encode("Two cats purr.");
  const found = findWord(t5.current.tokenizer, ids, "cats");
  assert.deepEqual(found.pieces, ["▁cat", "s"]);
  assert.equal(found.position, 1);
});

test("a word that is only part of another word is not found, and the error lists the pieces there", () => {
  const ids = t5.current.tokenizer.encode("Two cats purr.");
  assert.throws(() => findWord(t5.current.tokenizer, ids, "purring"), (error: unknown) => {
    assert.ok(error instanceof WordNotFoundError);
    assert.match(error.message, /"▁purring"\) do not occur.*"▁Two" "▁cat" "s"/);
    return true;
  });
  assert.throws(() => findWord(t5.current.tokenizer, ids, "two words"), /one word without spaces/);
});

test("pieceOf maps ids back to pieces", () => {
  assert.deepEqual([0, 1, 2].map((id) => pieceOf(t5.current.tokenizer, id)), ["<pad>", "</s>", "<unk>"]);
});
