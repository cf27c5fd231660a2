// jupyterlab-plotly on npm ships JavaScript only; its renderer module's default export is a list of mime extensions.
declare module "jupyterlab-plotly/lib/plotly-renderer" {
  import type { IRenderMime } from "@jupyterlab/rendermime-interfaces";
  const extensions: IRenderMime.IExtension[];
  export default extensions;
}
