// The book's static server (`npm run book -- --serve`): only the site folder's files, with the right types and headers.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { DEFAULT_PORT, parseBookArgs } from "../../scripts/book/cli-args";
import { UsageError } from "../../scripts/cli-usage";
import { refusedPath, serveSite, SERVED_CSP, type SiteServer } from "../../scripts/book/serve";

const SECRET = "secret-outside-the-site";
let dir: string;
let server: SiteServer;

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "book-serve-"));
  // The secret sits beside the site and above it: no request may reach it.
  fs.writeFileSync(path.join(dir, "outside.txt"), SECRET);
  const site = path.join(dir, "site");
  fs.mkdirSync(path.join(site, "assets", "m", "onnx"), { recursive: true });
  fs.writeFileSync(path.join(site, "index.html"), "<!doctype html><title>index</title>");
  fs.writeFileSync(path.join(site, "page.html"), "<!doctype html><title>page</title>");
  fs.writeFileSync(path.join(site, "assets", "a.wasm"), Buffer.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]));
  fs.writeFileSync(path.join(site, "assets", "w.mjs"), "export {};");
  fs.writeFileSync(path.join(site, "assets", "s.js"), "void 0;");
  fs.writeFileSync(path.join(site, "assets", "b.css"), "body {}");
  fs.writeFileSync(path.join(site, "assets", "m", "config.json"), "{}");
  fs.writeFileSync(path.join(site, "assets", "m", "onnx", "model.onnx"), Buffer.alloc(16));
  fs.writeFileSync(path.join(site, ".made-by-workbook-tool"), SECRET);
  fs.symlinkSync(path.join(dir, "outside.txt"), path.join(dir, "link-outside.txt"));
  server = await serveSite(site, 0);
});
after(async () => {
  await server?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** A raw HTTP/1.1 request, sent byte for byte as written (no client normalises the path); the status and the whole response. */
function raw(target: string, { method = "GET", host = `127.0.0.1:${server.port}` } = {}): Promise<{ status: number; text: string; headers: Record<string, string> }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(server.port, "127.0.0.1", () => socket.write(`${method} ${target} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`));
    const chunks: Buffer[] = [];
    socket.on("data", (chunk) => chunks.push(chunk));
    socket.on("error", reject);
    socket.on("end", () => {
      const text = Buffer.concat(chunks).toString("latin1");
      const [head] = text.split("\r\n\r\n");
      const headers: Record<string, string> = {};
      for (const line of head.split("\r\n").slice(1)) {
        const colon = line.indexOf(":");
        headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
      }
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1]), text, headers });
    });
  });
}

test("the server listens on 127.0.0.1 only and prints that address", () => {
  assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
});

test("traversal in every spelling is refused and never reaches a file outside the site", async () => {
  const attempts = [
    "/../outside.txt", "/assets/../../outside.txt", "/%2e%2e/outside.txt", "/%2E%2E/outside.txt", "/.%2e/outside.txt",
    "/..%2foutside.txt", "/assets/..%2f..%2foutside.txt", "/%2e%2e%2foutside.txt", "/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    "/..%5coutside.txt", "/..\\outside.txt", "/%00../outside.txt", "/assets/%2e%2e/%2e%2e/outside.txt", "/../link-outside.txt",
    "/../../../../../../etc/passwd", "//etc/passwd", "/%", "outside.txt", "/.made-by-workbook-tool", "/./index.html",
  ];
  for (const target of attempts) {
    const { status, text } = await raw(target);
    assert.ok(status === 400 || status === 404, `${target}: refused (status ${status})`);
    assert.ok(!text.includes(SECRET) && !text.includes("root:x:0"), `${target}: nothing from outside the site`);
  }
  // The reason is given for what is refused outright.
  assert.match((await raw("/%2e%2e/outside.txt")).text, /path traversal \(\. and \.\. segments\) is refused/);
  assert.match((await raw("/..%2foutside.txt")).text, /encoded slashes and backslashes are refused/);
});

