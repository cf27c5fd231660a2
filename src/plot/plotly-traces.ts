/**
 * The Plotly trace types the workbook draws: the inlined plotly.js (vendor/plotly/, built by `npm run plotly-bundle`)
 * holds exactly these, which keeps an executed notebook with figures near 1.3 MB instead of 5 MB.
 * `scatter` comes with plotly's core; the others are registered from plotly.js's own `lib/` modules.
 */
export const PLOTLY_TRACE_TYPES = ["scatter", "bar", "heatmap", "table"] as const;

/** One of the trace types in the workbook's plotly.js bundle. */
export type PlotlyTraceType = (typeof PLOTLY_TRACE_TYPES)[number];

/** The plotly.js release the bundle is built from (its version is also written in the bundle's first line). */
export const PLOTLY_VERSION = "4.1.1";

/** File name of the bundle under vendor/plotly/. */
export const PLOTLY_BUNDLE_FILE = "plotly-workbook.min.js";

/** The trace types of `data` that the bundle cannot draw (a trace without `type` is a scatter, as in Plotly). */
export function unsupportedTraceTypes(data: readonly unknown[]): string[] {
  const known = new Set<string>(PLOTLY_TRACE_TYPES);
  const types = data.map((trace) => (trace && typeof trace === "object" && "type" in trace ? String((trace as { type: unknown }).type) : "scatter"));
  return [...new Set(types.filter((type) => !known.has(type)))];
}
