// One way to start a Jupyter server for the browser tests, whichever app it is (jupyter_server for JupyterLab's page,
// the classic Notebook): on 127.0.0.1 with a random token, private Jupyter directories under `scratch`, and the
// project's tslab registered as the only kernel, the way a learner does with `npm run kernel -- --prefix`.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import * as net from "node:net";
import * as path from "node:path";

export const PYTHON = "/usr/bin/python3";
const ROOT = path.resolve(__dirname, "..", "..");

/** A running server: its base URL, port, token and log; `stop` shuts its kernels down, then the server. */
export interface JupyterServer {
  base: string;
  port: number;
  token: string;
  log: () => string;
  stop: () => Promise<void>;
}

/** A free loopback port (bound then released, as jupyter_client picks kernel ports). */
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
 * Starts `python3 -m <module>` with the arguments `args(port, token)` gives, once the kernel is registered, and
 * waits (60 s at most) until its REST API answers. Everything Jupyter would write under the home directory (cookie
 * secret, notebook signatures, runtime files) goes into `scratch` instead.
 */
export async function startJupyterServer(options: {
  module: string;
  args: (port: number, token: string) => string[];
  scratch: string;
  env?: NodeJS.ProcessEnv;
  unset?: string[];
}): Promise<JupyterServer> {
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
  const args = ["-m", options.module, ...options.args(port, token), ...(process.getuid?.() === 0 ? ["--allow-root"] : [])];
  const server: ChildProcess = spawn(PYTHON, args, { env, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  server.stdout!.on("data", (d) => { output += d; });
  server.stderr!.on("data", (d) => { output += d; });
  const headers = { Authorization: `token ${token}` };

  // Kernels run in their own sessions, so they are shut down through the REST API before the server itself.
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

  const deadline = Date.now() + 180_000; // a bound for a hang, not for speed: a loaded machine starts Python slowly
  for (;;) {
    if (server.exitCode !== null) throw new Error(`${options.module} exited with ${server.exitCode}:\n${output}`);
    try {
      if ((await fetch(`${base}/api/status`, { headers })).ok) break;
    } catch { /* not listening yet */ }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`${options.module} did not answer within 180 s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { base, port, token, log: () => output, stop };
}
