import type createDOMPurifyType from "dompurify";
import type { JSDOM as JSDOMType } from "jsdom";

/**
 * Jupyter's trust model for the course site: HTML a notebook output carries is untrusted, so it goes through
 * DOMPurify. Scripts, event handlers, script URLs, forms, frames, styles and anything that loads from elsewhere
 * are removed; what is left is parsed and re-serialised, so an unclosed `<!--`, tag or `</main>` cannot reach
 * past the output's own box.
 */
export function createSanitizer(): (html: string) => string {
  // Loaded here, not at the top: jsdom takes about a second to load, and a rebuild that re-renders no page with
  // HTML output (or only prints --help) never needs it.
  const createDOMPurify = require("dompurify") as typeof createDOMPurifyType; // its CommonJS build exports the factory itself
  const { JSDOM } = require("jsdom") as { JSDOM: typeof JSDOMType };
  const purify = createDOMPurify(new JSDOM("").window as unknown as Parameters<typeof createDOMPurifyType>[0]);
  const config = {
    FORBID_TAGS: ["style", "link", "meta", "base", "form", "input", "button", "textarea", "select", "iframe", "frame", "object", "embed", "audio", "video", "source", "track", "template"],
    FORBID_ATTR: ["action", "formaction", "srcset", "ping", "background", "poster"],
    ALLOW_DATA_ATTR: false,
    SAFE_FOR_TEMPLATES: false,
  };
  purify.addHook("afterSanitizeAttributes", (node) => {
    // Images only from data: URLs of raster types (the page must not fetch anything); links open no script.
    if (node.nodeName === "IMG") {
      const src = node.getAttribute("src") ?? "";
      if (!/^data:image\/(png|jpeg|gif|webp);/i.test(src)) node.removeAttribute("src");
    }
    if (node.hasAttribute("href")) {
      const href = (node.getAttribute("href") ?? "").replace(/[\u0000-\u0020\u007f]/g, "");
      if (!/^(https?:|mailto:|#|[^:]*$)/i.test(href) || /^\/\//.test(href)) node.removeAttribute("href");
    }
    if (node.hasAttribute("xlink:href")) node.removeAttribute("xlink:href");
  });
  return (html) => purify.sanitize(html, config) as unknown as string;
}
