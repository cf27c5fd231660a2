import type { Data } from "plotly.js";
import { labelledAxis, positions, titleOf, type Figure } from "./figure";
import { plotlyText, templateText } from "./escape";
import { validateLabels, toMatrix, type NumericMatrix } from "./validate";

/** Options for `probabilityBars`. */
export interface ProbabilityBarsOptions {
  title?: string;
}

/** Grouped bars of class probabilities: one group per sentence, one bar (and legend entry) per label. `probabilities` is [sentences, labels]. */
export function probabilityBars(
  sentences: readonly string[],
  labels: readonly string[],
  probabilities: NumericMatrix,
  options: ProbabilityBarsOptions = {},
): Figure {
  const rows = toMatrix(probabilities, "probabilities");
  const sentenceLabels = validateLabels(sentences, "sentences", rows.length, "the rows of probabilities");
  const classLabels = validateLabels(labels, "labels", rows[0].length, "the columns of probabilities");
  const hoverSentences = sentenceLabels.map((s) => plotlyText(s));
  const data: Data[] = classLabels.map((label, c) => ({
    type: "bar",
    name: plotlyText(label),
    x: positions(rows.length),
    y: rows.map((row) => row[c]),
    text: rows.map((row) => row[c].toFixed(3)),
    textposition: "outside",
    customdata: hoverSentences,
    hovertemplate: `%{customdata}<br>${templateText(label)}: %{y:.4f}<extra></extra>`,
  }));
  return {
    data,
    layout: {
      title: titleOf(options.title),
      barmode: "group",
      xaxis: labelledAxis(sentenceLabels, "sentence"),
      yaxis: { title: { text: "probability" }, range: [0, 1.1], tickformat: ".1f", automargin: true },
      legend: { title: { text: "label" } },
      height: 400,
    },
  };
}
