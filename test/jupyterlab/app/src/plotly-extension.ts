// A separate bundle: jupyterlab-plotly's mime extension, as JupyterLab would load a prebuilt one. The npm package ships
// only its sources (no federated labextension), so it is bundled here on its own and handed to the page on `window`.
import extensions from "jupyterlab-plotly/lib/plotly-renderer";
import type {} from "./mime-extensions";

window.btpMimeExtensions = extensions;
