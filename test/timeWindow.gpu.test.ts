/**
 * Batches cropped to their real steps (src/model/timeWindow.ts) on WebGPU: a model on ids padded to 16 steps, whose
 * batches run windows of 8, 4 and 16 steps, fits and predicts what the same model does on the 4 unpadded ids
 * (input and recurrent dropout included: the programs of one batch size share their dropout step counters), and a
 * batch whose real steps span a quarter of the declared ones dispatches less than one that spans them all.
 */
import { describe, expect, it } from 'vitest';
import { expectClose } from './support/compare';
import { skipGpu, useHarness } from './support/page';

/** The same float32 program on different data layouts (padded vs unpadded): only the summation order may differ. */
const SAME_PROGRAM = { atol: 1e-6, rtol: 1e-5 };

interface Run {
  losses: number[];
  weights: number[][];
  predicted: number[];
}

describe.skipIf(skipGpu)('batches cropped to their real steps', () => {
  const page = useHarness();
  for (const [cell, bidirectional] of [
    ['lstm', true],
    ['gru', false],
    ['simpleRNN', false],
  ] as const) {
    it(`${bidirectional ? 'Bidirectional ' : ''}${cell}: padded ids fit and predict as the unpadded ones, on fewer dispatches`, async () => {
      const [padded, counts, unpadded] = (await page.call('croppedWindows', cell, bidirectional)) as [Run, { short: number; full: number }, Run];
      padded.losses.forEach((l, i) => expect(l, `epoch ${i} loss`).toBeCloseTo(unpadded.losses[i]!, 5));
      padded.weights.forEach((w, i) => expectClose(Float32Array.from(w), Float64Array.from(unpadded.weights[i]!), SAME_PROGRAM, `weight ${i}`));
      expectClose(Float32Array.from(padded.predicted), Float64Array.from(unpadded.predicted), SAME_PROGRAM, 'predict');
      expect(counts.short).toBeLessThan(counts.full);
    });
  }
});
