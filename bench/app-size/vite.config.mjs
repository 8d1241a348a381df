import { defineConfig } from 'vite';
// SPLIT=1: webrnn's modules and papaparse in their own chunks, and the rendered (pre-minify) bytes per group of modules.
const split = process.env.SPLIT === '1';
const group = (id) =>
  /node_modules[\\/]webrnn[\\/]dist[\\/]shaders/.test(id)
    ? 'webrnn shaders'
    : /node_modules[\\/]webrnn[\\/]/.test(id)
      ? 'webrnn ' + (id.split(/webrnn[\\/]dist[\\/]/)[1].split(/[\\/]/).length > 1 ? id.split(/webrnn[\\/]dist[\\/]/)[1].split(/[\\/]/)[0] : 'top')
      : /papaparse/.test(id)
        ? 'papaparse'
        : 'app';
export default defineConfig({
  build: {
    target: 'es2022',
    rolldownOptions: split
      ? {
          output: {
            codeSplitting: {
              groups: [
                { name: 'webrnn', test: /node_modules[\\/]webrnn[\\/]/ },
                { name: 'papaparse', test: /papaparse/ },
              ],
            },
          },
        }
      : {},
  },
  plugins: split
    ? [
        {
          name: 'sizes',
          generateBundle(_, bundle) {
            const sums = {};
            const files = [];
            for (const c of Object.values(bundle))
              if (c.type === 'chunk')
                for (const [id, m] of Object.entries(c.modules)) {
                  const g = group(id);
                  sums[g] = (sums[g] ?? 0) + m.renderedLength;
                  if (/webrnn/.test(id)) files.push([m.renderedLength, id.split('webrnn/dist/')[1]]);
                }
            for (const [g, n] of Object.entries(sums).sort((a, b) => b[1] - a[1])) console.log(`[group] ${g}: ${n} bytes rendered`);
            console.log(
              '[group] modules: ' +
                files.length +
                ': ' +
                files
                  .sort((a, b) => b[0] - a[0])
                  .slice(0, 14)
                  .map(([n, f]) => `${f} ${n}`)
                  .join(', '),
            );
          },
        },
      ]
    : [],
});
