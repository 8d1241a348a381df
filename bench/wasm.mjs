// `npm run bench:wasm`: the CPU path's recurrent forward passes (WebAssembly SIMD: wasm/*Step.ts via src/cpu/)
// against TF.js's wasm backend on the same weights and inputs, in this Node process, single-threaded both: the
// benchmark's tutorial, large, gru and streaming shapes (bench/suite.ts), the recurrent layer alone (output [B, U]).
// Prints a markdown table with the GFLOP/s of the recurrence; times, not tests (the outputs are compared, though).
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { createServer } from 'vite';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '20' } } });
const runs = Number(values.runs);
const root = new URL('..', import.meta.url).pathname;
const require = createRequire(`${root}bench/package.json`);

const CASES = [
  { name: 'tutorial', B: 32, T: 60, F: 1, U: 50, activation: 'relu' },
  { name: 'large', B: 64, T: 100, F: 32, U: 256, activation: 'tanh' },
  // TF.js's GRU has only reset before (resetAfter: false); the GPU benchmark's gru case uses it for that reason.
  { name: 'gru', cell: 'gru', B: 32, T: 60, F: 1, U: 50, activation: 'relu' },
  { name: 'simpleRNN', cell: 'simpleRNN', B: 32, T: 60, F: 1, U: 50, activation: 'relu' },
  { name: 'streaming', B: 1, T: 1, F: 32, U: 256, activation: 'tanh', stateful: true },
];
const GATES = { lstm: 4, gru: 3, simpleRNN: 1 };

const server = await createServer({ root, logLevel: 'error', server: { middlewareMode: true, hmr: false, watch: null }, appType: 'custom' });
try {
  const { WasmLstm } = await server.ssrLoadModule('/src/cpu/lstm.ts');
  const { WasmGru } = await server.ssrLoadModule('/src/cpu/gru.ts');
  const { WasmSimpleRnn } = await server.ssrLoadModule('/src/cpu/simpleRnn.ts');
  const tf = await import('@tensorflow/tfjs');
  let wasmBackend;
  try {
    wasmBackend = await import(require.resolve('@tensorflow/tfjs-backend-wasm'));
  } catch {
    throw new Error('npm run bench:install first: TF.js’s wasm backend is one of the benchmark’s own packages');
  }
  wasmBackend.setWasmPaths(`${dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'))}/dist/`);
  wasmBackend.setThreadsCount?.(1);
  await tf.setBackend('wasm');
  await tf.ready();
  const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
  console.log(
    `TF.js ${tf.version.tfjs} wasm backend: SIMD ${simd ? 'on' : 'OFF'}, 1 thread; Node ${process.versions.node}, ${runs} timed runs each (median)\n`,
  );

  let seed = 7;
  const random = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32) * 2 - 1;
  const floats = (n, scale) => Float32Array.from({ length: n }, () => random() * scale);
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const time = async (f) => {
    for (let k = 0; k < 3; k++) await f();
    const ms = [];
    for (let k = 0; k < runs; k++) {
      const t0 = performance.now();
      await f();
      ms.push(performance.now() - t0);
    }
    return median(ms);
  };

  console.log(`| case | webrnn wasm SIMD | TF.js wasm | TF.js ÷ webrnn | webrnn GFLOP/s | max |Δ| |`);
  console.log('|---|---:|---:|---:|---:|---:|');
  for (const c of CASES) {
    const { B, T, F, U } = c;
    const cell = c.cell ?? 'lstm';
    const g = GATES[cell];
    const w = { kernel: floats(F * g * U, 1 / Math.sqrt(Math.max(F, U))), recurrent: floats(U * g * U, 1 / Math.sqrt(U)), bias: floats(g * U, 0.1) };
    const x = floats(B * T * F, 1);
    const weights = {
      kernel: { data: w.kernel, shape: [F, g * U] },
      recurrentKernel: { data: w.recurrent, shape: [U, g * U] },
      bias: { data: w.bias, shape: [g * U] },
    };
    const layer =
      cell === 'lstm'
        ? new WasmLstm(weights, { activation: c.activation })
        : cell === 'gru'
          ? new WasmGru(weights, { activation: c.activation, resetAfter: false })
          : new WasmSimpleRnn(weights, { activation: c.activation });
    const xIn = { data: x, shape: [B, T, F] };
    let state = [
      { data: new Float32Array(B * U), shape: [B, U] },
      { data: new Float32Array(B * U), shape: [B, U] },
    ];
    const ours = () => {
      const out = layer.forward(xIn, c.stateful ? state : undefined);
      if (c.stateful)
        state = [
          { data: out.h, shape: [B, U] },
          { data: out.c, shape: [B, U] },
        ];
      return out.output;
    };
    const model = tf.sequential();
    const shape = c.stateful ? { batchInputShape: [B, T, F], stateful: true } : { inputShape: [T, F] };
    const zeros = { kernelInitializer: 'zeros', recurrentInitializer: 'zeros', biasInitializer: 'zeros' };
    const common = { units: U, activation: c.activation, ...zeros, ...shape };
    if (cell === 'lstm') model.add(tf.layers.lstm({ ...common, recurrentActivation: 'sigmoid' }));
    if (cell === 'gru') model.add(tf.layers.gru({ ...common, recurrentActivation: 'sigmoid', resetAfter: false }));
    if (cell === 'simpleRNN') model.add(tf.layers.simpleRNN(common));
    model.setWeights([tf.tensor(w.kernel, [F, g * U]), tf.tensor(w.recurrent, [U, g * U]), tf.tensor(w.bias, [g * U])]);
    const xs = tf.tensor(x, [B, T, F]);
    const theirs = async () => {
      const p = model.predict(xs);
      const data = await p.data();
      p.dispose();
      return data;
    };
    // The same numbers first (a fresh state for the stateful case), then the clocks.
    const [a, b] = [ours(), await theirs()];
    const diff = a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);
    const [mine, tfjs] = [await time(ours), await time(theirs)];
    const flops = 2 * B * T * g * U * (U + F);
    const ms = (v) => (v < 1 ? `${v.toFixed(3)} ms` : `${v.toFixed(2)} ms`);
    console.log(
      `| ${c.name} (B${B} T${T} F${F} U${U}, ${c.activation}) | ${ms(mine)} | ${ms(tfjs)} | ${(tfjs / mine).toFixed(1)}× | ${(flops / mine / 1e6).toFixed(1)} | ${diff.toExponential(1)} |`,
    );
    xs.dispose();
    model.dispose();
  }
} finally {
  await server.close();
}
