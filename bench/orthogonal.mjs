// `npm run bench:orthogonal`: the orthogonal initializer at the sizes an LSTM's recurrent kernel [u, 4u] takes —
// webrnn's Cholesky QR in WebAssembly SIMD (src/layers/orthonormalRows.ts, wasm/orthonormalRows.ts) against the
// Gram–Schmidt it replaced and against TF.js's orthogonal initializer (its QR on the CPU backend, in this process). Prints a markdown table; times, not tests.
import { parseArgs } from 'node:util';
import { createServer } from 'vite';

const { values } = parseArgs({ options: { units: { type: 'string', default: '128,256,512,1024' }, 'tfjs-max': { type: 'string', default: '256' } } });
const sizes = values.units.split(',').map(Number);
const tfjsMax = Number(values['tfjs-max']);

const server = await createServer({
  root: new URL('..', import.meta.url).pathname,
  logLevel: 'error',
  server: { middlewareMode: true, hmr: false, watch: null },
  appType: 'custom',
});
try {
  const { gramSchmidt, orthonormalRows } = await server.ssrLoadModule('/src/layers/orthonormalRows.ts');
  const tf = await import('@tensorflow/tfjs');
  await tf.setBackend('cpu');
  const time = (f) => {
    const t0 = performance.now();
    f();
    return performance.now() - t0;
  };
  const gaussian = (length) => Float64Array.from({ length }, () => Math.sqrt(-2 * Math.log(1 - Math.random())) * Math.cos(2 * Math.PI * Math.random()));
  // Both compiled by the JIT before the clock runs.
  for (let k = 0; k < 3; k++) [orthonormalRows, gramSchmidt].forEach((f) => f(gaussian(64 * 256), 64, 256));
  console.log('| recurrent kernel | Cholesky QR, wasm SIMD (webrnn) | Gram–Schmidt (JavaScript) | TF.js orthogonal (cpu) |');
  console.log('|---|---:|---:|---:|');
  for (const u of sizes) {
    const [n, m] = [u, 4 * u];
    const g = gaussian(n * m);
    const cholesky = time(() => orthonormalRows(g, n, m));
    const mgs = time(() => gramSchmidt(g, n, m));
    const tfjs =
      u <= tfjsMax
        ? time(() =>
            tf.initializers
              .orthogonal({})
              .apply([u, 4 * u])
              .dataSync(),
          )
        : null;
    const ms = (v) => (v === null ? '—' : v >= 1000 ? `${(v / 1000).toFixed(2)} s` : `${v.toFixed(0)} ms`);
    console.log(`| [${u}, ${4 * u}] | ${ms(cholesky)} | ${ms(mgs)} | ${ms(tfjs)} |`);
  }
} finally {
  await server.close();
}
