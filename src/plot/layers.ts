import type { Data } from "plotly.js";
import { labelledAxis, positions, titleOf, type Figure } from "./figure";
import { plotlyText, templateText } from "./escape";
import { heatmap } from "./heatmap";
import { validateLabels, toMatrix, type NumericMatrix } from "./validate";

/** Options shared by the across-layers figures. `values` is [layers, series] (e.g. one column per token). */
export interface LayerFigureOptions {
  /** One name per column of values, e.g. the tokens. */
  series: readonly string[];
  /** One name per row of values; default "0", "1", … (row 0 is usually the embeddings). */
  layerLabels?: readonly string[];
  title?: string;
  /** What the value is, e.g. "norm of the hidden state". */
  valueName?: string;
}

/** Default layer names, or the given ones after checking their count. */
function layerNames(options: LayerFigureOptions, layers: number): string[] {
  return options.layerLabels ? validateLabels(options.layerLabels, "options.layerLabels", layers, "the rows of values") : positions(layers).map(String);
}

/** A value across layers as lines, one per series (token); x is the layer. */
export function layerLines(values: NumericMatrix, options: LayerFigureOptions): Figure {
  const z = toMatrix(values, "values");
  const series = validateLabels(options.series, "options.series", z[0].length, "the columns of values");
  const layers = layerNames(options, z.length);
  const valueName = plotlyText(options.valueName ?? "value");
  // Position-prefixed names keep two `[PAD]` lines apart in the legend and the hover.
  const data: Data[] = series.map((name, s) => ({
    type: "scatter",
    mode: "lines+markers",
    name: plotlyText(`${s}: ${name}`),
    x: positions(z.length),
    y: z.map((row) => row[s]),
    hovertemplate: `${templateText(`${s}: ${name}`)}<br>layer %{x}<br>${templateText(options.valueName ?? "value")}: %{y:.4f}<extra></extra>`,
  }));
  return {
    data,
    layout: {
      title: titleOf(options.title),
      xaxis: labelledAxis(layers, "layer"),
      yaxis: { title: { text: valueName }, automargin: true },
      height: 420,
    },
  };
}

/** A value across layers as a heatmap: layers bottom to top, series (tokens) left to right. */
export function layerHeatmap(values: NumericMatrix, options: LayerFigureOptions): Figure {
  const z = toMatrix(values, "values");
  validateLabels(options.series, "options.series", z[0].length, "the columns of values");
  return heatmap(z, {
    rowLabels: layerNames(options, z.length),
    columnLabels: options.series,
    title: options.title,
    yTitle: "layer",
    xTitle: "token",
    rowsTopDown: false,
    valueName: options.valueName,
  });
}
