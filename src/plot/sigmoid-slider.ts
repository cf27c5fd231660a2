// p(POSITIVE) = σ((z₁ − z₀)/T) to play with: one slider over the logit difference, one over the
// temperature. Both are Plotly frames, so the figure needs no kernel (book, Jupyter, a saved page).
// Each temperature has its own curve and its own marker traces; the temperature frames switch which
// are visible, the difference frames move every temperature's marker. The two sliders thus stay
// independent: moving one never forgets where the other is.
import type { Data, Layout } from "plotly.js";
import { type Figure, type FigureFrame } from "./figure";
import { plotlyText } from "./escape";

/** Options for `sigmoidSlider`. */
export interface SigmoidSliderOptions {
  /** Slider positions for z₁ − z₀ (default −8 … 8 in steps of 0.5). */
  readonly differences?: readonly number[];
  /** Slider positions for T (default 0.25, 0.5, 1, 2, 4). */
  readonly temperatures?: readonly number[];
  /** Logit differences to mark on every curve, e.g. the course's two sentences. */
  readonly marks?: readonly { readonly label: string; readonly difference: number }[];
  /** Name of label 1, shown on the y axis (default "POSITIVE"). */
  readonly positive?: string;
  readonly title?: string;
}

/** σ(x) = 1 / (1 + e^−x), without overflow for large |x|. */
export function logistic(x: number): number {
  return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
}

function validateValues(values: readonly number[], name: string, positive: boolean): number[] {
  if (!Array.isArray(values) || values.length === 0) throw new RangeError(`${name} must be a non-empty array of numbers`);
  values.forEach((v, i) => {
    if (!Number.isFinite(v) || (positive && !(v > 0))) throw new RangeError(`${name}[${i}] is ${String(v)}; expected a finite${positive ? " positive" : ""} number`);
  });
  return [...values];
}

/** Frame names, so tests and pages can find them. */
export const differenceFrame = (i: number) => `difference ${i}`;
export const temperatureFrame = (j: number) => `temperature ${j}`;

/** The σ((z₁ − z₀)/T) figure with a slider over z₁ − z₀ and one over T, built from Plotly frames. */
export function sigmoidSlider(options: SigmoidSliderOptions = {}): Figure {
  const ds = validateValues(options.differences ?? Array.from({ length: 33 }, (_, i) => -8 + i * 0.5), "differences", false);
  const ts = validateValues(options.temperatures ?? [0.25, 0.5, 1, 2, 4], "temperatures", true);
  const marks = options.marks ?? [];
  marks.forEach((m, i) => validateValues([m.difference], `marks[${i}].difference`, false));
  const positive = options.positive ?? "POSITIVE";
  const lo = Math.min(...ds, ...marks.map((m) => m.difference));
  const hi = Math.max(...ds, ...marks.map((m) => m.difference));
  const grid = Array.from({ length: 121 }, (_, k) => lo + ((hi - lo) * k) / 120);
  const d0 = ds.reduce((best, d, i) => (Math.abs(d) < Math.abs(ds[best]) ? i : best), 0);
  const t0 = ts.reduce((best, t, j) => (Math.abs(Math.log(t)) < Math.abs(Math.log(ts[best])) ? j : best), 0);
  const readout = (d: number, t: number) => `p = σ(${d.toFixed(2)} / ${t}) = ${logistic(d / t).toFixed(4)}`;
  const marker = (i: number, j: number): Partial<Data> => ({ x: [ds[i]], y: [logistic(ds[i] / ts[j])], text: [readout(ds[i], ts[j])] });
  // Per temperature: curve, marks, slider marker (trace indices 3j, 3j+1, 3j+2).
  const data: Data[] = ts.flatMap((t, j): Data[] => [
    {
      type: "scatter", mode: "lines", name: `T = ${t}`, x: grid, y: grid.map((d) => logistic(d / t)),
      visible: j === t0, showlegend: false, line: { color: "#2166ac" },
      hovertemplate: `z₁ − z₀ = %{x:.2f}<br>T = ${t}<br>p = %{y:.4f}<extra></extra>`,
    },
    {
      type: "scatter", mode: "text+markers", name: `marks, T = ${t}`,
      x: marks.map((m) => m.difference), y: marks.map((m) => logistic(m.difference / t)),
      // Labels lean toward the middle so a mark near either end keeps its text inside the plot.
      text: marks.map((m) => plotlyText(m.label)), textposition: marks.map((m) => (m.difference > 0 ? "top left" : "top right")),
      visible: j === t0, showlegend: false, marker: { color: "#888", size: 8, symbol: "diamond" },
      hovertemplate: `%{text}<br>z₁ − z₀ = %{x:.4f}<br>p = %{y:.4f}<extra></extra>`,
    } as unknown as Data, // textposition may be an array (one per point), which @types/plotly.js leaves out
    {
      type: "scatter", mode: "text+markers", name: `slider, T = ${t}`, ...marker(d0, j),
      textposition: "bottom right", visible: j === t0, showlegend: false, marker: { color: "#b2182b", size: 13 },
      hovertemplate: "%{text}<extra></extra>",
    } as Data,
  ]);
  const markerTraces = ts.map((_, j) => 3 * j + 2);
  const frames: FigureFrame[] = [
    ...ds.map((_, i) => ({ name: differenceFrame(i), data: ts.map((__, j) => marker(i, j)), traces: markerTraces })),
    ...ts.map((_, j) => ({
      name: temperatureFrame(j),
      data: data.map((__, k) => ({ visible: Math.floor(k / 3) === j })),
      traces: data.map((__, k) => k),
    })),
  ];
  const step = (label: string, frame: string) => ({
    label, method: "animate",
    args: [[frame], { mode: "immediate", frame: { duration: 0, redraw: true }, transition: { duration: 0 } }],
  });
  const layout: Partial<Layout> = {
    title: { text: plotlyText(options.title ?? `p(${positive}) = σ((z₁ − z₀) / T)`) },
    xaxis: { title: { text: "logit difference z₁ − z₀" }, range: [lo - 0.5, hi + 0.5], zeroline: true },
    yaxis: { title: { text: plotlyText(`p(${positive})`) }, range: [-0.05, 1.1] },
    height: 640,
    // Both sliders hang below the plot (y = 0, anchored at their top); the padding stacks them, and Plotly
    // widens the bottom margin to fit them.
    sliders: [
      { active: d0, y: 0, yanchor: "top", len: 0.95, pad: { t: 60 }, currentvalue: { prefix: "z₁ − z₀ = " }, steps: ds.map((d, i) => step(String(d), differenceFrame(i))) },
      { active: t0, y: 0, yanchor: "top", len: 0.95, pad: { t: 150 }, currentvalue: { prefix: "T = " }, steps: ts.map((t, j) => step(String(t), temperatureFrame(j))) },
    ],
  } as Partial<Layout>;
  return { data, layout, frames };
}
