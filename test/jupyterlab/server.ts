// Debian's jupyter_server (1.x) on 127.0.0.1 with a token, private Jupyter directories, the project's tslab as the
// only kernelspec, and the test page served from its /static/ route.
import { spawnSync } from "node:child_process";
import { PYTHON, startJupyterServer } from "../helpers/jupyter-server";

export { PYTHON };

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

/**
 * Starts jupyter_server with `rootDir` as its notebook root and `staticDir` under /static/. Everything Jupyter would
 * write under the home directory (cookie secret, notebook signatures, runtime files) goes into `scratch` instead.
 */
export async function startLabServer(options: { rootDir: string; staticDir: string; scratch: string; env?: NodeJS.ProcessEnv; unset?: string[] }): Promise<LabServer> {
  const server = await startJupyterServer({
    module: "jupyter_server",
    scratch: options.scratch,
    env: options.env,
    unset: options.unset,
    args: (port, token) => ["--no-browser", "--ServerApp.ip=127.0.0.1", `--ServerApp.port=${port}`, "--ServerApp.port_retries=0",
      `--ServerApp.token=${token}`, `--ServerApp.root_dir=${options.rootDir}`, `--ServerApp.extra_static_paths=${options.staticDir}`,
      // Only the project's kernel: a tslab found elsewhere on the machine must not be the one tested.
      "--KernelSpecManager.ensure_native_kernel=False"],
  });
  const { base, token } = server;
  const pageUrl = (notebookPath: string, page: { plotly?: boolean; kernel?: boolean } = {}) =>
    `${base}/static/btp-lab/index.html?token=${token}&path=${encodeURIComponent(notebookPath)}${page.plotly ? "&plotly=1" : ""}${page.kernel === false ? "&kernel=0" : ""}`;
  return { base, token, pageUrl, log: server.log, stop: server.stop };
}
