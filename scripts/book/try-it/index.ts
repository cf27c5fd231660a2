export { copyTryItAssets, transformersForWorker, TRY_IT_DIR, warmUpModel, type TryItWeight } from "./assets";
export { findPanelModel, PANEL_DTYPE, PANEL_MODEL_FILES, type MissingModel, type PanelModel } from "./model";
export { FIRST_SENTENCE, panelScript, renderPanel, SERVE_COMMAND, TRY_IT_PAGES, type PanelStep } from "./panel";
