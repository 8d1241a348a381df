import { defineConfig } from 'vitest/config';
import { wgslReflectAlias } from './vite.config.ts';
import { wgslKernels } from './scripts/wgsl/plugin.ts';

// Two projects: `unit` runs in Node (CPU reference, packing, errors); `gpu` drives one headless Chromium on
// WebGPU, shared by all its files through the global setup, one file at a time (SwiftShader uses every core).
export default defineConfig({
  plugins: [wgslKernels()],
  resolve: { alias: wgslReflectAlias },
  test: {
    projects: [
      {
        extends: true,
        test: { name: 'unit', environment: 'node', include: ['test/**/*.test.ts'], exclude: ['test/**/*.gpu.test.ts'] },
      },
      {
        extends: true,
        test: {
          name: 'gpu',
          environment: 'node',
          include: ['test/**/*.gpu.test.ts'],
          globalSetup: ['test/support/browserSetup.ts'],
          fileParallelism: false,
          testTimeout: 300_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
