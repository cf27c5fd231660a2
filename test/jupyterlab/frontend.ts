// Installs and builds the test-only JupyterLab page in ./app, each at most once per content: `npm ci` when the
// lockfile changed, esbuild when the lockfile, the build script, the page's sources or its stand-in packages changed.
import { spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";

export const APP_DIR = path.join(__dirname, "app");
const ROOT = path.resolve(__dirname, "..", "..");
/** Where bundles go: build/jupyterlab/<content hash>/btp-lab (git-ignored; old hashes are removed). */
export const BUNDLES_DIR = path.join(ROOT, "build", "jupyterlab");
const INSTALL_STAMP = path.join(APP_DIR, "node_modules", ".btp-lockfile-sha256");

/** What preparing the front end cost this time (0 when the cache was used). */
export interface FrontEnd {
  /** The directory to serve as static files; the page is `btp-lab/index.html` inside it. */
  staticDir: string;
  installSeconds: number;
  buildSeconds: number;
  /** Bytes of each file in the bundle. */
  files: Record<string, number>;
}

function sha256(...parts: (string | Buffer)[]): string {
  const hash = createHash("sha256");
  for (const part of parts) hash.update(part).update("\0");
  return hash.digest("hex");
}

function run(command: string, args: string[], cwd: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (d) => { output += d; });
    child.stderr.on("data", (d) => { output += d; });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, output }));
  });
}

/** Raised when `npm ci` in the app folder fails: the registry is unreachable, or the lockfile is broken. */
export class FrontEndInstallError extends Error {}

/** Runs `npm ci` in app/ unless node_modules was installed from this very lockfile. */
async function ensureInstalled(): Promise<number> {
  const lockHash = sha256(fs.readFileSync(path.join(APP_DIR, "package-lock.json")));
  if (fs.existsSync(INSTALL_STAMP) && fs.readFileSync(INSTALL_STAMP, "utf8").trim() === lockHash) return 0;
  const started = Date.now();
  const npm = await run("npm", ["ci", "--no-audit", "--no-fund", "--loglevel=error"], APP_DIR);
  if (npm.code !== 0) throw new FrontEndInstallError(`npm ci in ${APP_DIR} failed (exit ${npm.code}):\n${npm.output.slice(-3000)}`);
  fs.writeFileSync(INSTALL_STAMP, `${lockHash}\n`);
  return (Date.now() - started) / 1000;
}

/** Every file the bundle is made from, sorted, as path + bytes. */
function sourcesHash(): string {
  const files = ["package-lock.json", "build.ts", "index.html"];
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(path.join(APP_DIR, dir), { withFileTypes: true })) {
      const rel = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(rel);
      else files.push(rel);
    }
  };
  walk("src");
  walk("stand-ins");
  return sha256(...files.sort().flatMap((file) => [file, fs.readFileSync(path.join(APP_DIR, file))]));
}

function listFiles(dir: string): Record<string, number> {
  return Object.fromEntries(fs.readdirSync(dir).sort().map((name) => [name, fs.statSync(path.join(dir, name)).size]));
}

/** Installs (if needed) and builds (if needed) the page; returns what to serve. */
export async function prepareFrontEnd(): Promise<FrontEnd> {
  const installSeconds = await ensureInstalled();
  const hash = sourcesHash().slice(0, 16);
  const staticDir = path.join(BUNDLES_DIR, hash);
  const page = path.join(staticDir, "btp-lab");
  let buildSeconds = 0;
  if (!fs.existsSync(path.join(page, "index.html"))) {
    fs.mkdirSync(BUNDLES_DIR, { recursive: true });
    // Built aside and renamed, so an interrupted build never looks finished.
    const scratch = path.join(BUNDLES_DIR, `.building-${randomBytes(6).toString("hex")}`);
    const started = Date.now();
    try {
      const build = await run(process.execPath, ["--import", "tsx", "build.ts", path.join(scratch, "btp-lab")], APP_DIR);
      if (build.code !== 0) throw new Error(`building the JupyterLab test page failed (exit ${build.code}):\n${build.output.slice(-3000)}`);
      try {
        fs.renameSync(scratch, staticDir);
      } catch (error) {
        // Another run finished the same build first.
        if (!fs.existsSync(path.join(page, "index.html"))) throw error;
      }
    } finally {
      fs.rmSync(scratch, { recursive: true, force: true });
    }
    buildSeconds = (Date.now() - started) / 1000;
    for (const old of fs.readdirSync(BUNDLES_DIR)) {
      if (old !== hash && /^[0-9a-f]{16}$/.test(old)) fs.rmSync(path.join(BUNDLES_DIR, old), { recursive: true, force: true });
    }
  }
  return { staticDir, installSeconds, buildSeconds, files: listFiles(page) };
}
