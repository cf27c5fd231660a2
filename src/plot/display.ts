/** A Jupyter MIME bundle: MIME type → content (strings, or JSON for `application/*+json`). */
export type MimeBundle = Record<string, unknown>;

/** Where a bundle went: a Jupyter front end through tslab, or the console as text/plain. */
export type DisplayTarget = "jupyter" | "console";

/** tslab's internal writer: one display_data (or update_display_data) message per call, with any MIME bundle. */
type TslabWriter = (content: { data: MimeBundle; metadata: Record<string, unknown>; transient: Record<string, unknown> }, update: boolean) => void;

/**
 * The one place that reaches into tslab. Its public `display.*` sends one MIME type per message, but the writer it
 * uses, `jupyter.lastWriteDisplayData` in tslab/dist/jupyter.js, takes a whole bundle. tslab sets it on every
 * execute request, so it is read at call time. We only look among modules already loaded (never `require` tslab):
 * outside a kernel that costs nothing, and inside one it finds the tslab that runs the kernel, wherever it lives.
 */
function findTslabWriter(): TslabWriter | undefined {
  for (const [file, loaded] of Object.entries(require.cache)) {
    if (!loaded || !/[\\/]tslab[\\/]dist[\\/]jupyter\.js$/.test(file)) continue;
    const writer = (loaded.exports as { lastWriteDisplayData?: unknown }).lastWriteDisplayData;
    if (typeof writer === "function") return writer as TslabWriter;
  }
  return undefined;
}

/** True when a tslab kernel is executing this code, so rich output reaches a front end. */
export function inJupyter(): boolean {
  return findTslabWriter() !== undefined;
}

/** Sends one display_data message carrying the whole bundle; outside tslab prints the bundle's text/plain instead. */
export function displayBundle(bundle: MimeBundle): DisplayTarget {
  if (typeof bundle["text/plain"] !== "string") throw new TypeError('bundle must include a "text/plain" string: it is what plain consoles and screen readers get');
  const writer = findTslabWriter();
  if (writer) {
    writer({ data: bundle, metadata: {}, transient: {} }, false);
    return "jupyter";
  }
  console.log(bundle["text/plain"]);
  return "console";
}
