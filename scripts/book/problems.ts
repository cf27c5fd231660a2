import { stripAnsi } from "./escape";
import { text, type CodeCell, type Output } from "./notebook";

// What tslab writes to stderr when a cell fails: a TypeScript diagnostic ("1:7 - Type 'string' is not …"),
// a stack trace, or an interrupt notice. Plain warnings (e.g. from onnxruntime) are none of these.
const TS_DIAGNOSTIC = /^\d+:\d+ - /m;
const STACK_FRAME = /^\s+at .+[(:]\S*\d+:\d+\)?$/m;
const ERROR_LINE = /^(?:Uncaught )?\w*(?:Error|Exception)\b/m;
const INTERRUPT = /Script execution was interrupted|Interrupted asynchronously/;

/** True when a stderr text is tslab reporting a failed cell rather than a warning. */
export function isFailureText(stderr: string): boolean {
  const clean = stripAnsi(stderr);
  return TS_DIAGNOSTIC.test(clean) || INTERRUPT.test(clean) || (ERROR_LINE.test(clean) && STACK_FRAME.test(clean));
}

/** True for outputs that show the cell failed: an error output, or stderr that is a diagnostic or stack trace. */
export function isFailureOutput(output: Output): boolean {
  if (output.output_type === "error") return true;
  return output.output_type === "stream" && output.name === "stderr" && isFailureText(text(output.text));
}

/** Why a code cell counts as a problem for the book, or undefined when it ran cleanly (or was meant to be skipped). */
export function cellProblem(cell: CodeCell): string | undefined {
  const tags = cell.metadata?.tags ?? [];
  if (text(cell.source).trim() === "" || tags.includes("skip-execution")) return undefined;
  if ((cell.outputs ?? []).some(isFailureOutput)) return tags.includes("raises-exception") ? undefined : "failed";
  if (cell.execution_count === null || cell.execution_count === undefined) return "did not run";
  return undefined;
}
