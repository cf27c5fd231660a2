/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

/** JSON that is safe inside an HTML `<script>`: no `</script>`, `<!--` or line separators can end or confuse it. */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, "\\u003c")
    .replace(/>/g, "\\u003e")
    .replace(/&/g, "\\u0026")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}

/** Plotly draws a small subset of HTML inside labels (`<b>`, `<br>`, `<a>`); escaping keeps tokens like `<br>` as literal text. */
export function plotlyText(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/**
 * Text placed inside a Plotly hovertemplate: escaped like plotlyText, and with a zero-width space after every `%`
 * so that a label such as "%{y}" is shown as written instead of being filled in as a template variable.
 */
export function templateText(text: string): string {
  return plotlyText(text).replace(/%/g, "%\u200b");
}
