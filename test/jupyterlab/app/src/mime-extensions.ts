import type { IRenderMime } from "@jupyterlab/rendermime-interfaces";
import type { RenderMimeRegistry } from "@jupyterlab/rendermime";

/** Where the separately built mime-extension bundle leaves its extensions (see plotly-extension.ts). */
declare global {
  interface Window {
    btpMimeExtensions?: IRenderMime.IExtension[];
  }
}

/** Loads a prebuilt mime-extension script and its stylesheet next to this page. */
export async function loadMimeExtensionBundle(name: string): Promise<IRenderMime.IExtension[]> {
  const css = document.createElement("link");
  css.rel = "stylesheet";
  css.href = `${name}.css`;
  document.head.appendChild(css);
  await new Promise<void>((resolve, reject) => {
    const script = document.createElement("script");
    script.src = `${name}.js`;
    script.onload = () => resolve();
    script.onerror = () => reject(new Error(`could not load ${name}.js`));
    document.head.appendChild(script);
  });
  const extensions = window.btpMimeExtensions;
  if (!extensions || extensions.length === 0) throw new Error(`${name}.js defined no mime extension`);
  return extensions;
}

/** Registers each extension's renderer at the rank it declares, as JupyterLab's rendermime plugin does. */
export function addMimeExtensions(rendermime: RenderMimeRegistry, extensions: IRenderMime.IExtension[]): void {
  for (const extension of extensions) rendermime.addFactory(extension.rendererFactory, extension.rank);
}
