import { escapeHtml, jsonForScript } from "./escape";
import { isFailureOutput } from "./problems";
import { text, type DataOutput, type Output } from "./notebook";
import { terminalText } from "./terminal";

export const PLOTLY_MIME = "application/vnd.plotly.v1+json";

/** What output rendering needs from the page being built. */
export interface OutputContext {
  markdown: (source: string) => string;
  /** DOMPurify for HTML outputs: notebook outputs are untrusted (Jupyter's trust model). */
  sanitize: (html: string) => string;
  /** A page-unique id for the next figure. */
  nextFigureId: () => string;
}

/** A figure drawn by assets/book.js from the plotly JSON (the notebook's own HTML, with its inline plotly.js, is not used). */
function figure(spec: unknown, ctx: OutputContext): string {
  const id = ctx.nextFigureId();
  return `<div class="figure" id="${id}" data-spec="${id}-spec"></div><script type="application/json" id="${id}-spec">${jsonForScript(spec)}</script>`;
}

/** A base64 payload reduced to base64 characters, so it cannot leave its attribute. */
function base64(value: string): string {
  return value.replace(/[^A-Za-z0-9+/=]/g, "");
}

/** One rich output, choosing the richest MIME type the book can show offline. */
function dataOutput(output: DataOutput, ctx: OutputContext): string {
  const data = output.data && typeof output.data === "object" ? output.data : {};
  const str = (mime: string) => text(data[mime] as string | string[]);
  if (data[PLOTLY_MIME] && typeof data[PLOTLY_MIME] === "object") return figure(data[PLOTLY_MIME], ctx);
  // Untrusted HTML: sanitised, and boxed by CSS (contain: paint) so what is left cannot cover the page.
  if (data["text/html"] !== undefined) return `<div class="output-html">${ctx.sanitize(str("text/html"))}</div>`;
  // An SVG shown through <img> runs no script and loads nothing.
  if (data["image/svg+xml"] !== undefined) {
    return `<div class="output-image"><img alt="figure" src="data:image/svg+xml;base64,${Buffer.from(str("image/svg+xml"), "utf8").toString("base64")}"></div>`;
  }
  for (const mime of ["image/png", "image/jpeg", "image/gif"]) {
    if (data[mime] !== undefined) return `<div class="output-image"><img alt="figure" src="data:${mime};base64,${base64(str(mime))}"></div>`;
  }
  if (data["text/markdown"] !== undefined) return `<div class="output-markdown">${ctx.markdown(str("text/markdown"))}</div>`;
  if (data["text/plain"] !== undefined) return `<pre class="output-text">${escapeHtml(terminalText(str("text/plain")))}</pre>`;
  return `<pre class="output-text">(output in ${escapeHtml(Object.keys(data).join(", ") || "no")} format, not shown in the book)</pre>`;
}

/** An error output's traceback as text; a malformed one (not a list of strings) falls back to ename: evalue. */
export function tracebackText(output: { ename?: unknown; evalue?: unknown; traceback?: unknown }): string {
  const lines = Array.isArray(output.traceback) ? output.traceback.filter((l): l is string => typeof l === "string") : typeof output.traceback === "string" ? [output.traceback] : [];
  const trace = terminalText(lines.join("\n"));
  if (trace.trim() !== "") return trace;
  return terminalText(`${typeof output.ename === "string" ? output.ename : "Error"}: ${typeof output.evalue === "string" ? output.evalue : ""}`);
}

/** Renders one cell output as HTML; text is escaped, HTML sanitised, and only the site's own figure code runs. */
export function renderOutput(output: Output, ctx: OutputContext): string {
  switch (output.output_type) {
    case "stream": {
      const failed = isFailureOutput(output);
      const kind = failed ? "output-error" : output.name === "stderr" ? "output-stderr" : "output-stdout";
      return `<pre class="${kind}">${escapeHtml(terminalText(text(output.text)))}</pre>`;
    }
    case "error":
      return `<pre class="output-error">${escapeHtml(tracebackText(output))}</pre>`;
    case "display_data":
    case "execute_result":
      return dataOutput(output, ctx);
    default:
      return `<pre class="output-text">(unknown output type ${escapeHtml(String((output as { output_type?: unknown }).output_type))})</pre>`;
  }
}