test("refusedPath names what is wrong with a path, and lets plain paths through", () => {
  assert.equal(refusedPath("/assets/try-it/worker.js"), undefined);
  assert.equal(refusedPath("/05-softmax.html?x=1"), undefined);
  assert.equal(refusedPath("/a%20b.html"), undefined);
  assert.match(refusedPath("/a/%2e%2e/b") ?? "", /traversal/);
  assert.match(refusedPath("/a%2Fb") ?? "", /encoded slashes/);
  assert.match(refusedPath("/%E0%A4%A") ?? "", /percent-encoding/);
  assert.match(refusedPath("/a%00b") ?? "", /NUL/);
  assert.match(refusedPath("http://127.0.0.1/x") ?? "", /starting with \//);
});

test("each file type is served with its MIME type: application/wasm, JavaScript for .mjs, octet-stream for .onnx", async () => {
  const types: Record<string, RegExp> = {
    "/assets/a.wasm": /^application\/wasm$/,
    "/assets/w.mjs": /^text\/javascript/,
    "/assets/s.js": /^text\/javascript/,
    "/assets/b.css": /^text\/css/,
    "/assets/m/config.json": /^application\/json/,
    "/assets/m/onnx/model.onnx": /^application\/octet-stream$/,
    "/page.html": /^text\/html;\s*charset=utf-8$/,
    "/": /^text\/html/,
  };
  for (const [target, type] of Object.entries(types)) {
    const { status, headers } = await raw(target);
    assert.equal(status, 200, target);
    assert.match(headers["content-type"] ?? "", type, `${target}: ${headers["content-type"]}`);
  }
  const wasm = await fetch(`${server.url}assets/a.wasm`);
  assert.deepEqual([...new Uint8Array(await wasm.arrayBuffer())], [0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]);
});

test("every response carries the strict policy with only what WebAssembly needs, no sniffing, and cross-origin isolation", async () => {
  for (const target of ["/page.html", "/assets/w.mjs", "/missing.html", "/../outside.txt"]) {
    const { headers } = await raw(target);
    assert.equal(headers["content-security-policy"], SERVED_CSP, target);
    assert.equal(headers["x-content-type-options"], "nosniff", target);
    assert.equal(headers["cross-origin-opener-policy"], "same-origin", target);
    assert.equal(headers["cross-origin-embedder-policy"], "require-corp", target);
  }
  const directives = new Map(SERVED_CSP.split(/;\s*/).map((d) => [d.split(" ")[0], d.split(" ").slice(1).join(" ")]));
  assert.equal(directives.get("default-src"), "'none'");
  assert.equal(directives.get("script-src"), "'self' 'wasm-unsafe-eval'");
  assert.equal(directives.get("worker-src"), "'self'");
  assert.equal(directives.get("connect-src"), "'self'");
  assert.ok(!SERVED_CSP.includes("'unsafe-eval'") && !SERVED_CSP.includes("blob:"), "no eval, no blob: scripts");
});

test("other methods and other Host names are refused; HEAD works", async () => {
  assert.equal((await raw("/page.html", { method: "POST" })).status, 405);
  assert.equal((await raw("/page.html", { method: "PUT" })).status, 405);
  assert.equal((await raw("/page.html", { host: "attacker.example" })).status, 421, "a DNS-rebound name is refused");
  assert.equal((await raw("/page.html", { host: `localhost:${server.port}` })).status, 200);
  const head = await raw("/page.html", { method: "HEAD" });
  assert.equal(head.status, 200);
  assert.ok(!head.text.includes("<title>"), "HEAD has no body");
  assert.equal((await raw("/favicon.ico")).status, 204, "the browser's own favicon request is not an error");
  assert.equal((await raw("/missing.html")).status, 404);
});

test("a port already in use is reported with what to do", async () => {
  await assert.rejects(serveSite(dir, server.port), /port \d+ on 127\.0\.0\.1 is in use: pick another with --port N, or --port 0/);
});

test("npm run book's --serve and --port: the default port, 0 for any, and clear refusals", () => {
  assert.equal(parseBookArgs([]).serve, undefined, "no server unless asked");
  assert.equal(parseBookArgs(["--serve"]).serve, DEFAULT_PORT);
  assert.equal(parseBookArgs(["--serve", "--port", "0"]).serve, 0);
  assert.equal(parseBookArgs(["--serve", "--port", "8123"]).serve, 8123);
  assert.throws(() => parseBookArgs(["--port", "8000"]), (e: Error) => e instanceof UsageError && /--port goes with --serve/.test(e.message));
  for (const bad of ["http", "70000", "80.5", ""]) {
    assert.throws(() => parseBookArgs(["--serve", "--port", bad]), (e: Error) => e instanceof UsageError && /is not a port/.test(e.message), bad);
  }
});
