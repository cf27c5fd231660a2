import type { IYText } from "@jupyter/ydoc";
import {
  CodeMirrorEditorFactory,
  CodeMirrorMimeTypeService,
  EditorExtensionRegistry,
  EditorLanguageRegistry,
  EditorThemeRegistry,
  ybinding,
} from "@jupyterlab/codemirror";

/** CodeMirror as JupyterLab sets it up: every default language, theme and extension, bound to the cell's Y.Text. */
export function createEditorServices(): { languages: EditorLanguageRegistry; factory: CodeMirrorEditorFactory; mimeTypes: CodeMirrorMimeTypeService } {
  const languages = new EditorLanguageRegistry();
  for (const language of EditorLanguageRegistry.getDefaultLanguages()) languages.addLanguage(language);
  const themes = new EditorThemeRegistry();
  for (const theme of EditorThemeRegistry.getDefaultThemes()) themes.addTheme(theme);
  const extensions = new EditorExtensionRegistry();
  for (const extension of EditorExtensionRegistry.getDefaultExtensions({ themes })) extensions.addExtension(extension);
  // Without this binding, typing in a cell would not reach the notebook model (JupyterLab adds it as a plugin).
  extensions.addExtension({
    name: "shared-model-binding",
    factory: (options) => {
      const shared = options.model.sharedModel as IYText;
      return EditorExtensionRegistry.createImmutableExtension(ybinding({ ytext: shared.ysource, undoManager: shared.undoManager ?? undefined }));
    },
  });
  return { languages, factory: new CodeMirrorEditorFactory({ extensions, languages }), mimeTypes: new CodeMirrorMimeTypeService(languages) };
}
