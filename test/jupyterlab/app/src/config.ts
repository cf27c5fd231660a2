import { PageConfig } from "@jupyterlab/coreutils";

/** What the test asks of this page, read from its URL query. */
export interface PageRequest {
  /** The notebook to open, relative to the server's root_dir. */
  notebookPath: string;
  /** Load the separately built jupyterlab-plotly mime extension before the first output is rendered. */
  plotly: boolean;
  /** Start a kernel for the notebook (`kernel=0`: only look at its saved outputs). */
  kernel: boolean;
}

/**
 * Copies `token` and `path` from the URL into PageConfig. ServerConnection reads its settings once, when they are
 * made, so this runs before anything builds a ServiceManager.
 */
export function readPageRequest(location: Location): PageRequest {
  const query = new URLSearchParams(location.search);
  const token = query.get("token");
  const notebookPath = query.get("path");
  if (!token || !notebookPath) throw new Error("open this page as index.html?token=<server token>&path=<notebook path>[&plotly=1][&kernel=0]");
  PageConfig.setOption("token", token);
  PageConfig.setOption("notebookPath", notebookPath);
  return { notebookPath, plotly: query.get("plotly") === "1", kernel: query.get("kernel") !== "0" };
}
