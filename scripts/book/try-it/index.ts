export { copyTryItAssets, transformersForWorker, TRY_IT_DIR, type TryItWeight } from "./assets";
export { findPanelModel, PANEL_DTYPE, PANEL_MODEL_FILES, type MissingModel, type PanelModel } from "./model";
export { FIRST_SENTENCE, renderPanel, SERVE_COMMAND, TRY_IT_PAGES, type PanelStep } from "./panel";
