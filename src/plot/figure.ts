import type { Config, Data, Layout } from "plotly.js";
import { plotlyText } from "./escape";

/** One Plotly animation frame: new values for some traces, which sliders and buttons switch to without a kernel. */
export interface FigureFrame {
  name: string;
  data: Partial<Data>[];
  /** Which traces `data` updates, by index (default: the first data.length traces). */
  traces?: number[];
  layout?: Partial<Layout>;
}

/** A plain Plotly figure spec: what `Plotly.newPlot(el, { data, layout, config, frames })` takes, and what Jupyter's plotly MIME type carries. */
export interface Figure {
  data: Data[];
  layout: Partial<Layout>;
  config?: Partial<Config>;
  /** Animation frames, for figures whose sliders switch between precomputed states. */
  frames?: FigureFrame[];
}

/** Shortens a long label for an axis tick (the full text stays in the hover). */
export function shorten(text: string, max = 32): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join("")}…`;
}

/** Positions 0..n-1: axes use them instead of the labels so repeated labels (two `[PAD]`s) stay separate categories. */
export function positions(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

/** Axis settings that show `labels` at integer positions, in order, without merging duplicates. */
export function labelledAxis(labels: readonly string[], title?: string): Partial<Layout["xaxis"]> {
  return {
    tickmode: "array",
    tickvals: positions(labels.length),
    ticktext: labels.map((label) => plotlyText(shorten(label))),
    title: title === undefined ? undefined : { text: plotlyText(title) },
    automargin: true,
    showgrid: false,
    zeroline: false,
  };
}

/** A layout title object, or nothing when no title was asked for. */
export function titleOf(title: string | undefined): Partial<Layout>["title"] {
  return title === undefined ? undefined : { text: plotlyText(title) };
}
