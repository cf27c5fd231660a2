// Lets ONNX Runtime run on a WebAssembly.Module compiled elsewhere (by runtime.js, on another thread).
//
// Why a hook: ONNX Runtime 1.31's loader takes its WebAssembly only as bytes (env.wasm.wasmBinary) or as a URL to
// fetch and compile (env.wasm.wasmPaths). Emscripten's glue would accept a ready Module through
// Module.instantiateWasm, but ONNX Runtime does not pass one through. So ONNX Runtime gets a placeholder as its
// bytes, the 8-byte header of an empty module, and the one call WebAssembly.instantiate(placeholder, imports) it then
// makes instantiates the compiled Module instead. The hook removes itself on that call, and every other call goes to
// the browser's own function unchanged.

/** `\0asm` and version 1: a valid, empty WebAssembly module, which nothing else instantiates. */
const PLACEHOLDER = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];

/** True for ONNX Runtime's copy of the placeholder bytes. */
function isPlaceholder(source) {
  return source instanceof Uint8Array && source.length === PLACEHOLDER.length && source.every((byte, i) => byte === PLACEHOLDER[i]);
}

/**
 * Makes the next ONNX Runtime start in this thread instantiate `module` (a promise of a WebAssembly.Module); returns
 * the placeholder to set as `env.wasm.wasmBinary`. If `module` rejects, that start fails with its reason.
 */
export function instantiateCompiled(module) {
  const instantiate = WebAssembly.instantiate;
  WebAssembly.instantiate = function (source, imports) {
    if (!isPlaceholder(source)) return instantiate.apply(WebAssembly, arguments);
    WebAssembly.instantiate = instantiate;
    return module.then(async (compiled) => ({ module: compiled, instance: await instantiate.call(WebAssembly, compiled, imports) }));
  };
  return Uint8Array.from(PLACEHOLDER);
}
