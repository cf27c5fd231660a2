import { text, type Notebook } from "./notebook";

/** Which model produced a notebook's outputs, as the book shows it. */
export interface ModelNote {
  /** The line shown to the reader, e.g. the notebook's own "Model: …" banner. */
  text: string;
  /** "demo" for the offline demo model, "checkpoint" for a Hub checkpoint or local directory, "unknown" when nothing said. */
  kind: "demo" | "checkpoint" | "unknown";
  /** Where it was found: the runner's notebook metadata, or an output line. */
  source: "metadata" | "output" | "none";
}

// "offline demo model …" for the DistilBERT demo, "offline demo T5 …" for the T5 one.
const DEMO = /offline demo\b/i;
// A Hub id such as Xenova/distilbert-base-uncased-finetuned-sst-2-english.
const HUB_ID = /\b[A-Za-z0-9][\w.-]*\/[\w.-]*[A-Za-z0-9]\b/;

/** Classifies a banner or metadata text. */
function kindOf(line: string): ModelNote["kind"] {
  return DEMO.test(line) ? "demo" : "checkpoint";
}

/** Text lines of every stdout stream and text/plain output, in order. */
function outputLines(notebook: Notebook): string[] {
  const lines: string[] = [];
  for (const cell of notebook.cells) {
    if (cell.cell_type !== "code") continue;
    for (const output of cell.outputs ?? []) {
      if (output.output_type === "stream" && output.name === "stdout") lines.push(...text(output.text).split("\n"));
      else if (output.output_type === "display_data" || output.output_type === "execute_result") {
        const plain = output.data["text/plain"];
        if (typeof plain === "string" || Array.isArray(plain)) lines.push(...text(plain as string | string[]).split("\n"));
      }
    }
  }
  return lines.map((line) => line.trim()).filter(Boolean);
}

/**
 * Finds which model produced the outputs: `metadata.workbook.model`, which the runner records from the notebook's own
 * loader (contract 1: {kind, name, source, banner}). Only a copy without it (an older runner, another tool) falls
 * back to the outputs: the first line starting "Model:", any line naming the offline demo model, any line
 * mentioning a model next to a Hub id.
 */
export function detectModel(notebook: Notebook): ModelNote {
  const recorded = notebook.metadata.workbook?.model as { kind?: unknown; banner?: unknown } | undefined;
  if (recorded && typeof recorded === "object" && typeof recorded.banner === "string" && recorded.banner.trim()) {
    return { text: recorded.banner.trim(), kind: recorded.kind === "demo" ? "demo" : "checkpoint", source: "metadata" };
  }
  const lines = outputLines(notebook);
  const line = lines.find((l) => /^model:/i.test(l)) ?? lines.find((l) => DEMO.test(l)) ?? lines.find((l) => /\bmodel\b/i.test(l) && HUB_ID.test(l));
  if (line) return { text: line, kind: kindOf(line), source: "output" };
  return { text: "This notebook did not say which model produced its outputs.", kind: "unknown", source: "none" };
}
