/**
 * Benchmark cases, run inside the browser. Each case warms up, then reports the median of several timed runs
 * of a whole call (upload, one submit, readback), which is what a user of the functional API waits for.
 */
import { createRuntime, lstmBackward, lstmForward, type Runtime } from '../src/index';

function random(n: number, scale: number, seed: number): Float32Array {
  let s = seed;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (s * 1664525 + 1013904223) >>> 0;
    out[i] = ((s / 4294967296) * 2 - 1) * scale;
  }
  return out;
}

async function median(runs: number, body: () => Promise<unknown>): Promise<number> {
  await body(); // warm-up: pipelines compile here
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await body();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

function lstmCase(batch: number, timesteps: number, features: number, units: number) {
  return {
    inputs: {
      x: { data: random(batch * timesteps * features, 1, 1), shape: [batch, timesteps, features] },
      kernel: { data: random(features * 4 * units, 1 / Math.sqrt(units), 2), shape: [features, 4 * units] },
      recurrentKernel: { data: random(units * 4 * units, 1 / Math.sqrt(units), 3), shape: [units, 4 * units] },
      bias: { data: random(4 * units, 0.1, 4), shape: [4 * units] },
    },
    dOutput: { data: random(batch * units, 1, 5), shape: [batch, units] },
  };
}

async function run(rt: Runtime, runs: number) {
  const rows: { case: string; ms: number }[] = [];
  const tutorial = lstmCase(32, 60, 1, 50);
  const options = { activation: 'relu' as const };
  rows.push({ case: 'lstm forward, B32 T60 F1 U50 relu', ms: await median(runs, () => lstmForward(rt, tutorial.inputs, options)) });
  rows.push({
    case: 'lstm forward+backward, B32 T60 F1 U50 relu',
    ms: await median(runs, () => lstmBackward(rt, tutorial.inputs, { dOutput: tutorial.dOutput }, options)),
  });
  return rows;
}

(window as unknown as { runBench: (runs: number) => Promise<unknown> }).runBench = async (runs: number) => {
  const rt = await createRuntime();
  const rows = await run(rt, runs);
  const adapter = rt.adapter;
  rt.dispose();
  return { adapter, rows };
};
