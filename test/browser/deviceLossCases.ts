/**
 * Device loss in the middle of model work: `device.destroy()` during fit (between epochs, and mid-epoch), during
 * predict, and under a pending readback. Each call must reject with DeviceLostError; the weights of the last
 * completed epoch stay on the host and a model on a new runtime continues from them. A deliberate dispose() is
 * never reported as a loss. Each case owns its runtimes, so the shared one of the other cases stays healthy.
 */
import { createRuntime, layers, sequential, type Runtime, type Tensor } from '../../src/index';
import { caught, rt } from './harnessCore';

const X: Tensor = { data: Float32Array.from({ length: 12 * 4 * 2 }, (_, i) => Math.sin(0.7 * i)), shape: [12, 4, 2] };
const Y: Tensor = { data: Float32Array.from({ length: 12 }, (_, i) => Math.cos(0.3 * i)), shape: [12, 1] };
// Plain SGD keeps no optimizer state, so training resumed on a new runtime must match uninterrupted training.
const FIT = { batchSize: 4, shuffle: false } as const;

function model(r: Runtime) {
  const m = sequential(r, { seed: 21 });
  m.add(layers.lstm({ units: 5, inputShape: [4, 2] }));
  m.add(layers.dense({ units: 1 }));
  m.compile({ optimizer: { kind: 'sgd', learningRate: 0.2, momentum: 0, nesterov: false }, loss: 'mse' });
  return m;
}

function maxDiff(a: Tensor[], b: Tensor[]): number {
  let worst = a.length === b.length ? 0 : Infinity;
  a.forEach((w, i) => w.data.forEach((v, j) => (worst = Math.max(worst, Math.abs(v - b[i]!.data[j]!)))));
  return worst;
}

/** Weights after `epochs` uninterrupted epochs on the shared, healthy runtime. */
async function uninterrupted(epochs: number): Promise<Tensor[]> {
  const m = model(await rt());
  await m.fit(X, Y, { ...FIT, epochs });
  const w = await m.getWeights();
  m.dispose();
  return w;
}

export const deviceLossCases = {
  /** The device dies as epoch 2 begins (`midEpoch`: after batch 1 of epoch 1, with per-batch readbacks). */
  async lossDuringFit(midEpoch: boolean) {
    const r = await createRuntime({ backend: 'webgpu' });
    const m = model(r);
    const readbacksBefore = r.stats.readbacks;
    let epochNow = -1;
    const kill = midEpoch
      ? { onEpochBegin: (e: number) => void (epochNow = e), onBatchEnd: (b: number) => (epochNow === 1 && b === 1 ? r.device.destroy() : undefined) }
      : { onEpochBegin: (e: number) => (e === 2 ? r.device.destroy() : undefined) };
    const fitError = await caught(() => m.fit(X, Y, { ...FIT, epochs: 5, callbacks: kill }));
    const readbacks = r.stats.readbacks - readbacksBefore;
    const afterLoss = await caught(() => m.predict(X));
    const last = m.getLastGoodWeights()!;
    const expected = await uninterrupted(last.epoch + 1);

    // A new runtime loads the kept weights and continues where the lost one stopped.
    const fresh = await createRuntime({ backend: 'webgpu' });
    const resumed = model(fresh);
    resumed.setWeights(last.weights);
    const loaded = await resumed.getWeights();
    const history = await resumed.fit(X, Y, { ...FIT, epochs: 4, initialEpoch: last.epoch + 1 });
    const continued = await resumed.getWeights();
    resumed.dispose();
    fresh.dispose();
    m.dispose();
    return {
      fitError,
      afterLoss,
      readbacks,
      lastEpoch: last.epoch,
      keptVsUninterrupted: maxDiff(last.weights, expected),
      loadedVsKept: maxDiff(loaded, last.weights),
      resumedEpochs: history.epoch,
      resumedLoss: history.history.loss!,
      continuedVsUninterrupted: maxDiff(continued, await uninterrupted(4)),
    };
  },

  /** predict with its batches queued and its readback pending; then getWeights and evaluate readbacks. */
  async lossDuringPredictAndReadback() {
    const r = await createRuntime({ backend: 'webgpu' });
    const m = model(r);
    await m.predict(X, { batchSize: 4 }); // programs built: the next predict goes straight to the GPU
    const predicting = m.predict(X, { batchSize: 4 });
    r.device.destroy();
    const predictError = await caught(() => predicting);

    const r2 = await createRuntime({ backend: 'webgpu' });
    const m2 = model(r2);
    const reading = m2.getWeights();
    const evaluating = m2.evaluate(X, Y);
    r2.device.destroy();
    const readbackErrors = [await caught(() => reading), await caught(() => evaluating)];
    const lastGoodWithoutFit = m2.getLastGoodWeights();
    m.dispose();
    m2.dispose();
    return { predictError, readbackErrors, lastGoodWithoutFit };
  },

  /** dispose() of the runtime during fit and under a pending readback: DisposedError, never a loss. */
  async disposeIsNotALoss() {
    const r = await createRuntime({ backend: 'webgpu' });
    const m = model(r);
    const fitError = await caught(() => m.fit(X, Y, { ...FIT, epochs: 3, callbacks: { onEpochBegin: (e: number) => (e === 1 ? r.dispose() : undefined) } }));
    const kept = m.getLastGoodWeights();

    const r2 = await createRuntime({ backend: 'webgpu' });
    const m2 = model(r2);
    const reading = m2.getWeights();
    r2.dispose();
    const readError = await caught(() => reading);
    await new Promise((resolve) => setTimeout(resolve, 50)); // let device.lost settle: it must not be reported
    const later = await caught(() => m2.predict(X));
    return { fitError, keptEpoch: kept?.epoch ?? null, readError, later, buffers: [r.stats.buffers, r2.stats.buffers] };
  },
};
