/**
 * Numerics: the GPU loss watch (shaders/lossWatch.wgsl) on its own, fit stopping at the first non-finite loss
 * with the epoch and batch named (and training on when told to), and a relu LSTM over 1 000 steps that
 * explodes without gradient clipping and stays finite with it.
 */
import { layers, sequential, type Runtime, type Tensor } from '../../src/index';
import { Plan } from '../../src/gpu/plan';
import { recordLossWatch } from '../../src/kernels/lossWatch';
import { decode, inScope, rt, type Encoded } from './harnessCore';

const finite = (ws: Tensor[]) => ws.every((w) => w.data.every(Number.isFinite));

/** The error `body` throws, with the epoch and batch a NonFiniteLossError carries; null when none. */
async function failure(body: () => Promise<unknown>) {
  try {
    await body();
    return null;
  } catch (e) {
    const err = e as Error & { epoch?: number; batch?: number };
    return { name: err.name, message: err.message, epoch: err.epoch ?? null, batch: err.batch ?? null };
  }
}

/** 12 samples of 3 steps × 2 features; targets 0.5, except those listed (samples, in batches of 4 unshuffled). */
function data(hugeTargets: number[] = []) {
  const x: Tensor = { data: Float32Array.from({ length: 12 * 6 }, (_, i) => Math.sin(i)), shape: [12, 3, 2] };
  const y: Tensor = { data: Float32Array.from({ length: 12 }, (_, i) => (hugeTargets.includes(i) ? 3e19 : 0.5)), shape: [12, 1] };
  return { x, y };
}

function tiny(r: Runtime, seed: number) {
  const m = sequential(r, { seed });
  m.add(layers.lstm({ units: 3, inputShape: [3, 2] }));
  m.add(layers.dense({ units: 1 }));
  m.compile({ optimizer: { kind: 'sgd', learningRate: 0.01, momentum: 0, nesterov: false }, loss: 'mse' });
  return m;
}

export const numericCases = {
  /** The watch after each of `sums` (the running loss sum the host pretends batch by batch), read once. */
  lossWatch(encoded: Encoded) {
    const sums = decode(encoded).data;
    return inScope(async (r) => {
      const accum = r.zeros('accum', 8);
      const plan = new Plan(r, 'loss watch test');
      recordLossWatch(plan, { accum, lossSlot: 0, watchSlot: 5 });
      for (const s of sums) {
        r.write(accum, Float32Array.of(s)); // the running loss sum after this batch
        plan.run();
      }
      const out = await r.read(accum, 8);
      plan.destroy();
      r.destroyBuffer(accum);
      return { accum: out };
    });
  },

  /**
   * A target of 3e19 makes batch 2's squared error overflow to Infinity in epoch 0 (`where` 'targets'); or a
   * weight set to 1e25 by a callback at the end of epoch 1 makes epoch 2's first batch overflow ('weights').
   */
  async nonFiniteLoss(where: 'targets' | 'weights', stopOnNonFinite: boolean) {
    const r = await rt();
    const m = tiny(r, 41);
    const { x, y } = data(where === 'targets' ? [9] : []);
    const blowUp = {
      onEpochEnd: async (epoch: number) => {
        if (where !== 'weights' || epoch !== 1) return;
        const w = await m.getWeights();
        w[3]!.data[0] = 1e25; // dense/kernel: finite, but its output squared is not
        m.setWeights(w);
      },
    };
    const readbacks = r.stats.readbacks;
    let losses: number[] = [];
    const error = await failure(async () => {
      const h = await m.fit(x, y, { epochs: 4, batchSize: 4, shuffle: false, callbacks: blowUp, stopOnNonFinite });
      losses = h.history.loss!;
    });
    const reads = r.stats.readbacks - readbacks - (where === 'weights' ? 1 : 0); // minus the callback's getWeights
    const last = m.getLastGoodWeights();
    // Restoring the kept weights and fitting clean data trains on with finite losses.
    let resumed: number[] = [];
    if (last) {
      m.setWeights(last.weights);
      resumed = (await m.fit(x, data().y, { epochs: 2, batchSize: 4, shuffle: false })).history.loss!;
    }
    m.dispose();
    return { error, reads, losses, lastEpoch: last?.epoch ?? null, lastFinite: last ? finite(last.weights) : null, resumed };
  },

  /**
   * LSTM(1, relu) over 1 000 steps of ones: with i, f, o ≈ 1 and g = relu(x), c and h grow to ≈ 1 000 and the
   * recurrent kernel's gradient, summed over 1 000 steps, to ≈ 1e9. Plain SGD moves it by ≈ 1e6, after which
   * h multiplies by that at every step and overflows; with globalClipNorm each step moves the weights by at most
   * learningRate and the loss stays finite. The target 2 000 lies above the first prediction (≈ 977), so the
   * update makes relu's input larger, not negative (a dead relu would hide the explosion).
   */
  async relu1000(clip: boolean, stopOnNonFinite: boolean) {
    const r = await rt();
    const m = sequential(r, { seed: 5 });
    m.add(layers.lstm({ units: 1, activation: 'relu', inputShape: [1000, 1] }));
    m.add(layers.dense({ units: 1 }));
    m.compile({ optimizer: { kind: 'sgd', learningRate: 0.001, momentum: 0, nesterov: false }, loss: 'mse', ...(clip ? { globalClipNorm: 1 } : {}) });
    // Keras gate order i, f, c(g), o
    m.setWeights([
      { data: Float32Array.of(0, 0, 1, 0), shape: [1, 4] },
      { data: Float32Array.of(0, 0, 0, 0), shape: [1, 4] },
      { data: Float32Array.of(10, 10, 0, 10), shape: [4] },
      { data: Float32Array.of(1), shape: [1, 1] },
      { data: Float32Array.of(0), shape: [1] },
    ]);
    const x: Tensor = { data: new Float32Array(2 * 1000).fill(1), shape: [2, 1000, 1] };
    const y: Tensor = { data: new Float32Array(2).fill(2000), shape: [2, 1] };
    const first = (await m.predict(x)).data[0]!;
    let losses: number[] = [];
    const error = await failure(async () => {
      losses = (await m.fit(x, y, { epochs: 6, batchSize: 2, stopOnNonFinite })).history.loss!;
    });
    const weights = await m.getWeights();
    m.dispose();
    return { first, error, losses, weightsFinite: finite(weights) };
  },
};
