/**
 * Writes a `{ piece: id }` vocabulary object by hand so its keys stay in id order, as the Rust `tokenizers`
 * library writes them (a JS object would move integer-like keys such as "0" or "100" to the front).
 */
export function orderedVocabJson(vocab: readonly string[], indent: string): string {
  const lines = vocab.map((piece, id) => `${indent}  ${JSON.stringify(piece)}: ${id}`);
  return `{\n${lines.join(",\n")}\n${indent}}`;
}

/**
 * Pretty-prints `document` (2 spaces) and replaces its one `"vocab": null` with the ordered vocabulary,
 * which sits in the `model` section, four spaces deep. `who` names the caller in the error.
 */
export function tokenizerJsonWithVocab(document: Record<string, unknown>, vocab: readonly string[], who: string): Uint8Array {
  const text = JSON.stringify(document, null, 2);
  const placeholder = '"vocab": null';
  if (text.split(placeholder).length !== 2) throw new Error(`${who}: vocab placeholder not found exactly once`);
  return new TextEncoder().encode(`${text.replace(placeholder, () => `"vocab": ${orderedVocabJson(vocab, "    ")}`)}\n`);
}
