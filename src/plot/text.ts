/** Lays out rows of cells as a fixed-width text table (the text/plain face of tables and figures). */
export function textTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const all = [header, ...rows];
  const widths = header.map((_, c) => Math.max(...all.map((row) => [...(row[c] ?? "")].length)));
  const line = (row: readonly string[]) =>
    row.map((cell, c) => cell + " ".repeat(widths[c] - [...cell].length)).join("  ").trimEnd();
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}

/** Formats numbers that are shown together in one style: integers plain, else four decimals, or scientific when the magnitudes call for it. */
export function numberFormatter(values: readonly number[]): (value: number) => string {
  const finite = values.filter(Number.isFinite);
  if (finite.every((v) => Number.isInteger(v) && Math.abs(v) < 1e9)) return (v) => String(v);
  const magnitudes = finite.map(Math.abs).filter((v) => v !== 0);
  const largest = magnitudes.reduce((a, b) => Math.max(a, b), 0);
  const smallest = magnitudes.reduce((a, b) => Math.min(a, b), Infinity);
  const scientific = largest >= 1e6 || smallest < 1e-3;
  return (v) => (!Number.isFinite(v) ? String(v) : scientific ? v.toExponential(3) : v.toFixed(4));
}

/** Breaks each line of `text` at spaces so that no line is longer than `width` (a longer word stays whole). */
export function wrapText(text: string, width = 100): string {
  return text.split("\n").map((line) => {
    const out: string[] = [];
    let current = "";
    for (const word of line.split(" ")) {
      if (current && current.length + 1 + word.length > width) {
        out.push(current);
        current = word;
      } else {
        current = current ? `${current} ${word}` : word;
      }
    }
    out.push(current);
    return out.join("\n");
  }).join("\n");
}
