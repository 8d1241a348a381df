/**
 * Instantiates one of the committed WebAssembly modules (src/wasm/, base64) on a fresh memory: what every WebAssembly
 * user in the library calls (the CPU path's runners, the orthogonal initializer). A module compiles once per page,
 * synchronously (each stays within the 4 KB Chrome allows a main thread: test/wasmModules.test.ts); compiled code is
 * immutable, so the cache holds no state of any model or runtime. Throws where WebAssembly cannot run (a
 * Content-Security-Policy without 'wasm-unsafe-eval') or the memory cannot be had.
 */
import { OutOfMemoryError } from '../errors';

const compiled = new Map<string, WebAssembly.Module>();

/**
 * The module's exports, with the memory it was given as `memory`: a new one of at least `bytes`, or `memory` itself
 * (a backward module working on what its forward module's memory holds).
 */
export function instantiateWasm<K>(base64: string, bytes: number | WebAssembly.Memory): K & { memory: WebAssembly.Memory } {
  let module = compiled.get(base64);
  if (!module) compiled.set(base64, (module = new WebAssembly.Module(Uint8Array.from(atob(base64), (c) => c.charCodeAt(0)))));
  let memory: WebAssembly.Memory;
  if (typeof bytes === 'number') {
    memory = new WebAssembly.Memory({ initial: 1 });
    growTo(memory, bytes);
  } else memory = bytes;
  return { ...(new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as K), memory };
}

/**
 * Grows `memory` to hold at least `bytes`. An engine that gives no more (a WebAssembly memory holds at most 4 GiB,
 * often less) is an OutOfMemoryError that says how much the call wanted; the memory is left as it was.
 */
export function growTo(memory: WebAssembly.Memory, bytes: number): void {
  const have = memory.buffer.byteLength;
  if (have >= bytes) return;
  try {
    memory.grow(Math.ceil((bytes - have) / 65536));
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    throw new OutOfMemoryError(
      `the wasm backend needs ${(bytes / 2 ** 20).toFixed(0)} MiB of WebAssembly memory for this call and the engine gives no more ` +
        `(${(have / 2 ** 20).toFixed(0)} MiB so far; a WebAssembly memory holds at most 4 GiB); use a smaller batchSize or shorter sequences`,
    );
  }
}

/**
 * Why the wasm backend cannot run here, or null where it can: WebAssembly missing, a Content-Security-Policy without
 * 'wasm-unsafe-eval' (compiling throws), or an engine without 128-bit SIMD. Compiles the smallest SIMD module, a
 * function returning a v128 constant (43 bytes): a few microseconds, once per createRuntime.
 */
export function wasmUnavailableBecause(): string | null {
  if (typeof WebAssembly === 'undefined') return 'WebAssembly is not available here';
  const simd = Uint8Array.of(
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00], // magic, version 1
    ...[0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7b], // type section: () -> v128
    ...[0x03, 0x02, 0x01, 0x00], // function section: one function of type 0
    ...[0x0a, 0x16, 0x01, 0x14, 0x00, 0xfd, 0x0c, ...new Array<number>(16).fill(0), 0x0b], // code: v128.const 0; end
  );
  if (!WebAssembly.validate(simd)) return 'this engine has no WebAssembly SIMD (128-bit), which its kernels use';
  try {
    new WebAssembly.Module(simd);
    return null;
  } catch (e) {
    return `WebAssembly cannot be compiled here (${String(e)}): a Content-Security-Policy needs 'wasm-unsafe-eval' for it`;
  }
}

/**
 * Why the wasm backend cannot run threads here, or null where it can (src/cpu/threads.ts): they share their inputs
 * and outputs through SharedArrayBuffer, which a page has only when cross-origin isolated, and each is a worker
 * running the built package's dist/cpu/threadWorker.js (which Node lacks under a test runner on the TypeScript sources,
 * or where an app bundled webrnn into a file of its own).
 */
export function threadsUnavailableBecause(): string | null {
  if (typeof SharedArrayBuffer === 'undefined' || (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === false) {
    return 'this page is not cross-origin isolated, so it has no SharedArrayBuffer: serve it with the headers Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp';
  }
  if (typeof Worker !== 'undefined') return null;
  if (typeof process === 'undefined' || !process.versions?.node) return 'this JavaScript engine has no workers';
  if (import.meta.url.endsWith('.ts'))
    return "webrnn runs from its TypeScript sources here (a test runner): Node's threads start the built package's dist/cpu/threadWorker.js";
  // Bundled into an app's own file, webrnn no longer has dist/cpu/threadWorker.js beside its modules.
  if (!/\/cpu\/wasmInstance\.js$/.test(new URL(import.meta.url).pathname))
    return "webrnn is bundled into another file here: Node's threads start the package's dist/cpu/threadWorker.js, which the bundle left out";
  return null;
}

/** Whether this code runs in a page's Web Worker (a wasm thread, ./threadWorker.ts), not in a page or in Node. */
export const inWebWorker = typeof (globalThis as { WorkerGlobalScope?: unknown }).WorkerGlobalScope !== 'undefined';

/** The cores of this machine: navigator.hardwareConcurrency, or Node's os.availableParallelism(). */
export async function coreCount(): Promise<number> {
  if (typeof navigator !== 'undefined' && navigator.hardwareConcurrency) return navigator.hardwareConcurrency;
  try {
    return (await nodeModule<typeof import('node:os')>('os')).availableParallelism();
  } catch {
    return 1;
  }
}

/**
 * Node's own module `node:<name>`, for the wasm backend's code that runs in pages and in Node alike. The specifier is
 * made at run time, where no bundler sees it: a page's bundle must not try to resolve Node's modules (webpack fails
 * on the node: scheme), and this code reaches them only in Node.
 */
export function nodeModule<T>(name: string): Promise<T> {
  return import(/* webpackIgnore: true */ /* @vite-ignore */ `node:${name}`) as Promise<T>;
}
