import type { Figure } from "./figure";
import { numberFormatter, textTable } from "./text";

/** Loose view of a trace: figures may come from anywhere, so every field is optional. */
interface LooseTrace {
  type?: string;
  visible?: boolean | "legendonly";
  name?: string;
  x?: unknown[];
  y?: unknown[];
  z?: unknown[][];
  header?: { values?: unknown[] };
  cells?: { values?: unknown[][] };
}
interface LooseAxis { tickvals?: unknown[]; ticktext?: unknown[] }

/** Reverses `plotlyText` so the text summary shows tokens as typed. */
function plain(text: unknown): string {
  return String(text).replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
}

/** Maps an axis position to its tick label when the axis has explicit ticks. */
function tickLabel(axis: LooseAxis | undefined): (value: unknown) => string {
  const vals = axis?.tickvals ?? [];
  const texts = axis?.ticktext ?? [];
  return (value) => {
    const i = vals.indexOf(value);
    return i >= 0 && i < texts.length ? plain(texts[i]) : plain(value);
  };
}

/** Heatmap as text: the full matrix when small, otherwise its shape and range. */
function heatmapText(trace: LooseTrace, rowLabel: (v: unknown) => string, columnLabel: (v: unknown) => string): string {
  const z = (trace.z ?? []) as number[][];
  const rows = z.length;
  const columns = z[0]?.length ?? 0;
  const flat = z.flat();
  const format = numberFormatter(flat);
  const range = `min ${format(flat.reduce((a, b) => Math.min(a, b), Infinity))}, max ${format(flat.reduce((a, b) => Math.max(a, b), -Infinity))}`;
  if (rows > 16 || columns > 12) return `heatmap ${rows} × ${columns} (${range})`;
  const ys = trace.y ?? z.map((_, i) => i);
  const xs = trace.x ?? z[0].map((_, j) => j);
  return textTable(["", ...xs.map(columnLabel)], z.map((row, i) => [rowLabel(ys[i]), ...row.map(format)]));
}

/** Traces sharing one x (bars, lines) as a table: one row per x, one column per trace. */
function seriesText(traces: LooseTrace[], xLabel: (v: unknown) => string): string {
  const xs = traces[0].x ?? (traces[0].y ?? []).map((_, i) => i);
  if (xs.length > 40) return traces.map((t) => `${plain(t.name ?? t.type)}: ${(t.y ?? []).length} points`).join("\n");
  const column = (t: LooseTrace) => xs.map((_, i) => Number((t.y ?? [])[i]));
  const format = numberFormatter(traces.flatMap(column));
  return textTable(["", ...traces.map((t) => plain(t.name ?? ""))], xs.map((x, i) => [xLabel(x), ...traces.map((t) => format(column(t)[i]))]));
}

/** Table trace as text, column by column. */
function tableText(trace: LooseTrace): string {
  const columns = (trace.cells?.values ?? []) as unknown[][];
  const rows = columns[0]?.length ?? 0;
  return textTable((trace.header?.values ?? []).map(plain), Array.from({ length: rows }, (_, r) => columns.map((col) => plain(col[r]))));
}

/** A short readable text version of a figure: its title and its numbers as a table (the text/plain face of `show`). */
export function figureText(figure: Figure): string {
  const layout = figure.layout as { title?: { text?: string } | string; xaxis?: LooseAxis; yaxis?: LooseAxis };
  const title = typeof layout.title === "string" ? layout.title : layout.title?.text;
  // Only what is drawn: a slider figure keeps its other states as hidden traces.
  const traces = (figure.data as LooseTrace[]).filter((t) => t.visible !== false);
  const xLabel = tickLabel(layout.xaxis);
  const yLabel = tickLabel(layout.yaxis);
  const parts: string[] = title ? [plain(title)] : [];
  const series = traces.filter((t) => t.type === "bar" || t.type === "scatter" || t.type === undefined);
  if (series.length > 0) parts.push(seriesText(series, xLabel));
  for (const t of traces) {
    if (t.type === "heatmap") parts.push(heatmapText(t, yLabel, xLabel));
    else if (t.type === "table") parts.push(tableText(t));
    else if (!series.includes(t)) parts.push(`(${t.type} trace)`);
  }
  return parts.join("\n");
}
