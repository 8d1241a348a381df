/**
 * webrnn in Node, without a browser: `import { createRuntime, sequential, layers } from 'webrnn/node'`. Everything
 * the package exports, with a createRuntime that runs on Dawn (Chrome's WebGPU implementation) through the
 * `webgpu` package, an optional peer dependency: `npm install webgpu`. Models save and load with `file://` paths.
 *
 * What this createRuntime does that a page's does not need:
 * - installs the WebGPU globals (GPUBufferUsage, GPUMapMode, …) Dawn provides, where Node has none;
 * - on a Linux machine without a GPU, points the Vulkan loader at Chromium's SwiftShader driver when no adapter
 *   answers and VK_ICD_FILENAMES is unset (the Debian chromium package ships it);
 * - otherwise says exactly what is missing: the package, the Vulkan loader (libvulkan1), or a driver.
 * It then requests the device as the page's createRuntime does, with the same raised limits.
 */
import { existsSync } from 'node:fs';
// From the package's entry, so the declarations of this file refer to index.d.ts alone (scripts/buildTypes.mjs).
import { ValueError, WebGPUUnavailableError, createRuntime as createPageRuntime, type Runtime, type RuntimeOptions } from './index';
import { DAWN_POLLING, paceDawnPolling, pacesPolling } from './dawnPolling';

export * from './index';

/** Chromium's SwiftShader Vulkan driver, as Debian's chromium package installs it. */
export const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

export interface NodeRuntimeOptions extends Omit<RuntimeOptions, 'gpu'> {
  /** dawn.node's options, as `key=value` strings (default `['backend=vulkan']` on Linux, Dawn's default elsewhere). */
  dawn?: string[];
  /**
   * How dawn.node waits for the GPU. 'paced': a wait polls back to back for 2 ms, then once a millisecond, so it
   * does not keep busy a core that a CPU-emulated GPU computes on (src/dawnPolling.ts: it wraps
   * `globalThis.setImmediate` while the runtime lives). 'busy': dawn.node's own back-to-back polling, Node untouched:
   * the lowest latency where the GPU is hardware. 'auto' (the default): paced on a CPU-emulated adapter
   * (`rt.adapter.isFallback`: SwiftShader), busy on a hardware one.
   */
  dawnPolling?: 'auto' | 'paced' | 'busy';
}

interface WebGpuPackage {
  create(options: string[]): GPU;
  globals: Record<string, unknown>;
}

async function loadDawn(): Promise<WebGpuPackage> {
  try {
    // A variable specifier: bundlers leave the optional peer dependency to Node.
    const name = 'webgpu';
    return (await import(/* @vite-ignore */ name)) as WebGpuPackage;
  } catch (e) {
    throw new WebGPUUnavailableError(
      `webrnn/node runs on Dawn through the 'webgpu' package, which could not be loaded: install it with \`npm install webgpu\` (${String(e).split('\n')[0]})`,
    );
  }
}

/**
 * Creates a runtime on Dawn. Options as the page's createRuntime, plus `dawn` (dawn.node's own). A `device` given
 * in the options is used as is; `backend: 'wasm'` runs on WebAssembly without loading Dawn; 'auto' (the default)
 * takes Dawn's adapter where there is a hardware one and WebAssembly otherwise, Dawn missing included.
 */
export async function createRuntime(options: NodeRuntimeOptions = {}): Promise<Runtime> {
  const { dawn, dawnPolling = 'auto', ...rest } = options;
  if (!DAWN_POLLING.includes(dawnPolling)) {
    throw new ValueError(`createRuntime's dawnPolling expects 'auto', 'paced' or 'busy'; got ${JSON.stringify(dawnPolling)}.`);
  }
  const paced = async (made: Promise<Runtime>) => {
    const rt = await made;
    if (rt.backend === 'webgpu' && pacesPolling(dawnPolling, rt.adapter.isFallback)) rt.whenDisposed(paceDawnPolling());
    return rt;
  };
  // WebAssembly needs no Dawn: backend 'wasm' runs wherever Node does (src/cpu/); a given device needs no loading.
  if (rest.device || rest.backend === 'wasm') return paced(createPageRuntime(rest));
  if ((rest.backend ?? 'auto') === 'webgpu') return paced(dawnRuntime(rest, dawn));
  // 'auto': Dawn where it loads and finds an adapter (then, as in a page, WebAssembly over a CPU-emulated one), else
  // WebAssembly; `backend: 'webgpu'` says what Dawn is missing instead.
  try {
    return await paced(dawnRuntime(rest, dawn));
  } catch (e) {
    if (!(e instanceof WebGPUUnavailableError)) throw e;
    return createPageRuntime({ ...rest, backend: 'wasm' });
  }
}

async function dawnRuntime(rest: Omit<NodeRuntimeOptions, 'dawn'>, dawn: string[] | undefined): Promise<Runtime> {
  const { create, globals } = await loadDawn();
  for (const [name, value] of Object.entries(globals))
    if (!(name in globalThis)) Object.defineProperty(globalThis, name, { value, configurable: true, writable: true });
  const flags = dawn ?? (process.platform === 'linux' ? ['backend=vulkan'] : []);
  let gpu = create(flags);
  let adapter = await gpu.requestAdapter(rest.powerPreference ? { powerPreference: rest.powerPreference } : {});
  if (!adapter && process.platform === 'linux' && !process.env.VK_ICD_FILENAMES && existsSync(SWIFTSHADER_ICD)) {
    // No GPU driver answered: Chromium's SwiftShader is a Vulkan driver too. The loader reads this when Dawn
    // creates its next Vulkan instance.
    process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
    gpu = create(flags);
    adapter = await gpu.requestAdapter({});
  }
  if (!adapter) {
    throw new WebGPUUnavailableError(
      'Dawn found no WebGPU adapter. On Linux it needs the Vulkan loader (libvulkan.so.1: `apt-get install libvulkan1`, ' +
        'or start node with LD_LIBRARY_PATH=/usr/lib/chromium, where the chromium package keeps its own) and a Vulkan driver: ' +
        `a GPU's, or without one Chromium's SwiftShader (\`apt-get install chromium\`; webrnn uses ${SWIFTSHADER_ICD} when VK_ICD_FILENAMES is unset)`,
    );
  }
  // An adapter answers: the page's createRuntime requests it again from this entry point, and the device with it.
  return createPageRuntime({ ...rest, gpu });
}
