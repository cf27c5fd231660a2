/**
 * Text from a notebook (cell source, kernel stderr, file names) shown on a terminal: control characters are made
 * visible instead of being obeyed, so a cell cannot clear the screen, rewrite earlier lines, set the window title,
 * plant OSC-8 links or reorder text with bidi overrides inside a failure message.
 */

// C0 controls except tab and newline, DEL, C1 controls, and the bidi embedding/override/isolate characters.
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** Replaces each control character with a visible stand-in: C0 as its Unicode control picture (␛), others as \u{…}. */
export function neutralizeControls(text: string): string {
  return text.replace(/\r\n/g, "\n").replace(UNSAFE, (char) => {
    const code = char.codePointAt(0)!;
    if (code < 0x20) return String.fromCodePoint(0x2400 + code);
    if (code === 0x7f) return "\u2421";
    return `\\u{${code.toString(16)}}`;
  });
}
