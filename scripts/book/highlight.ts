import { createHighlighter } from "shiki";
import { escapeHtml } from "./escape";

/** Colours TypeScript with shiki (inline styles, no runtime script); other languages come back escaped. */
export async function createCodeHighlighter(): Promise<(code: string, language?: string) => string> {
  const highlighter = await createHighlighter({ themes: ["github-light"], langs: ["typescript", "javascript"] });
  return (code, language = "typescript") => {
    if (!highlighter.getLoadedLanguages().includes(language)) return `<pre class="plain"><code>${escapeHtml(code)}</code></pre>`;
    return highlighter.codeToHtml(code, { lang: language, theme: "github-light" });
  };
}
