import { defineConfig } from 'vitest/config';
import { wgslReflectAlias } from './vite.config.ts';
import { wgslKernels } from './scripts/wgsl/plugin.ts';

// Two projects: `unit` runs in Node (CPU reference, packing, errors); `gpu` drives one headless Chromium on
// WebGPU, shared by all its files through the global setup, one file at a time (SwiftShader uses every core).
// Both run at once, so a unit test shares two cores with SwiftShader: no test may depend on Vitest's 5 s default.
// The unit limits leave over 20× the slowest unit test seen on that loaded machine (2.5 s, the flaky GRU
// reflection test before reflection moved to build time); a test that needs more sets its own.
export default defineConfig({
  plugins: [wgslKernels()],
  resolve: { alias: wgslReflectAlias },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          environment: 'node',
          include: ['test/**/*.test.ts'],
          exclude: ['test/**/*.gpu.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
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
