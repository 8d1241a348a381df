/**
 * Harness cases for the built package: they import dist/webrnn.js, what `npm install webrnn` gives an app, instead
 * of src/, and check what the build could break: the export list, the error classes' names and identity (a
 * minified class name once made a ShapeError arrive as 'd'), and one small training run on WebGPU. The Node side,
 * test/package.gpu.test.ts, first checks that dist/ is at least as new as src/.
 */
type Webrnn = typeof import('../../src/index');
type ErrorClass = new (...args: unknown[]) => Error;

// The page loads dist/ as an app's dev server would, through Vite; the specifier is a runtime string so neither tsc
// nor Vite's dependency scan look for dist/ before `npm run build` has made it.
const DIST = '/dist/webrnn.js';
const load = () => import(/* @vite-ignore */ DIST) as Promise<Webrnn>;

function errorClassesOf(m: Webrnn): [string, ErrorClass][] {
  return (Object.entries(m) as [string, unknown][]).filter((e): e is [string, ErrorClass] => typeof e[1] === 'function' && e[1].prototype instanceof Error);
}

/** What an app sees of a thrown error: its name, its message, and every exported error class it is an instance of. */
async function thrown(m: Webrnn, body: () => unknown): Promise<{ name: string; message: string; instanceOf: string[] } | null> {
  try {
    await body();
    return null;
  } catch (e) {
    const err = e as Error;
    return {
      name: err.name,
      message: err.message,
      instanceOf: errorClassesOf(m)
        .filter(([, C]) => err instanceof C)
        .map(([n]) => n),
    };
  }
}

function tinyModel(m: Webrnn, r: Awaited<ReturnType<Webrnn['createRuntime']>>, units: number) {
  const model = m.sequential(r, { seed: 3 });
  model.add(m.layers.lstm({ units, inputShape: [6, 1] }));
  model.add(m.layers.dense({ units: 1 }));
  return model;
}

/** 32 windows of 6 steps of a sine, each followed by the next value. */
function sineWindows(): { x: { data: Float32Array; shape: number[] }; y: { data: Float32Array; shape: number[] } } {
  const x = new Float32Array(32 * 6);
  const y = new Float32Array(32);
  for (let i = 0; i < 32; i++) {
    for (let t = 0; t < 6; t++) x[i * 6 + t] = Math.sin((i + t) * 0.4);
    y[i] = Math.sin((i + 6) * 0.4);
  }
  return { x: { data: x, shape: [32, 6, 1] }, y: { data: y, shape: [32, 1] } };
}

export const packageCases = {
  async packageExports() {
    const m = await load();
    return { names: Object.keys(m).sort(), layers: Object.keys(m.layers).sort(), initializers: Object.keys(m.initializers).sort() };
  },

  async packageErrors() {
    const m = await load();
    const r = await m.createRuntime();
    try {
      const model = tinyModel(m, r, 4);
      const shape = await thrown(m, () => model.predict({ data: new Float32Array(30), shape: [5, 6] }));
      const value = await thrown(m, () => m.layers.lstm({ units: 0 }));
      const sink = m.memorySink();
      await model.save(sink);
      const html = new TextEncoder().encode('<!DOCTYPE html><html>404</html>').buffer as ArrayBuffer;
      const format = await thrown(m, () => m.loadLayersModel(r, { ...sink.artifacts!, weightData: html }));
      model.dispose();
      const disposed = await thrown(m, () => model.predict({ data: new Float32Array(6), shape: [1, 6, 1] }));
      // Every exported class, constructed directly: (message) or (reason, detail) or (limit, requested, allowed, message).
      const constructed = errorClassesOf(m).map(([exported, C]) => ({ exported, name: new C('x', 1, 2, 'message').name }));
      return { shape, value, format, disposed, constructed };
    } finally {
      r.dispose();
    }
  },

  async packageFit() {
    const m = await load();
    const r = await m.createRuntime({ backend: 'webgpu' }); // its dispatches are counted below
    try {
      const model = tinyModel(m, r, 8);
      model.compile({ optimizer: m.optimizers.adam({ learningRate: 0.02 }), loss: 'mse' });
      const { x, y } = sineWindows();
      const history = await model.fit(x, y, { batchSize: 32, epochs: 10, shuffle: false });
      const predicted = await model.predict(x);
      return { loss: history.history.loss!, predictedShape: predicted.shape, dispatches: r.stats.dispatches };
    } finally {
      r.dispose();
    }
  },

  /** The package's remoteModel against a worker that runs the package's serveModel: training, and an error's class. */
  async packageWorker() {
    const m = await load();
    const model = await m.remoteModel(new Worker(new URL('./distWorker.ts', import.meta.url), { type: 'module' }), { units: 8 });
    try {
      const { x, y } = sineWindows();
      const history = await model.fit(x, y, { batchSize: 32, epochs: 10, shuffle: false });
      const shape = await thrown(m, () => model.predict({ data: new Float32Array(30), shape: [5, 6] }));
      return { loss: history.history.loss!, shape };
    } finally {
      model.dispose();
    }
  },
};
