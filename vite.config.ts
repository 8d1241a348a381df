import { existsSync, readFileSync } from 'node:fs';
import { defineConfig, type BuildEnvironmentOptions, type Plugin } from 'vite';
import { wgslKernels } from './scripts/wgsl/plugin.ts';

// wgsl_reflect 1.6.0's `main` is CommonJS inside a "type": "module" package, which breaks a bare import under
// Node and Vitest; its ESM build works everywhere, so every `import 'wgsl_reflect'` resolves to it.
export const wgslReflectAlias = [{ find: /^wgsl_reflect$/, replacement: 'wgsl_reflect/wgsl_reflect.module.js' }];

const { dependencies } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as { dependencies: Record<string, string> };
const runtimeDependencies = Object.keys(dependencies);

/**
 * `npm run build`: the library as libraries ship, for the app's bundler to finish. ESM, not minified (the app
 * minifies; readable code in a user's debugger), no source maps (the readable code is its own map, and maps that
 * point at src/ would ship the source twice or point at nothing). The dependencies stay imports, resolved by the
 * app. One file per source module (preserveModules) with `"sideEffects": false` in package.json: the app's
 * bundler drops whole modules it does not reach (the GRU's kernels and WGSL, papaparse behind parseCsv, the
 * file-format code) instead of relying on statement-level analysis inside one big file. The entry is
 * dist/webrnn.js; shader modules land in dist/shaders/ as data (scripts/wgsl/plugin.ts). Declarations:
 * scripts/buildTypes.mjs. Measured sizes: README.md, "Use it in your app".
 */
const libraryBuild: BuildEnvironmentOptions = {
  lib: {
    entry: {
      webrnn: 'src/index.ts',
      'layers/factories': 'src/layers/factories.ts',
      'layers/initializerFactories': 'src/layers/initializerFactories.ts',
      // webrnn/node: the same API with a runtime on Dawn (src/node.ts); Node's own modules stay imports.
      node: 'src/node.ts',
      // The wasm backend's worker (src/cpu/threads.ts starts it by its path beside threads.js).
      'cpu/threadWorker': 'src/cpu/threadWorker.ts',
    },
    formats: ['es'],
  },
  outDir: 'dist',
  emptyOutDir: true,
  target: 'es2022',
  minify: false,
  sourcemap: false,
  rolldownOptions: {
    external: (id) => id.startsWith('node:') || runtimeDependencies.some((name) => id === name || id.startsWith(`${name}/`)),
    output: {
      preserveModules: true,
      preserveModulesRoot: 'src',
      entryFileNames: (chunk) => (chunk.isEntry && chunk.name === 'index' ? 'webrnn.js' : '[name].js'),
      // JSDoc is for editors, which read dist/index.d.ts; keep only licences and /* @__PURE__ */ hints.
      comments: { legal: true, annotation: true, jsdoc: false },
    },
  },
};

/**
 * `export * as layers from './layers/factories'` (src/index.ts) must reach the app as that statement: Rolldown
 * turns a namespace it bundles into an object of getters (`__exportAll({ lstm: () => lstm, gru: … })`), which
 * no bundler can see through, so `layers.lstm` alone would keep every layer, kernel and shader (rolldown issue
 * 7874). So the factories module is an entry of its own (dist/layers/factories.js, plain named exports), and the
 * entry imports it as an external module: the re-export stays a namespace re-export, which bundlers tree-shake
 * member by member. `export * as initializers` (src/layers/initializerFactories.ts) is built the same way.
 */
/** The modules src/index.ts re-exports as namespaces (`export * as layers`, `export * as initializers`). */
const NAMESPACES = ['./layers/factories', './layers/initializerFactories'];

function layersNamespace(): Plugin {
  return {
    name: 'webrnn-layers-namespace',
    // The library build only: bench/node.mjs's SSR build of the suite bundles everything into one file, where an
    // external ./layers/factories.js would point at nothing.
    apply: (_config, env) => env.command === 'build' && !env.isSsrBuild,
    enforce: 'pre',
    resolveId(source, importer) {
      if (NAMESPACES.includes(source) && importer && /[\\/]src[\\/]index\.ts$/.test(importer)) return { id: `${source}.js`, external: true };
      return null;
    },
  };
}

/**
 * src/cpu/threads.ts starts its worker as `new Worker(new URL('./threadWorker.ts', import.meta.url), …)`: in the dev
 * servers Vite serves that entry as it is. The library build must ship the same statement naming the built file,
 * './threadWorker.js' (an entry of its own, above), so that the app's bundler (Vite, webpack) bundles the worker as
 * it bundles the app's own. Vite's worker plugin would instead bundle it into the library now, behind a URL no app
 * bundler follows: so the URL is hidden from it here and written back into the output.
 */
function threadWorkerUrl(): Plugin {
  const hidden = '__WEBRNN_THREAD_WORKER_URL__';
  const source = "new URL('./threadWorker.ts', import.meta.url)";
  return {
    name: 'webrnn-thread-worker-url',
    apply: (_config, env) => env.command === 'build' && !env.isSsrBuild,
    enforce: 'pre',
    transform(code, id) {
      if (!/[\\/]src[\\/]cpu[\\/]threads\.ts$/.test(id)) return null;
      if (!code.includes(source)) this.error(`src/cpu/threads.ts no longer says ${source}; update vite.config.ts's threadWorkerUrl`);
      return code.replace(source, `new URL(${hidden}, import.meta.url)`);
    },
    renderChunk(code) {
      return code.includes(hidden) ? code.replace(hidden, "'./threadWorker.js'") : null;
    },
  };
}

// The same config serves the dev servers of the tests, `npm start` and the bench, and bench/node.mjs's SSR build
// of the suite, which sets its own build options: the library build applies to `vite build` alone.
// The bench's own packages (bench/package.json: TF.js's webgpu and wasm backends) bring a second copy of TF.js's CPU
// backend and expect TF.js's core as a peer: both must be the repository's copies, the ones @tensorflow/tfjs
// registers its backends with, or the bench's backends would register with an engine nobody uses.
const benchDedupe = ['@tensorflow/tfjs-core', '@tensorflow/tfjs-backend-cpu'];

// Vite's dev servers pre-bundle what the repository's pages import, found by crawling every .html file. The bench
// pages import the bench's own packages, absent until `npm run bench:install`: without them the crawl fails whole
// ("could not be resolved"), and the servers of the tests and of `npm start` would find their dependencies one page
// load at a time, reloading pages mid-test. So the crawl skips bench/ until those packages are there.
const benchInstalled = existsSync(new URL('./bench/node_modules/@tensorflow/tfjs-backend-webgpu/package.json', import.meta.url));

export default defineConfig(({ command, isSsrBuild }) => ({
  plugins: [wgslKernels(), layersNamespace(), threadWorkerUrl()],
  resolve: { alias: wgslReflectAlias, dedupe: benchDedupe },
  ...(benchInstalled ? {} : { optimizeDeps: { entries: ['**/*.html', '!bench/**'] } }),
  ...(command === 'build' && !isSsrBuild ? { build: libraryBuild } : {}),
}));
