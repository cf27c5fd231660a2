import type { ColorScale, Data, Layout } from "plotly.js";
import { labelledAxis, positions, titleOf, type Figure } from "./figure";
import { plotlyText, templateText } from "./escape";
import { validateLabels, toMatrix, type NumericMatrix } from "./validate";

/** Options for `heatmap`: labels are optional per axis (without them the axis shows indices). */
export interface HeatmapOptions {
  rowLabels?: readonly string[];
  columnLabels?: readonly string[];
  title?: string;
  xTitle?: string;
  yTitle?: string;
  colorscale?: ColorScale;
  zmin?: number;
  zmax?: number;
  /** Centre of a diverging colour scale (e.g. 0 for hidden states). */
  zmid?: number;
  /** First row at the top, as in a table (default true). */
  rowsTopDown?: boolean;
  /** Name of the value in the hover, e.g. "weight". */
  valueName?: string;
}

/** An axis for `labels`, or a plain index axis when there are none. */
function axisFor(labels: string[] | undefined, title: string | undefined): Partial<Layout["xaxis"]> {
  if (labels) return labelledAxis(labels, title);
  return { title: title === undefined ? undefined : { text: plotlyText(title) }, showgrid: false, zeroline: false, automargin: true };
}

/** A heatmap of a [rows, columns] matrix with optional row and column labels; repeated labels stay separate cells. */
export function heatmap(values: NumericMatrix, options: HeatmapOptions = {}): Figure {
  const z = toMatrix(values, "values");
  const rowLabels = options.rowLabels && validateLabels(options.rowLabels, "rowLabels", z.length, "the rows of values");
  const columnLabels = options.columnLabels && validateLabels(options.columnLabels, "columnLabels", z[0].length, "the columns of values");
  const rowName = (i: number) => plotlyText(rowLabels ? `${rowLabels[i]} (#${i})` : `row ${i}`);
  const columnName = (j: number) => plotlyText(columnLabels ? `${columnLabels[j]} (#${j})` : `column ${j}`);
  const hover = z.map((row, i) => row.map((_, j) => `${rowName(i)} → ${columnName(j)}`));
  const trace: Data = {
    type: "heatmap",
    z,
    x: positions(z[0].length),
    y: positions(z.length),
    text: hover as unknown as string[],
    hovertemplate: `%{text}<br>${templateText(options.valueName ?? "value")}: %{z:.4f}<extra></extra>`,
    colorscale: options.colorscale ?? "Viridis",
    zmin: options.zmin,
    zmax: options.zmax,
    // zmid is a real heatmap attribute that @types/plotly.js leaves out.
    ...({ zmid: options.zmid } as object),
  };
  const yaxis = axisFor(rowLabels, options.yTitle);
  if (options.rowsTopDown ?? true) yaxis.autorange = "reversed";
  return {
    data: [trace],
    layout: {
      title: titleOf(options.title),
      xaxis: { ...axisFor(columnLabels, options.xTitle), side: "bottom" },
      yaxis,
      height: Math.min(900, Math.max(320, 120 + 24 * z.length)),
    },
  };
}

/** Options for `attentionHeatmap`. */
export interface AttentionHeatmapOptions {
  title?: string;
}

/** Attention weights of one head as a tokens × tokens heatmap: row i shows where token i looks (each row sums to 1). */
export function attentionHeatmap(weights: NumericMatrix, tokens: readonly string[], options: AttentionHeatmapOptions = {}): Figure {
  const z = toMatrix(weights, "weights");
  validateLabels(tokens, "tokens", z.length, "the rows of weights");
  validateLabels(tokens, "tokens", z[0].length, "the columns of weights");
  return heatmap(z, {
    rowLabels: tokens,
    columnLabels: tokens,
    title: options.title ?? "attention weights",
    yTitle: "token (query)",
    xTitle: "attends to (key)",
    // White for 0 to dark blue for 1: Plotly's named "Blues" runs the other way, which reads backwards for weights.
    colorscale: [[0, "#f7fbff"], [0.5, "#6baed6"], [1, "#08306b"]],
    zmin: 0,
    zmax: 1,
    valueName: "weight",
  });
}

/** Options for `hiddenStateHeatmap`. */
export interface HiddenStateHeatmapOptions {
  title?: string;
  /** Show only the first this many dimensions (768 columns are hard to read). */
  maxDims?: number;
}

/** Hidden states as a tokens × dimensions heatmap on a diverging scale centred at 0. `hidden` is [tokens, dims] (or [1, tokens, dims]). */
export function hiddenStateHeatmap(hidden: NumericMatrix, tokens: readonly string[], options: HiddenStateHeatmapOptions = {}): Figure {
  let z = toMatrix(hidden, "hidden");
  validateLabels(tokens, "tokens", z.length, "the rows of hidden");
  if (options.maxDims !== undefined) {
    if (!Number.isInteger(options.maxDims) || options.maxDims < 1) throw new RangeError(`options.maxDims must be a positive integer; got ${options.maxDims}`);
    z = z.map((row) => row.slice(0, options.maxDims));
  }
  return heatmap(z, {
    rowLabels: tokens,
    title: options.title ?? "hidden states",
    yTitle: "token",
    xTitle: "dimension",
    colorscale: "RdBu",
    zmid: 0,
    valueName: "activation",
  });
}
