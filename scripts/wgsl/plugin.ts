/**
 * The Vite plugin that makes `import lstmStep from '../../shaders/lstmStep.wgsl'` a module of data: the file's
 * expanded WGSL without comments, the helper modules it includes, and every entry point's interface
 * (bindings, uniform layout, overrides, workgroup size), reflected at build time (scripts/wgsl/expand.ts).
 * The library, the tests, the demo and the benchmark all load shaders through it, so the runtime ships layouts
 * and never a WGSL parser. A `?raw` import of a .wgsl file is left to Vite (the text as written).
 */
import { dirname, join } from 'node:path';
import type { Plugin } from 'vite';
import { expandShaderFile, PRELUDE } from './expand.ts';

export function wgslKernels(): Plugin {
  return {
    name: 'webrnn-wgsl-kernels',
    enforce: 'pre',
    load(id) {
      if (!id.endsWith('.wgsl')) return null;
      const dir = dirname(id);
      const shader = expandShaderFile(dir, id);
      // A change to a helper or to a block template (scripts run in the config's process) shows on reload.
      for (const file of [PRELUDE, ...shader.includes]) this.addWatchFile(join(dir, `${file}.wgsl`));
      // Flat and ordered (expand.ts): the runtime joins prelude + includes + code without resolving anything.
      const imports = shader.includes.map((helper, i) => `import include${i} from './${helper}.wgsl';`);
      const data = `{ name: ${JSON.stringify(shader.name)}, code: ${JSON.stringify(shader.code)}, includes: [${shader.includes.map((_, i) => `include${i}`).join(', ')}], entries: ${JSON.stringify(shader.entries)}, structs: ${JSON.stringify(shader.structs)} }`;
      return { code: `${imports.join('\n')}\nexport default ${data};\n`, map: null };
    },
  };
}
