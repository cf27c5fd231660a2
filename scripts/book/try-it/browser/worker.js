// The "try it" panel's Web Worker: the sentiment-analysis pipeline taken apart, in your browser.
// It loads the model once, then runs each sentence through the steps the notebooks show:
// tokenizer → model → softmax (sigmoid for a multi-label model) → id2label, and posts every step to the page.
import { env, pipeline } from "./transformers.web.min.js";

// Everything comes from this site: never the Hugging Face Hub, never a CDN.
env.allowRemoteModels = false;
env.allowLocalModels = true;
// A path from the site's root, not a full URL: transformers.js checks that local files exist only for paths.
env.localModelPath = new URL("models/", import.meta.url).pathname;
// transformers.js points ONNX Runtime at a CDN when it is imported; the WebAssembly files sit next to this worker.
env.backends.onnx.wasm.wasmPaths = new URL("ort/", import.meta.url).href;
// The browser's HTTP cache revalidates files; the Cache API copy would keep an old model after the site is rebuilt.
env.useBrowserCache = false;
// One thread: the model is small, and starting ONNX Runtime's thread pool costs more than it saves on one sentence.
env.backends.onnx.wasm.numThreads = 1;

/** The model, loaded once: { classifier, tokenizer, model, vocab, multiLabel }, or null if it failed to load. */
let loading;
/** The newest sentence not yet run: when the reader types faster than the model runs, older ones are skipped. */
let waiting = null;
let running = false;

self.onmessage = ({ data }) => {
  if (data.type === "load") loading ??= load(data.model, data.dtype);
  if (data.type === "classify") waiting = data;
  runWaiting();
};

async function load(modelId, dtype) {
  const started = performance.now();
  try {
    // The pipeline the notebooks start from; its tokenizer and model are the parts we call one by one.
    const classifier = await pipeline("sentiment-analysis", modelId, { dtype });
    const { tokenizer, model } = classifier;
    const labelCount = model.config.num_labels ?? Object.keys(model.config.id2label ?? {}).length;
    const labels = Array.from({ length: labelCount }, (_, i) => model.config.id2label?.[i] ?? `LABEL_${i}`);
    // id → word piece, to show the pieces behind the ids ("##face" keeps its "##").
    const vocab = [];
    for (const [piece, id] of tokenizer.get_vocab()) vocab[id] = piece;
    const multiLabel = model.config.problem_type === "multi_label_classification";
    self.postMessage({ type: "ready", labels, multiLabel, loadMs: performance.now() - started });
    return { classifier, tokenizer, model, vocab, multiLabel };
  } catch (error) {
    self.postMessage({ type: "error", message: `could not load the model: ${error.message}` });
    return null;
  }
}

async function runWaiting() {
  if (running || !loading) return;
  running = true;
  try {
    const loaded = await loading;
    while (loaded && waiting) {
      const job = waiting;
      waiting = null;
      self.postMessage(await classify(loaded, job));
      // The whole pipeline on the same text, after the steps are on screen: it shows they give its answer.
      const [answer] = await loaded.classifier(job.text);
      self.postMessage({ type: "pipeline", id: job.id, text: job.text, pipeline: answer });
    }
  } catch (error) {
    self.postMessage({ type: "error", message: error.message });
  } finally {
    running = false;
  }
}

async function classify({ tokenizer, model, vocab, multiLabel }, { id, text }) {
  const started = performance.now();
  // 1. Text → ids, as the pipeline calls the tokenizer (truncated to the model's length).
  const inputs = tokenizer(text, { padding: true, truncation: true });
  const ids = Array.from(inputs.input_ids.data, Number);
  const pieces = ids.map((tokenId) => vocab[tokenId] ?? `[${tokenId}]`);
  // 2. The forward pass: one row of logits, one number per label.
  const { logits } = await model(inputs);
  const row = Array.from(logits.data);
  // 3. Logits → scores: softmax shares one unit of probability among the labels; sigmoid scores each label alone.
  const scores = multiLabel ? row.map(sigmoid) : softmax(row);
  // 4. The best score's id, named by the config's id2label.
  const best = scores.indexOf(Math.max(...scores));
  const label = model.config.id2label?.[best] ?? `LABEL_${best}`;
  return {
    type: "result", id, text, ids, pieces, logits: row, scores, label, score: scores[best],
    ms: performance.now() - started,
  };
}

/** Softmax written out: subtract the largest logit first so that exp() cannot overflow. */
function softmax(values) {
  const largest = Math.max(...values);
  const exps = values.map((v) => Math.exp(v - largest));
  const total = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / total);
}

function sigmoid(value) {
  return 1 / (1 + Math.exp(-value));
}
