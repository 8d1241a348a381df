/**
 * Instantiates one of the committed WebAssembly modules (src/wasm/, base64) on a fresh memory: what every WebAssembly
 * user in the library calls (the CPU path's runners, the orthogonal initializer). A module compiles once per page,
 * synchronously (each stays within the 4 KB Chrome allows a main thread: test/wasmModules.test.ts); compiled code is
 * immutable, so the cache holds no state of any model or runtime. Throws where WebAssembly cannot run (a
 * Content-Security-Policy without 'wasm-unsafe-eval') or the memory cannot be had.
 */
const compiled = new Map<string, WebAssembly.Module>();

/**
 * The module's exports, with the memory it was given as `memory`: a new one of at least `bytes`, or `memory` itself
 * (a backward module working on what its forward module's memory holds).
 */
export function instantiateWasm<K>(base64: string, bytes: number | WebAssembly.Memory): K & { memory: WebAssembly.Memory } {
  let module = compiled.get(base64);
  if (!module) compiled.set(base64, (module = new WebAssembly.Module(Uint8Array.from(atob(base64), (c) => c.charCodeAt(0)))));
  const memory = typeof bytes === 'number' ? new WebAssembly.Memory({ initial: Math.max(1, Math.ceil(bytes / 65536)) }) : bytes;
  return { ...(new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as K), memory };
}
