// A JupyterLab notebook page for the browser test: JupyterLab's own notebook widget, output area, rendermime
// registry, sanitizer, trust model and kernel client, without the rest of the application shell.
import "./style";
import { DocumentManager } from "@jupyterlab/docmanager";
import { DocumentRegistry } from "@jupyterlab/docregistry";
import { createMarkdownParser } from "@jupyterlab/markedparser-extension";
import { NotebookActions, NotebookModelFactory, NotebookPanel, NotebookWidgetFactory, StaticNotebook } from "@jupyterlab/notebook";
import { RenderMimeRegistry, standardRendererFactories } from "@jupyterlab/rendermime";
import { ServiceManager } from "@jupyterlab/services";
import { CommandRegistry } from "@lumino/commands";
import { BoxPanel, Widget } from "@lumino/widgets";
import { readPageRequest } from "./config";
import { createEditorServices } from "./editor";
import { addMimeExtensions, loadMimeExtensionBundle } from "./mime-extensions";

/** What the test reads and drives; named after the objects JupyterLab's own plugins hold. */
export interface LabHandle {
  panel: NotebookPanel;
  commands: CommandRegistry;
  rendermime: RenderMimeRegistry;
  services: ServiceManager;
  /** Mime types whose renderer came from a mime extension. */
  extensionMimeTypes: string[];
}

declare global {
  interface Window {
    jlab?: LabHandle;
    jlabError?: string;
  }
}

/** JupyterLab's command ids and key bindings for the three ways a learner runs a notebook. */
function addNotebookCommands(commands: CommandRegistry, panel: NotebookPanel): void {
  commands.addCommand("notebook:run-cell-and-select-next", {
    label: "Run Selected Cell",
    execute: () => NotebookActions.runAndAdvance(panel.content, panel.sessionContext),
  });
  commands.addCommand("notebook:run-all-cells", {
    label: "Run All Cells",
    execute: () => NotebookActions.runAll(panel.content, panel.sessionContext),
  });
  // JupyterLab asks "Restart Kernel?" first; the test has already answered yes.
  commands.addCommand("kernelmenu:restart", {
    label: "Restart Kernel",
    execute: () => panel.sessionContext.restartKernel(),
  });
  commands.addKeyBinding({ command: "notebook:run-cell-and-select-next", keys: ["Shift Enter"], selector: ".jp-Notebook" });
  document.addEventListener("keydown", (event) => commands.processKeydownEvent(event), true);
}

async function main(): Promise<void> {
  const request = readPageRequest(window.location);
  const services = new ServiceManager();
  const { languages, factory, mimeTypes } = createEditorServices();
  const rendermime = new RenderMimeRegistry({ initialFactories: standardRendererFactories, markdownParser: createMarkdownParser(languages) });
  const extensionMimeTypes: string[] = [];
  if (request.plotly) {
    const extensions = await loadMimeExtensionBundle("plotly-extension");
    addMimeExtensions(rendermime, extensions);
    extensionMimeTypes.push(...extensions.flatMap((e) => e.rendererFactory.mimeTypes));
  }
  await services.ready;

  const registry = new DocumentRegistry();
  // Only the notebook is shown: other documents the manager would open beside it have nowhere to go.
  const opener = { open: (_widget: Widget) => undefined, get opened() { return { connect: () => false, disconnect: () => false }; } };
  // No autosave: the test decides what reaches the disk (a saved notebook is signed, hence trusted).
  const documents = new DocumentManager({ registry, manager: services, opener: opener as unknown as DocumentManager.IOptions["opener"] });
  documents.autosave = false;
  registry.addModelFactory(new NotebookModelFactory({}));
  registry.addWidgetFactory(new NotebookWidgetFactory({
    name: "Notebook",
    modelName: "notebook",
    fileTypes: ["notebook"],
    defaultFor: ["notebook"],
    preferKernel: request.kernel,
    canStartKernel: request.kernel,
    rendermime,
    contentFactory: new NotebookPanel.ContentFactory({ editorFactory: factory.newInlineEditor }),
    mimeTypeService: mimeTypes,
    notebookConfig: { ...StaticNotebook.defaultNotebookConfig, windowingMode: "none" },
  }));

  const panel = documents.open(request.notebookPath) as NotebookPanel | undefined;
  if (!panel) throw new Error(`JupyterLab could not open ${request.notebookPath}`);
  const commands = new CommandRegistry();
  addNotebookCommands(commands, panel);

  const shell = new BoxPanel();
  shell.id = "main";
  shell.addClass("jp-ThemedContainer");
  shell.addWidget(panel);
  BoxPanel.setStretch(panel, 1);
  window.addEventListener("resize", () => shell.update());
  Widget.attach(shell, document.body);
  window.jlab = { panel, commands, rendermime, services, extensionMimeTypes };
}

main().catch((error: unknown) => {
  window.jlabError = error instanceof Error ? `${error.message}\n${error.stack ?? ""}` : String(error);
  console.error(window.jlabError);
});
