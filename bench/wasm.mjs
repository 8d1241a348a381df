// `npm run bench:wasm`: the CPU path's recurrent forward passes (WebAssembly SIMD: wasm/*Step.ts via src/cpu/)
// against TF.js's wasm backend on the same weights and inputs, in this Node process, single-threaded both: the
// benchmark's tutorial, large, gru and streaming shapes (bench/suite.ts), the recurrent layer alone (output [B, U]).
// Prints a markdown table with the GFLOP/s of the recurrence, and the share of one core's f32x4 peak it is (PEAK_PROBE,
// below, measured here first); times, not tests (the outputs are compared, though).
import asc from 'assemblyscript/asc';
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

// One core's f32x4 peak as the kernels can reach it: 12 independent multiply-then-add chains (no FMA: the kernels use
// none), enough to hide the adds' latency, each step 8 flops; no memory traffic at all.
const PEAK_PROBE = `
export function run(iters: i32): f32 {
  const m = f32x4.splat(0.999999), c = f32x4.splat(0.000001);
  let a0 = f32x4.splat(1), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0, a8 = a0, a9 = a0, a10 = a0, a11 = a0;
  for (let i = 0; i < iters; i++) {
    a0 = f32x4.add(f32x4.mul(a0, m), c); a1 = f32x4.add(f32x4.mul(a1, m), c); a2 = f32x4.add(f32x4.mul(a2, m), c);
    a3 = f32x4.add(f32x4.mul(a3, m), c); a4 = f32x4.add(f32x4.mul(a4, m), c); a5 = f32x4.add(f32x4.mul(a5, m), c);
    a6 = f32x4.add(f32x4.mul(a6, m), c); a7 = f32x4.add(f32x4.mul(a7, m), c); a8 = f32x4.add(f32x4.mul(a8, m), c);
    a9 = f32x4.add(f32x4.mul(a9, m), c); a10 = f32x4.add(f32x4.mul(a10, m), c); a11 = f32x4.add(f32x4.mul(a11, m), c);
  }
  const s = f32x4.add(f32x4.add(f32x4.add(a0, a1), f32x4.add(a2, a3)), f32x4.add(f32x4.add(a4, a5), f32x4.add(a6, a7)));
  return f32x4.extract_lane(f32x4.add(s, f32x4.add(f32x4.add(a8, a9), f32x4.add(a10, a11))), 0);
}`;

async function peakGflops() {
  let binary = null;
  const { error, stderr } = await asc.main(['peak.ts', '-O3', '--runtime', 'stub', '--noAssert', '--enable', 'simd', '--outFile', 'peak.wasm'], {
    readFile: (file) => (file === 'peak.ts' ? PEAK_PROBE : null),
    writeFile: (file, contents) => {
      if (file.endsWith('.wasm')) binary = contents;
    },
    listFiles: () => [],
  });
  if (error) throw new Error(`the peak probe did not compile: ${stderr.toString()}`);
  const { instance } = await WebAssembly.instantiate(binary);
  const iters = 1e8;
  instance.exports.run(1e6);
  let best = Infinity;
  for (let k = 0; k < 3; k++) {
    const t0 = performance.now();
    instance.exports.run(iters);
    best = Math.min(best, performance.now() - t0);
  }
  return (iters * 12 * 8) / best / 1e6;
}

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
  const peak = await peakGflops();
  console.log(`TF.js ${tf.version.tfjs} wasm backend: SIMD ${simd ? 'on' : 'OFF'}, 1 thread; Node ${process.versions.node}, ${runs} timed runs each (median)`);
  console.log(`one core's f32x4 peak (multiply, then add; 12 independent chains): ${peak.toFixed(1)} GFLOP/s\n`);

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

  console.log(`| case | webrnn wasm SIMD | TF.js wasm | TF.js ÷ webrnn | webrnn GFLOP/s (% of peak) | max |Δ| |`);
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
      `| ${c.name} (B${B} T${T} F${F} U${U}, ${c.activation}) | ${ms(mine)} | ${ms(tfjs)} | ${(tfjs / mine).toFixed(1)}× | ${(flops / mine / 1e6).toFixed(1)} (${((100 * flops) / mine / 1e6 / peak).toFixed(0)} %) | ${diff.toExponential(1)} |`,
    );
    xs.dispose();
    model.dispose();
  }
} finally {
  await server.close();
}
