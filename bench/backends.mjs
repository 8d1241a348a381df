// `npm run bench:backends`: one model, two runtimes, one process: webrnn's WebAssembly backend against its WebGPU
// backend on Dawn (webrnn/node; SwiftShader where there is no GPU), the same weights and inputs, alternating runs.
// The benchmark's tutorial predict and streaming step (bench/suite.ts). Prints a markdown table; times, not tests
// (the predictions are compared, though).
import { parseArgs } from 'node:util';
import { startServer } from '../demo/cli/browser.mjs';
import { rerunWith, vulkanEnvironment } from '../demo/cli/dawn.mjs';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '20' } } });
const vulkan = vulkanEnvironment();
if (vulkan) {
  rerunWith(vulkan);
} else {
  const runs = Number(values.runs);
  const { server } = await startServer(new URL('..', import.meta.url).pathname);
  try {
    const { createRuntime, sequential, layers } = await server.ssrLoadModule('/src/node.ts');
    const runtimes = { wasm: await createRuntime({ backend: 'wasm' }), webgpu: await createRuntime() };
    const gpu = runtimes.webgpu.adapter;
    console.log(`WebGPU adapter: ${[gpu.vendor, gpu.architecture, gpu.description].filter(Boolean).join(' ')}${gpu.isFallback ? ' (CPU-emulated)' : ''}`);
    console.log(`Node ${process.versions.node}; median of ${runs} timed calls after 3 warm-ups, the two backends alternating\n`);
    let seed = 3;
    const random = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32) * 2 - 1;
    const CASES = [
      {
        name: 'tutorial predict (LSTM(50, relu) + Dense(1), batch 32, 60 steps)',
        build: (m) => {
          m.add(layers.lstm({ units: 50, activation: 'relu', inputShape: [60, 1] }));
          m.add(layers.dense({ units: 1 }));
        },
        x: { data: Float32Array.from({ length: 32 * 60 }, random), shape: [32, 60, 1] },
        op: (m, x) => m.predict(x, { batchSize: 32 }),
      },
      {
        name: 'streaming step (stateful LSTM(256) + Dense(32), batch 1, 32 features)',
        build: (m) => {
          m.add(layers.lstm({ units: 256, stateful: true, batchInputShape: [1, 1, 32] }));
          m.add(layers.dense({ units: 32 }));
        },
        x: { data: Float32Array.from({ length: 32 }, random), shape: [1, 32] },
        op: (m, x) => m.predictStep(x),
      },
    ];
    console.log('| case | wasm (ms) | webgpu (ms) | webgpu ÷ wasm | max |Δ| of the first call |');
    console.log('|---|---:|---:|---:|---:|');
    for (const c of CASES) {
      const models = {};
      for (const [name, rt] of Object.entries(runtimes)) {
        models[name] = sequential(rt, { seed: 7 });
        c.build(models[name]);
      }
      models.webgpu.setWeights(await models.wasm.getWeights());
      const [a, b] = [await c.op(models.wasm, c.x), await c.op(models.webgpu, c.x)];
      const diff = a.data.reduce((m, v, i) => Math.max(m, Math.abs(v - b.data[i])), 0);
      for (let k = 0; k < 3; k++) for (const m of Object.values(models)) await c.op(m, c.x);
      const ms = { wasm: [], webgpu: [] };
      for (let k = 0; k < runs; k++) {
        for (const name of k % 2 ? ['wasm', 'webgpu'] : ['webgpu', 'wasm']) {
          const t0 = performance.now();
          await c.op(models[name], c.x);
          ms[name].push(performance.now() - t0);
        }
      }
      const median = (xs) => [...xs].sort((p, q) => p - q)[xs.length >> 1];
      const [w, g] = [median(ms.wasm), median(ms.webgpu)];
      console.log(`| ${c.name} | ${w.toFixed(3)} | ${g.toFixed(3)} | ${(g / w).toFixed(1)}× | ${diff.toExponential(1)} |`);
      for (const m of Object.values(models)) m.dispose();
    }
    for (const rt of Object.values(runtimes)) rt.dispose();
  } finally {
    await server.close();
  }
}
