// The "try it" panel's Web Worker: the sentiment-analysis pipeline taken apart, in your browser.
// It loads the model once, then runs each sentence through the steps the notebooks show:
// tokenizer → model → softmax (sigmoid for a multi-label model) → id2label, and posts every step to the page.
//
// The page starts this worker from the top of its <head>, with the model in the worker's URL
// (worker.js?model=…&dtype=…), so everything the first result needs starts downloading at once, side by side:
// the model's files, ONNX Runtime's WebAssembly (compiled while it streams in), and transformers.js. No static
// import: a module's static imports are fetched and compiled before its first line runs.

const started = performance.now();
/** When each loading step finished, as wall-clock ms (the page puts them on its own clock; the bench reports them). */
const marks = {};
const mark = (name) => { marks[name] = performance.timeOrigin + performance.now(); };
mark("worker");

const query = new URL(import.meta.url).searchParams;
const modelId = query.get("model");
const dtype = query.get("dtype") ?? "fp32";
/** ONNX Runtime's session options (why: see load()). */
const SESSION_OPTIONS = { graphOptimizationLevel: "disabled" };

/** The files pipeline() reads for this model, fetched first; transformers.js gets them through `env.customCache`. */
const modelDir = new URL(`models/${modelId}/`, import.meta.url);
const onnxFile = dtype === "fp32" ? "onnx/model.onnx" : `onnx/model_${dtype === "q8" ? "quantized" : dtype}.onnx`;
const prefetched = new Map(["config.json", "tokenizer_config.json", "tokenizer.json", onnxFile]
  .map((file) => [new URL(file, modelDir).href, fetch(new URL(file, modelDir)).catch(() => undefined)]));
Promise.all(prefetched.values()).then(() => mark("responses"));

/**
 * A one-node ONNX model, y = Identity(x) on one float (warmUpModel() in scripts/book/try-it/assets.ts; a test checks
 * that these are its bytes). ONNX Runtime fetches and compiles its WebAssembly on its first session: a session of
 * this model makes that happen now, while the model downloads, instead of after.
 */
const WARM_UP_MODEL = "CAg6PQoQCgF4EgF5IghJZGVudGl0eRIHd2FybS11cFoPCgF4EgoKCAgBEgQKAggBYg8KAXkSCgoICAESBAoCCAFCBAoAEA0=";

// ONNX Runtime first (the bundle transformers.js imports too: one module, one runtime), and transformers.js only once
// it has run, so that compiling the larger library cannot hold up the start of ONNX Runtime's download and compile.
const library = import("./ort/ort.wasm.bundle.min.mjs").then((ort) => {
  // Its plain SIMD build from this site (14 MB, where the CDN default would be the 27 MB asyncify one); naming only
  // the .wasm makes it use the loader inside ort.wasm.bundle.min.mjs instead of fetching another. Set before
  // transformers.js runs, which otherwise points it at a CDN.
  ort.env.wasm.wasmPaths = { wasm: new URL("ort/ort-wasm-simd-threaded.wasm", import.meta.url).href };
  // One thread: the model is small, and starting ONNX Runtime's thread pool costs more than it saves on one sentence.
  ort.env.wasm.numThreads = 1;
  // Streams: WebAssembly.instantiateStreaming compiles the bytes as they arrive.
  ort.InferenceSession.create(Uint8Array.from(atob(WARM_UP_MODEL), (c) => c.charCodeAt(0)))
    .then((session) => session.release())
    .then(() => mark("runtime"), () => {}); // A failure here happens again, with its reason, when the model loads.
  return import("./transformers.web.min.js");
}).then((lib) => (mark("library"), lib));

/** The model, loaded once: { classifier, tokenizer, model, vocab, multiLabel }, or null if it failed to load. */
const loading = load();
/** The newest sentence not yet run: when the reader types faster than the model runs, older ones are skipped. */
let waiting = null;
let running = false;

self.onmessage = ({ data }) => {
  if (data.type === "classify") waiting = data;
  runWaiting();
};

async function load() {
  try {
    const { env, pipeline } = await library;
    // Everything comes from this site: never the Hugging Face Hub, never a CDN (ONNX Runtime's files: see above).
    env.allowRemoteModels = false;
    env.allowLocalModels = true;
    // A path from the site's root, not a full URL: transformers.js checks that local files exist only for paths.
    env.localModelPath = new URL("models/", import.meta.url).pathname;
    // The files fetched above, once each (transformers.js asks for some twice). Nothing is stored: the browser's
    // HTTP cache revalidates them, where the Cache API would keep an old model after the site is rebuilt.
    env.useBrowserCache = false;
    env.useCustomCache = true;
    env.customCache = {
      async match(request) {
        const response = await prefetched.get(new URL(request, self.location.href).href);
        return response?.ok ? response.clone() : undefined;
      },
      async put() {},
    };
    // The pipeline the notebooks start from; its tokenizer and model are the parts we call one by one.
    // The graph runs as exported, without ONNX Runtime's graph optimisations: in the browser every function ONNX Runtime
    // calls for the first time is compiled then, and the optimiser's are about a second of CPU on a cold page, for a
    // model this small. The numbers agree with Node's optimised session within 1e-5 (the Chromium test checks).
    const classifier = await pipeline("sentiment-analysis", modelId, { dtype, session_options: SESSION_OPTIONS });
    prefetched.clear();
    mark("pipeline");
    const { tokenizer, model } = classifier;
    const labelCount = model.config.num_labels ?? Object.keys(model.config.id2label ?? {}).length;
    const labels = Array.from({ length: labelCount }, (_, i) => model.config.id2label?.[i] ?? `LABEL_${i}`);
    // id → word piece, to show the pieces behind the ids ("##face" keeps its "##").
    const vocab = [];
    for (const [piece, id] of tokenizer.get_vocab()) vocab[id] = piece;
    const multiLabel = model.config.problem_type === "multi_label_classification";
    self.postMessage({ type: "ready", labels, multiLabel, loadMs: performance.now() - started, marks });
    return { classifier, tokenizer, model, vocab, multiLabel };
  } catch (error) {
    self.postMessage({ type: "error", message: `could not load the model: ${error.message}` });
    return null;
  }
}

async function runWaiting() {
  if (running) return;
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
  const begun = performance.now();
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
    ms: performance.now() - begun,
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
