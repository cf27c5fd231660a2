export type { Figure } from "./figure";
export type { NumericMatrix, NumericVector } from "./validate";
export { probabilityBars, type ProbabilityBarsOptions } from "./bars";
export {
  heatmap, attentionHeatmap, hiddenStateHeatmap,
  type HeatmapOptions, type AttentionHeatmapOptions, type HiddenStateHeatmapOptions,
} from "./heatmap";
export { layerLines, layerHeatmap, type LayerFigureOptions } from "./layers";
export { tokenRows, tokenTable, tokenTableHtml, tokenTableText, type TokenRow } from "./tokens";
export { figureText } from "./summary";
export { textTable, wrapText } from "./text";
export { figureHtml, defaultConfig, type FigureHtmlOptions } from "./html";
export { plotlyBundlePath } from "./plotly-bundle";
export { escapeHtml } from "./escape";
export { displayBundle, inJupyter, type MimeBundle, type DisplayTarget } from "./display";
export { show, showTable, showTokens, figureBundle, tableBundle, PLOTLY_MIME, type ShowOptions } from "./show";
export type { FigureFrame } from "./figure";
export { headView, type HeadViewOptions } from "./head-view";
export { attributionText, showAttribution, type AttributionRow, type AttributionTextOptions } from "./attribution";
export { sigmoidSlider, logistic, differenceFrame, temperatureFrame, type SigmoidSliderOptions } from "./sigmoid-slider";
export { temperatureFigure, scoreScatter, type ScoreGroup } from "./logits";
export { candidateBars, type Candidate } from "./candidates";
