// The "try it" worker's helper thread (worker.js starts it): compiles ONNX Runtime's WebAssembly and warms it up,
// while the worker itself parses transformers.js and the tokenizer, so the two run on two cores.
//
// Chromium compiles a WebAssembly function only when it is first called, on the thread that calls it, and the first
// ONNX Runtime session calls hundreds of them (its kernel registry alone is one function that takes about half a
// second to compile here). Compiled code belongs to the module, not to a thread: the worker instantiates the Module
// posted from here, so what this thread's warm-up session compiled is compiled already when the worker's session runs.

const wasmUrl = new URL("ort/ort-wasm-simd-threaded.wasm", import.meta.url);
/** Streams in: WebAssembly.compileStreaming compiles the bytes as they arrive. */
const compiled = WebAssembly.compileStreaming(fetch(wasmUrl));

/**
 * A one-node ONNX model, y = Identity(x) on one float (warmUpModel() in scripts/book/try-it/assets.ts; a test checks
 * that these are its bytes): a session of it runs what every session runs, from ONNX Runtime's start to a result.
 */
const WARM_UP_MODEL = "CAg6PQoQCgF4EgF5IghJZGVudGl0eRIHd2FybS11cFoPCgF4EgoKCAgBEgQKAggBYg8KAXkSCgoICAESBAoCCAFCBAoAEA0=";

// The Module goes to the worker once warm: were both threads to start ONNX Runtime at once, each would compile the
// same functions for itself. Then this thread is done (the worker's instance keeps the compiled code).
warmUp()
  .then(() => compiled)
  .then((module) => self.postMessage({ type: "module", module }), (error) => self.postMessage({ type: "failed", message: String(error?.message ?? error) }))
  .finally(() => self.close());

/** Starts ONNX Runtime on the compiled Module and makes and runs one session of the warm-up model. */
async function warmUp() {
  try {
    const [ort, { instantiateCompiled }] = await Promise.all([import("./ort/ort.wasm.bundle.min.mjs"), import("./compiled-wasm.js")]);
    ort.env.wasm.numThreads = 1;
    ort.env.wasm.wasmPaths = { wasm: wasmUrl.href };
    ort.env.wasm.wasmBinary = instantiateCompiled(compiled);
    const session = await ort.InferenceSession.create(Uint8Array.from(atob(WARM_UP_MODEL), (c) => c.charCodeAt(0)));
    await session.run({ x: new ort.Tensor("float32", new Float32Array([0.25]), [1]) });
    await session.release();
    self.postMessage({ type: "warm" });
  } catch {
    // Only a warm-up: a failure here happens again, with its reason, when the worker loads the model.
  }
}
