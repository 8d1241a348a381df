/**
 * Leaks: many predicts and training steps on a tiny model, with the runtime's live buffers and bytes sampled
 * along the way. After warm-up (the first call builds the per-batch-size programs) both must stay flat.
 */
import { layers, sequential, type Tensor } from '../../src/index';
import { rt } from './harnessCore';

const sample = (n: number, width: number): Tensor => ({ data: Float32Array.from({ length: n * width }, (_, i) => Math.sin(i)), shape: [n, width] });

function tiny(seed: number) {
  return rt().then((r) => {
    const baseline = r.stats.buffers;
    const m = sequential(r, { seed });
    m.add(layers.lstm({ units: 4, inputShape: [3, 2] }));
    m.add(layers.dense({ units: 1 }));
    return { r, m, baseline };
  });
}

export const leakCases = {
  /** `count` predicts of 2 samples; live buffers and bytes every `every` calls. */
  async predictLeaks(count: number, every: number) {
    const { r, m, baseline } = await tiny(31);
    const x = { ...sample(2, 6), shape: [2, 3, 2] };
    await m.predict(x); // warm-up: builds the batch-2 program
    const buffers: number[] = [];
    const bytes: number[] = [];
    const start = performance.now();
    let finite = true;
    for (let i = 1; i <= count; i++) {
      const y = await m.predict(x);
      finite &&= Number.isFinite(y.data[0]) && Number.isFinite(y.data[1]);
      if (i % every === 0) {
        buffers.push(r.stats.buffers);
        bytes.push(r.stats.bytes);
      }
    }
    const ms = performance.now() - start;
    m.dispose();
    return { buffers, bytes, ms, finite, baseline, afterDispose: r.stats.buffers };
  },

  /** `fits` fit calls of `epochs` epochs on 25 samples in batches of 10 (10, 10, 5: two program sizes). */
  async trainLeaks(fits: number, epochs: number) {
    const { r, m, baseline } = await tiny(32);
    m.compile({ optimizer: 'adam', loss: 'mse', metrics: ['mae'] });
    const x = { ...sample(25, 6), shape: [25, 3, 2] };
    const y = sample(25, 1);
    const buffers: number[] = [];
    const bytes: number[] = [];
    const losses: number[] = [];
    let steps = 0;
    const start = performance.now();
    for (let f = 0; f < fits; f++) {
      const h = await m.fit(x, y, { epochs, batchSize: 10 });
      steps += h.params.steps * h.epoch.length;
      losses.push(h.history.loss!.at(-1)!);
      buffers.push(r.stats.buffers);
      bytes.push(r.stats.bytes);
    }
    const ms = performance.now() - start;
    m.dispose();
    return { steps, buffers, bytes, losses, ms, baseline, afterDispose: r.stats.buffers };
  },
};
