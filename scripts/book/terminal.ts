/**
 * Text from a terminal stream as a terminal would show it: `\r` progress frames collapsed (a carriage return
 * moves back to the line start and later text overwrites), backspaces applied, OSC-8 hyperlinks reduced to their
 * text, and every other escape sequence and control character removed, so nothing raw reaches the page.
 */
export function terminalText(raw: string): string {
  const text = raw
    // OSC 8 hyperlink: ESC ] 8 ; params ; URI ST  text  ESC ] 8 ; ; ST — keep the text.
    .replace(/\u001b\]8;[^;\u0007\u001b]*;[^\u0007\u001b]*(?:\u0007|\u001b\\)([\s\S]*?)\u001b\]8;;(?:\u0007|\u001b\\)/g, "$1")
    // Any other OSC (window title, a lone hyperlink start), up to BEL or ST, or to the end of an unterminated one.
    .replace(/\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\|$)/g, "")
    // DCS, SOS, PM, APC strings.
    .replace(/\u001b[PX^_][\s\S]*?(?:\u001b\\|$)/g, "")
    // CSI (colours, cursor moves, erase line).
    .replace(/\u001b\[[0-?]*[ -/]*[@-~]/g, "")
    .replace(/\u009b[0-?]*[ -/]*[@-~]/g, "")
    // Two- and three-byte escapes (charset selection, keypad modes, a lone ESC).
    .replace(/\u001b(?:[ -/][0-~]|[0-~])?/g, "")
    .replace(/\r+\n/g, "\n");
  return text.split("\n").map(collapseLine).join("\n")
    .replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, "");
}

/** One line with carriage returns and backspaces applied as a terminal would. */
function collapseLine(line: string): string {
  if (!/[\r\b]/.test(line)) return line;
  const cells: string[] = [];
  let column = 0;
  for (const ch of line) {
    if (ch === "\r") column = 0;
    else if (ch === "\b") column = Math.max(0, column - 1);
    else {
      cells[column] = ch;
      column++;
    }
  }
  return cells.join("");
}
