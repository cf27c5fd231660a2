import { escapeHtml, jsonForScript, stripAnsi } from "./escape";
import { isFailureOutput } from "./problems";
import { text, type DataOutput, type Output } from "./notebook";

export const PLOTLY_MIME = "application/vnd.plotly.v1+json";

/** What output rendering needs from the page being built. */
export interface OutputContext {
  markdown: (source: string) => string;
  /** A page-unique id for the next figure. */
  nextFigureId: () => string;
}

/** A figure drawn by assets/book.js from the plotly JSON (the notebook's own HTML, with its inline plotly.js, is not used). */
function figure(spec: unknown, ctx: OutputContext): string {
  const id = ctx.nextFigureId();
  return `<div class="figure" id="${id}" data-spec="${id}-spec"></div><script type="application/json" id="${id}-spec">${jsonForScript(spec)}</script>`;
}

/** One rich output, choosing the richest MIME type the book can show offline. */
function dataOutput(output: DataOutput, ctx: OutputContext): string {
  const data = output.data ?? {};
  const str = (mime: string) => text(data[mime] as string | string[]);
  if (data[PLOTLY_MIME]) return figure(data[PLOTLY_MIME], ctx);
  // Rich HTML comes from the notebook's own helpers (which escape user text), as nbconvert trusts it.
  if (data["text/html"] !== undefined) return `<div class="output-html">${str("text/html")}</div>`;
  if (data["image/svg+xml"] !== undefined) return `<div class="output-image">${str("image/svg+xml")}</div>`;
  for (const mime of ["image/png", "image/jpeg", "image/gif"]) {
    if (data[mime] !== undefined) return `<div class="output-image"><img alt="figure" src="data:${mime};base64,${escapeHtml(str(mime).replace(/\s/g, ""))}"></div>`;
  }
  if (data["text/markdown"] !== undefined) return `<div class="output-markdown">${ctx.markdown(str("text/markdown"))}</div>`;
  if (data["text/plain"] !== undefined) return `<pre class="output-text">${escapeHtml(stripAnsi(str("text/plain")))}</pre>`;
  return `<pre class="output-text">(output in ${escapeHtml(Object.keys(data).join(", ") || "no")} format, not shown in the book)</pre>`;
}

/** Renders one cell output as HTML; every piece of text from the notebook is escaped except trusted HTML outputs. */
export function renderOutput(output: Output, ctx: OutputContext): string {
  switch (output.output_type) {
    case "stream": {
      const failed = isFailureOutput(output);
      const kind = failed ? "output-error" : output.name === "stderr" ? "output-stderr" : "output-stdout";
      return `<pre class="${kind}">${escapeHtml(stripAnsi(text(output.text)))}</pre>`;
    }
    case "error": {
      const trace = (output.traceback ?? []).map(stripAnsi).join("\n") || `${output.ename}: ${output.evalue}`;
      return `<pre class="output-error">${escapeHtml(trace)}</pre>`;
    }
    case "display_data":
    case "execute_result":
      return dataOutput(output, ctx);
    default:
      return `<pre class="output-text">(unknown output type ${escapeHtml(String((output as { output_type?: unknown }).output_type))})</pre>`;
  }
}
