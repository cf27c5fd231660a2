// The "try it" panel's HTML: a text box and one box per step, which assets/try-it/panel.js fills in.
import { escapeHtml } from "../escape";
import type { ModelNote } from "../model-note";
import { TRY_IT_DIR } from "./assets";
import { PANEL_DTYPE, type MissingModel, type PanelModel } from "./model";

/** The steps the panel shows, in pipeline order. */
export type PanelStep = "tokens" | "logits" | "scores" | "label";

/** The pages that get a panel, and the step each one teaches (highlighted on that page). */
export const TRY_IT_PAGES: Readonly<Record<string, PanelStep>> = {
  "02-tokenizer": "tokens",
  "04-logits": "logits",
  "05-softmax": "scores",
  "06-postprocess": "label",
};

/** The sentence the panel starts with: the course's first one. */
export const FIRST_SENTENCE = "I've been waiting for a HuggingFace course my whole life.";

/** The command that serves the site, as the panel shows it when opened from file://. */
export const SERVE_COMMAND = "npm run book -- --serve";

/** One step's box: a heading naming the transformers.js call, and an empty body the script fills. */
function stepBox(step: PanelStep, focus: PanelStep, title: string, call: string, body: string): string {
  const here = step === focus ? ' <span class="try-it-here">this page</span>' : "";
  return `<section class="try-it-step${step === focus ? " focus" : ""}" data-step="${step}"><h3>${title} <code>${escapeHtml(call)}</code>${here}</h3>${body}</section>`;
}

/**
 * The panel's script tag, for the top of the page's <head>: it starts the worker for `model` before the page's styles
 * and body arrive (async: it never holds up the page), so the model's files are the first thing the page fetches.
 */
export function panelScript(model: PanelModel): string {
  return `<script src="${TRY_IT_DIR}/panel.js" data-model="${escapeHtml(model.id)}" data-dtype="${PANEL_DTYPE}" async></script>`;
}

/** The panel for a page teaching `focus`, running `model` (or saying why it cannot). */
export function renderPanel(focus: PanelStep, note: ModelNote, model: PanelModel | MissingModel): string {
  const head = '<h2 id="try-it-title">Try it: your own sentence</h2>';
  if ("why" in model) {
    return `<section class="try-it unavailable" aria-labelledby="try-it-title">${head}<p class="try-it-status">This panel runs the model behind ` +
      `this page in your browser, but this build of the site has no copy of it: ${escapeHtml(model.why)}.</p></section>`;
  }
  const activation = model.multiLabel ? "3 · Sigmoid, one per label" : "3 · Softmax";
  const activationCall = model.multiLabel ? "logits.sigmoid()" : "softmax(logits)";
  const steps = [
    stepBox("tokens", focus, "1 · Word pieces and ids", "tokenizer(text)", '<ol class="try-it-tokens"></ol>'),
    stepBox("logits", focus, "2 · Logits", "(await model(inputs)).logits", '<table class="try-it-logits"><tbody></tbody></table>'),
    stepBox("scores", focus, activation, activationCall, '<div class="try-it-bars"></div>'),
    stepBox("label", focus, "4 · Label and score", "model.config.id2label", '<p class="try-it-label"></p><p class="try-it-check"></p>'),
  ];
  return `<section class="try-it" aria-labelledby="try-it-title" data-model="${escapeHtml(model.id)}" data-dtype="${PANEL_DTYPE}" ` +
    `data-serve="${escapeHtml(SERVE_COMMAND)}">${head}
<p>The model behind this page's outputs runs here, in your browser, on transformers.js and ONNX Runtime's WebAssembly
served by this site (no network, no server compute). Type a sentence and watch each step of the pipeline.
<span class="model-line">${escapeHtml(note.text)}</span></p>
<label class="try-it-input">Sentence <input type="text" value="${escapeHtml(FIRST_SENTENCE)}" maxlength="2000" spellcheck="false" autocomplete="off"></label>
<p class="try-it-status" role="status">This panel needs JavaScript, and the site served over http: <code>${escapeHtml(SERVE_COMMAND)}</code>.</p>
<div class="try-it-steps" hidden>
${steps.join("\n")}
</div>
<p class="try-it-source">The steps run in a Web Worker: read <a href="${TRY_IT_DIR}/worker.js">its source</a>.</p>
</section>`;
}
