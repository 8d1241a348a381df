import { defineConfig } from 'vite';
import { wgslKernels } from './scripts/wgsl/plugin.ts';

// wgsl_reflect 1.6.0's `main` is CommonJS inside a "type": "module" package, which breaks a bare import under
// Node and Vitest; its ESM build works everywhere, so every `import 'wgsl_reflect'` resolves to it.
export const wgslReflectAlias = [{ find: /^wgsl_reflect$/, replacement: 'wgsl_reflect/wgsl_reflect.module.js' }];

export default defineConfig({
  plugins: [wgslKernels()],
  resolve: { alias: wgslReflectAlias },
  build: {
    lib: { entry: 'src/index.ts', formats: ['es'], fileName: () => 'webrnn.js' },
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    target: 'es2022',
  },
});
