/**
 * A local HTTP server in the Hugging Face Hub's URL layout (`/<owner>/<name>/resolve/main/<file>`), serving a model
 * directory the project built; tests point transformers.js at it with HF_ENDPOINT, so nothing reaches the network.
 */
import * as fs from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as path from "node:path";
import { tempDir } from "./temp-dir";

/** Starts an HTTP server on a free port of 127.0.0.1. */
export function listen(handler: http.RequestListener): Promise<http.Server> {
  const server = http.createServer(handler);
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

/** The server's base URL, as HF_ENDPOINT takes it. */
export const urlOf = (server: http.Server) => `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

/** Closes the server and every open connection. */
export const stop = (server: http.Server) =>
  new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });

/** A URL with nothing listening behind it: connections are refused at once. */
export async function deadEndpoint(): Promise<string> {
  const server = await listen(() => undefined);
  const url = urlOf(server);
  await stop(server);
  return url;
}

/**
 * A fresh, empty Hugging Face cache folder for WORKBOOK_HF_CACHE, removed when the test ends: a test of the
 * fallback to the demo model must not find the real default model that a learner's online run cached in build/.
 */
export function emptyHubCache(t: { after: (fn: () => void) => void }): string {
  return tempDir(t, "workbook-empty-hf-cache-");
}

/** A running fake Hub and the requests it received ("METHOD /path"). */
export interface LocalHub {
  endpoint: string;
  requests: string[];
  close(): Promise<void>;
}

/** Serves `dir` as the Hub repository `repoId`; every other path, or a file outside `dir`, is a 404 like the Hub's. */
export async function serveAsHub(repoId: string, dir: string): Promise<LocalHub> {
  const requests: string[] = [];
  const prefix = `/${repoId}/resolve/main/`;
  const server = await listen((request, response) => {
    const url = request.url ?? "";
    requests.push(`${request.method} ${url}`);
    const file = url.startsWith(prefix) ? path.join(dir, decodeURIComponent(url.slice(prefix.length))) : undefined;
    if (!file || !file.startsWith(dir + path.sep) || !fs.existsSync(file)) {
      response.writeHead(404).end("Entry not found");
      return;
    }
    const body = fs.readFileSync(file);
    response.writeHead(200, { "content-length": body.length, "content-type": "application/octet-stream" });
    response.end(request.method === "HEAD" ? undefined : body);
  });
  return { endpoint: urlOf(server), requests, close: () => stop(server) };
}
