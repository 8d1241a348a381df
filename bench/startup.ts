/**
 * Time to first result in a fresh page (bench/startup.mjs opens each in a new browser with an empty profile, so
 * no GPU program cache helps): createRuntime, then the tutorial model's first predict (or first one-batch fit),
 * then a second one for the steady state. The device's shader-module and pipeline calls are wrapped to time
 * each phase: creating modules, and compiling each pipeline (sync or async), so a slow start shows where it goes.
 * Public API only, so the same page measures an older release.
 */
import { createRuntime, layers, sequential } from '../src/index';

interface Phase {
  what: string;
  label: string;
  ms: number;
}

export type Scenario = 'predict' | 'fit' | 'gru-fit';

/**
 * `serial`: compile one pipeline at a time (each async compile waits for the one before), so each pipeline's
 * time is its own compile and not a share of two cores: the per-kernel breakdown, not the time to first result.
 */
async function startup(scenario: Scenario, serial = false) {
  const phases: Phase[] = [];
  const t0 = performance.now();
  const rt = await createRuntime({ backend: 'webgpu' });
  const tRuntime = performance.now();
  const device = rt.device as GPUDevice & Record<string, unknown>;
  const wrap = (name: 'createShaderModule' | 'createComputePipeline', label: (d: { label?: string }) => string) => {
    const original = device[name].bind(device) as (d: unknown) => unknown;
    (device as Record<string, unknown>)[name] = (d: { label?: string }) => {
      const start = performance.now();
      const out = original(d);
      phases.push({ what: name, label: label(d), ms: performance.now() - start });
      return out;
    };
  };
  wrap('createShaderModule', (d) => d.label ?? '');
  wrap('createComputePipeline', (d) => d.label ?? '');
  const asyncOriginal = device.createComputePipelineAsync?.bind(device);
  let queue: Promise<unknown> = Promise.resolve();
  if (asyncOriginal) {
    device.createComputePipelineAsync = (d: GPUComputePipelineDescriptor) => {
      const compile = () => {
        const start = performance.now();
        return asyncOriginal(d).then((p) => {
          phases.push({ what: 'createComputePipelineAsync', label: d.label ?? '', ms: performance.now() - start });
          return p;
        });
      };
      const next = serial ? queue.then(compile) : compile();
      queue = next.catch(() => undefined);
      return next;
    };
  }

  const model = sequential(rt, { seed: 1 });
  // The benchmark's models (bench/suite.ts): the tutorial's LSTM, and its GRU (reset_after = false).
  if (scenario === 'gru-fit') model.add(layers.gru({ units: 50, activation: 'relu', resetAfter: false, inputShape: [60, 1] }));
  else model.add(layers.lstm({ units: 50, activation: 'relu', inputShape: [60, 1] }));
  model.add(layers.dense({ units: 1 }));
  model.compile({ optimizer: 'adam', loss: 'mse' });
  const x = new Float32Array(32 * 60).map((_, i) => Math.sin(i / 7));
  const y = new Float32Array(32).map((_, i) => Math.sin(i / 5));
  const xs = { data: x, shape: [32, 60, 1] };
  const ys = { data: y, shape: [32, 1] };
  const once = () => (scenario === 'predict' ? model.predict(xs, { batchSize: 32 }) : model.fit(xs, ys, { batchSize: 32, epochs: 1, shuffle: false }));
  const tBuild = performance.now();
  await once();
  const tFirst = performance.now();
  await once();
  const tSecond = performance.now();
  model.dispose();
  rt.dispose();
  return {
    scenario,
    adapter: rt.adapter,
    createRuntimeMs: tRuntime - t0,
    firstMs: tFirst - tBuild,
    totalToFirstMs: tFirst - t0,
    secondMs: tSecond - tFirst,
    phases,
  };
}

(window as unknown as { startup: typeof startup }).startup = startup;
