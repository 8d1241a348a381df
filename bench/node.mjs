// `npm run bench:node`: the same benchmark as `npm run bench` (bench/suite.ts), in Node on Dawn, the WebGPU
// implementation inside Chrome, through the `webgpu` package's dawn.node. For machines with a GPU and no browser
// (the GPU machine this project borrows has no Chromium); TF.js's webgpu and wasm backends run in the same
// process, webgl cannot (no canvas in Node). Same flags as bench/bench.mjs, plus:
//
//   --bundle=FILE      a suite built earlier (--build-only), so the GPU machine needs no node_modules
//   --build-only=DIR   build bench/node-entry.ts for Node into DIR (suite.mjs + TF.js's .wasm files) and stop
//   --dawn=a,b         dawn.node options (default backend=vulkan)
//   --dawn-polling=auto|paced|busy  how dawn.node waits for the GPU, as webrnn/node's createRuntime({ dawnPolling })
//                      (src/dawnPolling.ts): auto (default) paces its polls on a CPU-emulated adapter (SwiftShader) and
//                      leaves them busy on a GPU; the choice holds for every library in this process alike
//   WEBGPU_MODULE=…    where the `webgpu` package is (default: bench/node_modules, from bench/package.json)
//
// bench/gpu-machine/prepare.sh packs all of it (Node too) for a GPU machine without Node or a registry, and
// bench/gpu-machine/run.sh runs it there. Without a GPU, Dawn can use Chromium's SwiftShader as its Vulkan driver:
//   LD_LIBRARY_PATH=/usr/lib/chromium VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json npm run bench:node
import { copyFile, mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ensureBenchDependencies } from './deps.mjs';
import { addTorchColumns, adapterName, benchOptions, printProfile, report, saveResult } from './report.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const argv = process.argv.slice(2);

/** Builds the suite for Node with the project's Vite config (WGSL inlined, wgsl_reflect aliased), TF.js bundled in. */
async function buildSuite(outDir) {
  const { build } = await import('vite');
  await build({
    root,
    configFile: `${root}vite.config.ts`,
    logLevel: 'warn',
    ssr: { noExternal: true, target: 'node' },
    build: {
      ssr: `${root}bench/node-entry.ts`,
      outDir,
      emptyOutDir: true,
      lib: false,
      sourcemap: false,
      minify: false,
      rollupOptions: { output: { format: 'es', entryFileNames: 'suite.mjs' } },
    },
  });
  const wasmDir = `${root}bench/node_modules/@tensorflow/tfjs-backend-wasm/dist/`;
  for (const f of ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm'])
    await copyFile(wasmDir + f, `${outDir}/${f}`);
  return `${outDir}/suite.mjs`;
}

const { flag, option, options } = benchOptions(argv, { realGpu: true, peers: 'webgpu,wasm' });
// A prebuilt suite (--bundle) and an explicit dawn.node (WEBGPU_MODULE) need nothing installed: the GPU machine.
if (!(option('bundle') && process.env.WEBGPU_MODULE)) ensureBenchDependencies();
if (option('build-only')) {
  const out = resolve(option('build-only'));
  await mkdir(out, { recursive: true });
  console.log(`built ${await buildSuite(out)}`);
  process.exit(0);
}
const bundle = option('bundle') ? resolve(option('bundle')) : await buildSuite(`${root}bench/.node`);

// Dawn's navigator.gpu and the WebGPU globals (GPUBufferUsage, …), and what TF.js's browser-side code expects.
const { create, globals } = await import(process.env.WEBGPU_MODULE ? pathToFileURL(resolve(process.env.WEBGPU_MODULE)).href : 'webgpu');
Object.assign(globalThis, globals);
const gpu = create((option('dawn') ?? 'backend=vulkan').split(','));
Object.defineProperty(globalThis, 'navigator', {
  value: { gpu, userAgent: `Node ${process.version} · dawn.node (webgpu package)`, hardwareConcurrency: 1 },
  configurable: true,
});
globalThis.window = globalThis;
// TF.js's wasm loader is Emscripten's CommonJS-flavoured Node path.
globalThis.require = createRequire(bundle);
globalThis.__dirname = dirname(bundle);
globalThis.__filename = bundle;

const suite = await import(pathToFileURL(bundle).href);
const polling = option('dawn-polling') ?? 'auto';
if (!suite.DAWN_POLLING.includes(polling)) throw new Error(`--dawn-polling expects ${suite.DAWN_POLLING.join(', ')}; got ${polling}`);
const paced = suite.pacesPolling(polling, suite.summarizeAdapter((await gpu.requestAdapter())?.info).isFallback);
if (paced) suite.paceDawnPolling();
navigator.userAgent += `, ${paced ? 'paced' : 'busy'} polling`;
const t0 = Date.now();
if (flag('profile')) {
  const sections = option('sections')?.split(',');
  const result = await suite.profile(sections ? { sections } : {});
  console.log(`adapter: ${adapterName(result.adapter)}`);
  printProfile(result.rows);
} else {
  const result = await suite.runBench({ ...options, wasmPath: `${dirname(bundle)}/` });
  if (!flag('webrnn-only')) addTorchColumns(root, result, options);
  const seconds = (Date.now() - t0) / 1000;
  report(result, options, seconds, { markdown: flag('markdown') });
  await saveResult(root, result, { command: `node bench/node.mjs ${argv.join(' ')}`, driver: 'node + dawn.node', options, seconds }, option('name'));
}
process.exit(0);
