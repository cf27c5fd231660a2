// Pages of the previous build that can be kept as they are. A page is a function of its executed copy, what it
// shows of the other steps (its number, the titles it links to), its copy's state, its model note and the renderer
// itself (this folder's code and the libraries it renders with). The build records a hash of all that per page in
// the site; the next build copies a page whose hash is unchanged instead of rendering it again, as jupyter-cache
// skips notebooks whose source is unchanged. The copied file is checked against the hash it was written with.
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { markerOf } from "../output-dir";
import type { CellIssue, Step } from "./page";

/** The record of a build's pages, kept in the site beside them. */
export const PAGES_MANIFEST = ".book-pages.json";

/** What the manifest says of one page. */
export interface PageRecord {
  /** Hash of everything the page was rendered from (`pageKey`). */
  readonly key: string;
  /** sha256 of the page file as written. */
  readonly sha256: string;
  /** The cell problems rendering found: a copied page reports them again. */
  readonly issues: readonly CellIssue[];
}

/** The manifest file's content. */
export interface PagesManifest {
  readonly version: 1;
  readonly pages: Readonly<Record<string, PageRecord>>;
}

/** The libraries whose output ends up in a page. */
const RENDERING_LIBRARIES = ["shiki", "katex", "marked", "dompurify", "jsdom"];

function sha256(bytes: string | Buffer): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/** Files of a folder and its subfolders, as paths relative to it, sorted. */
function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)))
    .sort();
}

/** The version of the package `name` that Node's lookup finds from here (its package.json may not be exported). */
function installedVersion(name: string): string {
  for (const dir of require.resolve.paths(name) ?? []) {
    const manifest = path.join(dir, name, "package.json");
    if (fs.existsSync(manifest)) return (JSON.parse(fs.readFileSync(manifest, "utf8")) as { version: string }).version;
  }
  throw new Error(`${name} is not installed: run npm ci`);
}

/** Hash of the renderer: every file of the book's own folder, and the versions of the libraries it renders with. */
export function rendererFingerprint(bookDir: string = __dirname): string {
  const hash = createHash("sha256");
  for (const file of filesUnder(bookDir)) hash.update(`${file}\0`).update(fs.readFileSync(path.join(bookDir, file))).update("\0");
  for (const name of RENDERING_LIBRARIES) hash.update(`${name}@${installedVersion(name)}\0`);
  return hash.digest("hex");
}

/** Hash of everything step `index`'s page is rendered from; `executedSha256` is its executed copy's bytes' hash. */
export function pageKey(fingerprint: string, steps: readonly Step[], index: number, executedSha256: string): string {
  const step = steps[index];
  const neighbour = (s: Step | undefined) => (s ? { slug: s.slug, title: s.title } : null);
  return sha256(JSON.stringify({
    fingerprint, executedSha256, index, count: steps.length, slug: step.slug, title: step.title, model: step.model, panel: step.panel ?? null, panelScript: step.panelScript ?? null,
    copy: step.copy ? { kind: step.copy.kind, why: step.copy.why } : null, prev: neighbour(steps[index - 1]), next: neighbour(steps[index + 1]),
  }));
}

/** The previous build's manifest in `siteDir`, or undefined when the folder is not a site the book made or has none. */
export function readPagesManifest(siteDir: string, tool: string): PagesManifest | undefined {
  try {
    if (markerOf(siteDir) !== tool) return undefined;
    const manifest = JSON.parse(fs.readFileSync(path.join(siteDir, PAGES_MANIFEST), "utf8")) as PagesManifest;
    return manifest.version === 1 && manifest.pages && typeof manifest.pages === "object" ? manifest : undefined;
  } catch {
    return undefined;
  }
}

/** The previous build's page for `slug` when it was rendered from the same inputs (`key`) and is unchanged since. */
export function reusablePage(siteDir: string, manifest: PagesManifest | undefined, slug: string, key: string): { html: Buffer; issues: CellIssue[] } | undefined {
  const record = manifest?.pages[slug];
  if (!record || record.key !== key || !Array.isArray(record.issues)) return undefined;
  try {
    const html = fs.readFileSync(path.join(siteDir, `${slug}.html`));
    return sha256(html) === record.sha256 ? { html, issues: [...record.issues] } : undefined;
  } catch {
    return undefined;
  }
}

/** A manifest entry for a page just written. */
export function pageRecord(key: string, html: string | Buffer, issues: readonly CellIssue[]): PageRecord {
  return { key, sha256: sha256(html), issues: [...issues] };
}

/** sha256 of a file's bytes. */
export function fileSha256(file: string): string {
  return sha256(fs.readFileSync(file));
}
