import type katexType from "katex";
import { Marked, type Tokens } from "marked";
import { escapeHtml } from "./escape";

/** Renders TeX with KaTeX; a TeX mistake shows in red in place instead of failing the page. */
function tex(source: string, displayMode: boolean): string {
  // Loaded on first use (pages that are not re-rendered need no KaTeX).
  const katex = require("katex") as typeof katexType;
  return katex.renderToString(source, { displayMode, throwOnError: false, output: "htmlAndMathml" });
}

/** True for URLs that would make the browser fetch from the network. */
function isRemote(href: string): boolean {
  return /^(?:[a-z][a-z0-9+.-]*:)?\/\//i.test(href);
}

/** Schemes a link in notebook prose may use; others (javascript:, vbscript:, data:) could run code when clicked. */
const LINK_SCHEMES = new Set(["http", "https", "mailto"]);

/** A URL's scheme as a browser reads it (it ignores control characters, spaces and tabs), or "" for a relative URL. */
function schemeOf(url: string): string {
  return /^([a-z][a-z0-9+.-]*):/i.exec(url.replace(/[\u0000-\u0020\u007f]/g, ""))?.[1].toLowerCase() ?? "";
}

/** True for URLs a link may point at: relative ones and http(s)/mailto. */
function isSafeLink(href: string): boolean {
  const scheme = schemeOf(href);
  return scheme === "" || LINK_SCHEMES.has(scheme);
}

/**
 * A markdown renderer for notebook prose: `$…$` and `$$…$$` math through KaTeX, links to sibling notebooks
 * pointed at their pages, raw HTML shown as text (notebook markdown is not trusted to script the page),
 * remote images turned into links so opening a page never fetches anything, and links or images with a
 * scheme that can run code (`javascript:` and the like) shown as their text only.
 */
export function createMarkdown(): (markdown: string, attachments?: Record<string, unknown>) => string {
  // The attachments of the markdown cell being rendered (marked's renderer has no per-call context).
  let attachments: Record<string, unknown> = {};
  const marked = new Marked({ gfm: true });
  marked.use({
    extensions: [
      {
        name: "blockMath",
        level: "block",
        start: (src: string) => src.match(/^\$\$/m)?.index,
        tokenizer(src: string) {
          const match = /^\$\$([\s\S]+?)\$\$[ \t]*(?:\n+|$)/.exec(src);
          return match ? { type: "blockMath", raw: match[0], text: match[1].trim() } : undefined;
        },
        renderer: (token) => `<div class="math-display">${tex(String(token.text), true)}</div>\n`,
      },
      {
        name: "inlineMath",
        level: "inline",
        start: (src: string) => src.indexOf("$") >= 0 ? src.indexOf("$") : undefined,
        tokenizer(src: string) {
          // A closing $ followed by a digit is a price ("$5 and $6"), not math.
          const match = /^\$(?!\$)((?:\\.|[^\\$\n])+?)\$(?!\d)/.exec(src);
          return match ? { type: "inlineMath", raw: match[0], text: match[1] } : undefined;
        },
        renderer: (token) => tex(String(token.text), false),
      },
    ],
    renderer: {
      html: (token: Tokens.HTML | Tokens.Tag) => escapeHtml(token.text),
      link(token: Tokens.Link) {
        const href = token.href.replace(/^([^#?]+)\.ipynb(?=$|[#?])/, "$1.html");
        const inner = this.parser.parseInline(token.tokens);
        if (!isSafeLink(href)) return `<span class="unsafe-link">${inner}</span>`;
        return `<a href="${escapeHtml(href)}"${token.title ? ` title="${escapeHtml(token.title)}"` : ""}>${inner}</a>`;
      },
      image(token: Tokens.Image) {
        if (/^attachment:/i.test(token.href.trim())) return attachmentImage(token.href.trim().slice("attachment:".length), token.text, attachments);
        const inlineImage = /^data:image\/(png|jpeg|gif|webp);/i.test(token.href.trim());
        if (!isSafeLink(token.href) && !inlineImage) return escapeHtml(token.text || "(image not shown)");
        if (isRemote(token.href)) return `<a href="${escapeHtml(token.href)}">${escapeHtml(token.text || token.href)}</a>`;
        return `<img src="${escapeHtml(token.href)}" alt="${escapeHtml(token.text)}">`;
      },
    },
  });
  return (markdown, cellAttachments) => {
    attachments = cellAttachments && typeof cellAttachments === "object" ? cellAttachments : {};
    return marked.parse(markdown, { async: false });
  };
}

/** Image types an attachment may be shown as; an <img> runs no script, even from SVG. */
const ATTACHMENT_TYPES = ["image/png", "image/jpeg", "image/gif", "image/webp", "image/svg+xml"];

/** `![alt](attachment:name)`: the cell's attached image as a data: URL, or its alt text when it is missing or not an image. */
function attachmentImage(rawName: string, alt: string, attachments: Record<string, unknown>): string {
  let name = rawName;
  try {
    name = decodeURIComponent(rawName);
  } catch {
    // a name with a stray % is looked up as written
  }
  const bundle = Object.hasOwn(attachments, name) ? attachments[name] : undefined;
  const data = bundle && typeof bundle === "object" ? (bundle as Record<string, unknown>) : {};
  const mime = ATTACHMENT_TYPES.find((type) => typeof data[type] === "string" || Array.isArray(data[type]));
  if (!mime) return `<span class="missing-attachment">${escapeHtml(alt || name)} (attachment ${escapeHtml(name)} not shown)</span>`;
  const value = data[mime];
  const payload = Array.isArray(value) ? value.join("") : String(value);
  const base64 = mime === "image/svg+xml" && payload.trimStart().startsWith("<")
    ? Buffer.from(payload, "utf8").toString("base64")
    : payload.replace(/[^A-Za-z0-9+/=]/g, "");
  return `<img src="data:${mime};base64,${base64}" alt="${escapeHtml(alt)}">`;
}
