import { escapeHtml } from "./escape";

/** Colours TypeScript with shiki (inline styles, no runtime script); other languages come back escaped. */
export async function createCodeHighlighter(): Promise<(code: string, language?: string) => string> {
  // Loaded on first use: a rebuild that re-renders no page (or --help) does not pay for shiki.
  const { createHighlighter } = await import("shiki");
  const highlighter = await createHighlighter({ themes: ["github-light"], langs: ["typescript", "javascript"] });
  return (code, language = "typescript") => {
    if (!highlighter.getLoadedLanguages().includes(language)) return `<pre class="plain"><code>${escapeHtml(code)}</code></pre>`;
    // No time limit: shiki's default (500 ms a line) is hit by the first line it tokenizes (its regexes compile then)
    // on a loaded machine, and the rest of that line came out uncoloured, differently from one build to the next.
    return highlighter.codeToHtml(code, { lang: language, theme: "github-light", tokenizeTimeLimit: 0 });
  };
}
