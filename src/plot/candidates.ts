import type { Data } from "plotly.js";
import { labelledAxis, positions, titleOf, type Figure } from "./figure";
import { plotlyText } from "./escape";

/** One candidate next token: its piece, its logit and its softmax probability over the whole vocabulary. */
export interface Candidate {
  readonly piece: string;
  readonly logit: number;
  readonly probability: number;
}

/**
 * The top candidates of one logits row as bars: one bar per piece (x), its probability (y), its logit in the
 * hover. Pieces stay in the order given (best first), and a repeated piece keeps its own bar.
 */
export function candidateBars(candidates: readonly Candidate[], options: { title?: string } = {}): Figure {
  if (candidates.length === 0) throw new RangeError("candidateBars: give at least one candidate");
  const bad = candidates.findIndex((c) => !(c.probability >= 0 && c.probability <= 1) || !Number.isFinite(c.logit));
  if (bad >= 0) throw new RangeError(`candidateBars: candidate ${bad} needs a probability in [0, 1] and a finite logit`);
  const pieces = candidates.map((c) => c.piece);
  const data: Data[] = [{
    type: "bar",
    x: positions(candidates.length),
    y: candidates.map((c) => c.probability),
    text: candidates.map((c) => c.probability.toFixed(3)),
    textposition: "outside",
    customdata: candidates.map((c) => [plotlyText(c.piece), c.logit.toFixed(3)]),
    hovertemplate: "%{customdata[0]}<br>logit %{customdata[1]}<br>p = %{y:.4f}<extra></extra>",
    showlegend: false,
  } as Data];
  return {
    data,
    layout: {
      title: titleOf(options.title),
      xaxis: labelledAxis(pieces, "candidate next token"),
      yaxis: { title: { text: "probability (softmax over the vocabulary)" }, range: [0, 1.1], tickformat: ".1f", automargin: true },
      height: 360,
    },
  };
}
