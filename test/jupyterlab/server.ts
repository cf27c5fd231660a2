// Debian's jupyter_server (1.x) on 127.0.0.1 with a token, private Jupyter directories, the project's tslab as the
// only kernelspec, and the test page served from its /static/ route.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as net from "node:net";
import * as path from "node:path";

export const PYTHON = "/usr/bin/python3";
const ROOT = path.resolve(__dirname, "..", "..");

/** Why the server cannot run here, or undefined. */
export function jupyterServerMissing(): string | undefined {
  const server = spawnSync(PYTHON, ["-c", "import jupyter_server, jupyter_client"], { stdio: "ignore" });
  if (server.status !== 0) return "jupyter_server is not installed for /usr/bin/python3 (apt-get install python3-jupyter-server)";
  // `npm run kernel` runs tslab's installer, which imports IPython.
  const ipython = spawnSync(PYTHON, ["-c", "import IPython"], { stdio: "ignore" });
  return ipython.status === 0 ? undefined : "IPython is not installed for /usr/bin/python3, and tslab's kernel installer needs it (apt-get install python3-ipython)";
}

/** A running server: its base URL and token, the page URL for a notebook, and its log so far. */
export interface LabServer {
  base: string;
  token: string;
  pageUrl: (notebookPath: string, options?: { plotly?: boolean; kernel?: boolean }) => string;
  log: () => string;
  stop: () => Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    }).on("error", reject);
  });
}

/** Registers the project's tslab under `prefix` the way a learner does (`npm run kernel -- --prefix`). */
function registerKernel(prefix: string): void {
  const register = spawnSync("npm", ["run", "--silent", "kernel", "--", "--prefix", prefix], { cwd: ROOT, encoding: "utf8" });
  if (register.status !== 0) throw new Error(`npm run kernel failed:\n${register.stderr}${register.stdout}`);
}

/**
 * Starts jupyter_server with `rootDir` as its notebook root and `staticDir` under /static/. Everything Jupyter would
 * write under the home directory (cookie secret, notebook signatures, runtime files) goes into `scratch` instead.
 */
export async function startLabServer(options: { rootDir: string; staticDir: string; scratch: string; env?: NodeJS.ProcessEnv; unset?: string[] }): Promise<LabServer> {
  const prefix = path.join(options.scratch, "prefix");
  registerKernel(prefix);
  const token = randomBytes(24).toString("hex");
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...options.env,
    JUPYTER_PATH: path.join(prefix, "share", "jupyter"),
    JUPYTER_CONFIG_DIR: path.join(options.scratch, "config"),
    JUPYTER_DATA_DIR: path.join(options.scratch, "data"),
    JUPYTER_RUNTIME_DIR: path.join(options.scratch, "runtime"),
  };
  for (const name of options.unset ?? []) delete env[name];
  const args = ["-m", "jupyter_server", "--no-browser", "--ServerApp.ip=127.0.0.1", `--ServerApp.port=${port}`, "--ServerApp.port_retries=0",
    `--ServerApp.token=${token}`, `--ServerApp.root_dir=${options.rootDir}`, `--ServerApp.extra_static_paths=${options.staticDir}`,
    // Only the project's kernel: a tslab found elsewhere on the machine must not be the one tested.
    "--KernelSpecManager.ensure_native_kernel=False", ...(process.getuid?.() === 0 ? ["--allow-root"] : [])];
  const server: ChildProcess = spawn(PYTHON, args, { env, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  server.stdout!.on("data", (d) => { output += d; });
  server.stderr!.on("data", (d) => { output += d; });
  const headers = { Authorization: `token ${token}` };

  const stop = async (): Promise<void> => {
    try {
      const kernels = (await (await fetch(`${base}/api/kernels`, { headers })).json()) as { id: string }[];
      for (const kernel of kernels) await fetch(`${base}/api/kernels/${kernel.id}`, { method: "DELETE", headers });
    } catch { /* the server is already gone */ }
    if (server.exitCode === null && server.signalCode === null) {
      const exited = new Promise((r) => server.once("exit", r));
      server.kill("SIGTERM");
      const timer = setTimeout(() => server.kill("SIGKILL"), 5000);
      await exited;
      clearTimeout(timer);
    }
  };

  const deadline = Date.now() + 60_000;
  for (;;) {
    if (server.exitCode !== null) throw new Error(`jupyter_server exited with ${server.exitCode}:\n${output}`);
    try {
      if ((await fetch(`${base}/api/status`, { headers })).ok) break;
    } catch { /* not listening yet */ }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`jupyter_server did not answer within 60 s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  const pageUrl = (notebookPath: string, page: { plotly?: boolean; kernel?: boolean } = {}) =>
    `${base}/static/btp-lab/index.html?token=${token}&path=${encodeURIComponent(notebookPath)}${page.plotly ? "&plotly=1" : ""}${page.kernel === false ? "&kernel=0" : ""}`;
  return { base, token, pageUrl, log: () => output, stop };
}
