/**
 * Maps iopub messages to cell outputs exactly as nbclient does (`process_message`, `output`, `clear_output`,
 * `_update_display_id`, with nbformat's `output_from_msg`). Pure: no sockets, no timers.
 */
import { dropOracleLines } from "./kernel-process";
import type { CodeCell, Notebook, Output } from "./notebook";
import { timingStamp, type JupyterMessage } from "./wire";

/** What processing one message meant for the cell loop. */
export type MessageEffect = "idle" | "continue";

/** Output state of one notebook run: display-id locations across cells, pending clear_output(wait=True). */
export class OutputRecorder {
  // display_id → cell index → output indices, as nbclient's _display_id_map.
  private readonly displayLocations = new Map<string, Map<number, number[]>>();
  private clearPending = false;

  constructor(
    private readonly notebook: Notebook,
    private readonly recordTiming: boolean,
    private readonly warn: (message: string) => void = () => {},
  ) {}

  /** Resets a cell before execution: empty outputs and no pending clear. */
  beginCell(cell: CodeCell): void {
    cell.outputs = [];
    this.clearPending = false;
  }

  /** Applies one iopub message (already matched to the cell's request) to the cell at `cellIndex`. */
  process(message: JupyterMessage, cellIndex: number): MessageEffect {
    const cell = this.notebook.cells[cellIndex] as CodeCell;
    const type = message.header.msg_type;
    const content = message.content as Record<string, unknown>;
    const transient = content.transient as { display_id?: unknown } | undefined;
    const displayId = typeof transient?.display_id === "string" && transient.display_id ? transient.display_id : null;

    if (displayId && (type === "execute_result" || type === "display_data" || type === "update_display_data")) {
      this.updateDisplay(displayId, content);
    }
    if ("execution_count" in content) cell.execution_count = content.execution_count as number | null;
    if (this.recordTiming) this.recordTimestamp(cell, type, content, message.header.date);

    if (type === "status") return content.execution_state === "idle" ? "idle" : "continue";
    if (type === "clear_output") {
      if (content.wait) this.clearPending = true;
      else this.clearCell(cell, cellIndex);
    } else if (type.startsWith("comm") || type === "execute_input" || type === "update_display_data") {
      // Never outputs (tslab has no comms/widgets).
    } else {
      this.append(cell, cellIndex, type, content, displayId);
    }
    return "continue";
  }

  /** nbclient's `output()`: build the output, apply a pending clear, remember display-id positions, append. */
  private append(cell: CodeCell, cellIndex: number, type: string, content: Record<string, unknown>, displayId: string | null): void {
    if (type === "stream" && typeof content.text === "string" && /invalid hmac/i.test(content.text)) {
      // A plain tslab (not this project's launcher) prints its signing oracle here; it must never be saved.
      const text = dropOracleLines(content.text);
      if (text === "") return;
      content = { ...content, text };
    }
    const output = outputFromMessage(type, content);
    if (!output) {
      this.warn(`unhandled iopub message: ${type}`);
      return;
    }
    if (this.clearPending) {
      this.clearCell(cell, cellIndex);
      this.clearPending = false;
    }
    if (displayId) {
      const byCell = this.displayLocations.get(displayId) ?? new Map<number, number[]>();
      this.displayLocations.set(displayId, byCell);
      const indices = byCell.get(cellIndex) ?? [];
      byCell.set(cellIndex, indices);
      indices.push(cell.outputs.length);
    }
    cell.outputs.push(output);
  }

  /** Overwrites data and metadata of every output recorded under `displayId`, in any cell. */
  private updateDisplay(displayId: string, content: Record<string, unknown>): void {
    const byCell = this.displayLocations.get(displayId);
    if (!byCell) return;
    for (const [cellIndex, indices] of byCell) {
      const outputs = (this.notebook.cells[cellIndex] as CodeCell).outputs;
      for (const index of indices) {
        const target = outputs[index] as { data?: unknown; metadata?: unknown };
        target.data = content.data;
        target.metadata = content.metadata;
      }
    }
  }

  /** clear_output: empty the cell and forget its display-id positions. */
  private clearCell(cell: CodeCell, cellIndex: number): void {
    cell.outputs = [];
    for (const byCell of this.displayLocations.values()) if (byCell.has(cellIndex)) byCell.set(cellIndex, []);
  }

  /** Busy, idle and execute_input timestamps in cell.metadata.execution. */
  private recordTimestamp(cell: CodeCell, type: string, content: Record<string, unknown>, date: unknown): void {
    const execution = (cell.metadata.execution ??= {});
    if (type === "status" && content.execution_state === "idle") execution["iopub.status.idle"] = timingStamp(date);
    else if (type === "status" && content.execution_state === "busy") execution["iopub.status.busy"] = timingStamp(date);
    else if (type === "execute_input") execution["iopub.execute_input"] = timingStamp(date);
  }
}

/** nbformat's output_from_msg for the four output message types; null for anything else. */
export function outputFromMessage(type: string, content: Record<string, unknown>): Output | null {
  switch (type) {
    case "stream":
      return { output_type: "stream", name: content.name as string, text: content.text as string };
    case "display_data":
      return {
        output_type: "display_data",
        data: content.data as Record<string, unknown>,
        metadata: content.metadata as Record<string, unknown>,
      };
    case "execute_result":
      return {
        output_type: "execute_result",
        data: content.data as Record<string, unknown>,
        metadata: content.metadata as Record<string, unknown>,
        execution_count: content.execution_count as number | null,
      };
    case "error":
      return {
        output_type: "error",
        ename: content.ename as string,
        evalue: content.evalue as string,
        traceback: content.traceback as string[],
      };
    default:
      return null;
  }
}

/** Everything a cell wrote to stderr, in order (tslab's only error channel). */
export function stderrText(cell: CodeCell): string {
  return cell.outputs
    .filter((output) => output.output_type === "stream" && output.name === "stderr")
    .map((output) => (output as { text: string }).text)
    .join("");
}
