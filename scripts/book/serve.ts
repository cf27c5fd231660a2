// `npm run book -- --serve`: the site over http on 127.0.0.1, which the "try it" panel needs (browsers load module
// workers, WebAssembly and model files only over http, never from file://). Files are served by sirv from the list
// of the site folder's files taken at start, so nothing outside that folder can be named at all.
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import sirv from "sirv";
import { CSP } from "./page";

/**
 * The policy sent with every response. It is the pages' own (their <meta> tag) plus what only the "try it" worker
 * needs, since a worker takes its policy from its own response: compiling WebAssembly ('wasm-unsafe-eval', not
 * 'unsafe-eval') and fetching the model and WebAssembly files from this site (connect-src 'self').
 */
export const SERVED_CSP = CSP.replace("script-src 'self'", "script-src 'self' 'wasm-unsafe-eval'") + "; connect-src 'self'; frame-ancestors 'none'";

/** Headers on every response: the policy, no MIME sniffing, and cross-origin isolation so ONNX Runtime may use threads. */
const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "Content-Security-Policy": SERVED_CSP,
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "no-referrer",
  "Cross-Origin-Opener-Policy": "same-origin",
  "Cross-Origin-Embedder-Policy": "require-corp",
  "Cross-Origin-Resource-Policy": "same-origin",
};

/** Types sirv's table lacks: it would send an empty Content-Type for the model's weights. */
const EXTRA_TYPES: Readonly<Record<string, string>> = { ".onnx": "application/octet-stream" };

/** Why a request path is refused before any file is looked up, or undefined when it is a plain path. */
export function refusedPath(rawUrl: string): string | undefined {
  if (!rawUrl.startsWith("/")) return "the request target must be a path starting with /";
  const pathname = rawUrl.split(/[?#]/, 1)[0];
  if (/%2f|%5c|\\/i.test(pathname)) return "encoded slashes and backslashes are refused";
  const segments = pathname.split("/");
  for (const segment of segments) {
    let decoded: string;
    try {
      decoded = decodeURIComponent(segment);
    } catch {
      return "the path is not valid percent-encoding";
    }
    if (decoded.includes("\0")) return "NUL bytes are refused";
    if (decoded === ".." || decoded === ".") return "path traversal (. and .. segments) is refused";
  }
  return undefined;
}

/** A plain-text response with the security headers. */
function refuse(res: http.ServerResponse, status: number, text: string, extra: Record<string, string> = {}): void {
  res.writeHead(status, { ...SECURITY_HEADERS, "Content-Type": "text/plain; charset=utf-8", ...extra });
  res.end(`${text}\n`);
}

/** The request handler: GET and HEAD of the site's files only, with `allowedHosts` as the only Host headers. */
export function siteHandler(siteDir: string, allowedHosts: () => readonly string[]): http.RequestListener {
  const files = sirv(siteDir, {
    etag: true,
    // Revalidate every time (cheap 304s): a rebuilt site or model is never shown stale.
    maxAge: 0,
    dotfiles: false,
    setHeaders: (res, pathname) => {
      for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
      const type = EXTRA_TYPES[pathname.slice(pathname.lastIndexOf("."))];
      if (type) res.setHeader("Content-Type", type);
    },
    // Browsers ask for /favicon.ico on their own; the site has none, and a 404 would be a console error on every page.
    onNoMatch: (req, res) => {
      if (req.url !== "/favicon.ico") return refuse(res, 404, "not found");
      res.writeHead(204, SECURITY_HEADERS);
      res.end();
    },
  });
  return (req, res) => {
    // A name other than the one we listen on means a page elsewhere reached us through DNS rebinding.
    if (!allowedHosts().includes((req.headers.host ?? "").toLowerCase())) return refuse(res, 421, "unknown Host header");
    if (req.method !== "GET" && req.method !== "HEAD") return refuse(res, 405, "only GET and HEAD", { Allow: "GET, HEAD" });
    const why = refusedPath(req.url ?? "");
    if (why) return refuse(res, 400, why);
    files(req, res);
  };
}

/** A running site server. */
export interface SiteServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Serves `siteDir` on 127.0.0.1 (port 0: any free one); rejects with a clear message when the port is taken. */
export function serveSite(siteDir: string, port: number): Promise<SiteServer> {
  let hosts: string[] = [];
  const server = http.createServer(siteHandler(siteDir, () => hosts));
  return new Promise((resolve, reject) => {
    server.once("error", (error: NodeJS.ErrnoException) => {
      reject(error.code === "EADDRINUSE"
        ? new Error(`port ${port} on 127.0.0.1 is in use: pick another with --port N, or --port 0 for any free one`)
        : error);
    });
    server.listen(port, "127.0.0.1", () => {
      const actual = (server.address() as AddressInfo).port;
      hosts = [`127.0.0.1:${actual}`, `localhost:${actual}`];
      resolve({
        url: `http://127.0.0.1:${actual}/`,
        port: actual,
        close: () => new Promise((done) => {
          server.close(() => done());
          server.closeAllConnections();
        }),
      });
    });
  });
}
