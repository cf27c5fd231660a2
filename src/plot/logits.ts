import type { Data } from "plotly.js";
import { titleOf, type Figure } from "./figure";
import { plotlyText, templateText } from "./escape";
import { softmax } from "../tensor/softmax";
import { makeTensor } from "../tensor/types";

/** Each class's probability as the temperature grows, for one row of logits: x is T on a log axis. */
export function temperatureFigure(logitsRow: readonly number[], classNames: readonly string[], temperatures: readonly number[], options: { title?: string } = {}): Figure {
  if (logitsRow.length !== classNames.length) throw new RangeError(`temperatureFigure: ${logitsRow.length} logits but ${classNames.length} class names`);
  if (temperatures.length === 0 || temperatures.some((t) => !(t > 0))) throw new RangeError("temperatureFigure: give at least one temperature, all positive");
  const probabilities = temperatures.map((t) => Array.from(softmax(makeTensor("float64", Float64Array.from(logitsRow, (z) => z / t), [logitsRow.length])).data as Float64Array));
  const data: Data[] = classNames.map((name, c) => ({
    type: "scatter",
    mode: "lines+markers",
    name: plotlyText(name),
    x: [...temperatures],
    y: probabilities.map((row) => row[c]),
    hovertemplate: `${templateText(name)}<br>T = %{x}<br>p = %{y:.4f}<extra></extra>`,
  }));
  return {
    data,
    layout: {
      title: titleOf(options.title),
      xaxis: { type: "log", title: { text: "temperature T" }, automargin: true },
      yaxis: { title: { text: "softmax(z / T)" }, range: [0, 1.05], automargin: true },
      legend: { title: { text: "class" } },
      height: 380,
    },
  };
}

/** One group of points in `scoreScatter`. */
export interface ScoreGroup {
  readonly name: string;
  readonly x: readonly number[];
  readonly y: readonly number[];
  /** What each point is, shown on hover. */
  readonly labels?: readonly string[];
}

/** A scatter of two scores, one colour per group (e.g. test images vs unusual inputs). */
export function scoreScatter(groups: readonly ScoreGroup[], options: { xTitle: string; yTitle: string; title?: string; xLog?: boolean }): Figure {
  if (groups.length === 0) throw new RangeError("scoreScatter: give at least one group of points");
  const data: Data[] = groups.map((group) => {
    if (group.x.length !== group.y.length || (group.labels && group.labels.length !== group.x.length)) {
      throw new RangeError(`scoreScatter: group "${group.name}" has ${group.x.length} x, ${group.y.length} y and ${group.labels?.length ?? "no"} labels`);
    }
    return {
      type: "scatter",
      mode: "markers",
      name: plotlyText(group.name),
      x: [...group.x],
      y: [...group.y],
      text: group.labels ? group.labels.map((l) => plotlyText(l)) : undefined,
      hovertemplate: `${templateText(group.name)}${group.labels ? " · %{text}" : ""}<br>${templateText(options.xTitle)}: %{x:.4g}<br>${templateText(options.yTitle)}: %{y:.4g}<extra></extra>`,
      marker: { size: 8, opacity: 0.75 },
    };
  });
  return {
    data,
    layout: {
      title: titleOf(options.title),
      xaxis: { title: { text: plotlyText(options.xTitle) }, automargin: true, ...(options.xLog ? { type: "log" as const } : {}) },
      yaxis: { title: { text: plotlyText(options.yTitle) }, automargin: true },
      height: 420,
    },
  };
}
