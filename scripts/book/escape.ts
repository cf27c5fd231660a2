export { escapeHtml, jsonForScript } from "../../src/plot/escape";

/** Removes ANSI colour codes (tslab and Node colour stack traces). */
export function stripAnsi(text: string): string {
  return text.replace(/\u001b\[[0-9;?]*[ -\/]*[@-~]/g, "");
}
