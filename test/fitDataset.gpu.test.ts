/**
 * fitDataset and evaluateDataset on WebGPU: the same weights as fit on the same batches in the same order, from an
 * array, an endless async generator cut by batchesPerEpoch, and a tf.data-like iterator(); validation; a stream
 * that ends early; and the typed errors of a bad batch and a throwing iterator, the last good epoch kept.
 */
import { describe, expect, it } from 'vitest';
import { skipGpu, useHarness } from './support/page';

describe.skipIf(skipGpu)('fitDataset on WebGPU', () => {
  const page = useHarness();

  it('trains, validates and fails as fit does, batch for batch', async () => {
    const r = await page.call('fitDatasetCases');
    for (const [name, got] of Object.entries(r.results)) {
      expect(got.weights, `${name}: the same weights as fit`).toEqual(r.fit.weights);
      expect(got.loss, `${name}: the same losses as fit`).toEqual(r.fit.loss);
    }
    // validation arrays after the last epoch run without training: they are evaluate() on the trained weights
    expect(r.valLoss).toHaveLength(2);
    expect(r.valLoss[1]).toBeCloseTo(r.evaluated as number, 6);
    expect(r.evaluatedDataset as number).toBeCloseTo(r.evaluated as number, 6); // the same samples, in batches of 4, 4, 3, 1
    expect(r.valDataset).toBeCloseTo(r.afterValDataset as number, 6);
    expect(r.shortEpochs).toEqual([0, 1]);
    expect(r.errors.shape).toMatch(/^ShapeError: fitDataset, epoch 1, batch 1: xs .*\[2, 3, 2\]/);
    expect(r.lastGoodEpoch).toBe(0);
    expect(r.errors.thrown).toBe("ValueError: fitDataset, epoch 0, batch 1: the dataset's iterator threw: disk read failed");
    expect(r.errors.notDataset).toMatch(
      /^ValueError: fitDataset: the dataset must be a tf.data.Dataset, an async iterable or an iterable of \{ xs, ys \} batches; got an object with keys xs, ys/,
    );
  });
});
