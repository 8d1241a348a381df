/** fitDataset's options and dataset protocol without a GPU (src/model/dataset.ts): what is accepted and the errors. */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { ValueError } from '../src/errors';
import { isDataset, nextBatch, openDataset, resolveFitDatasetArgs, validationPair } from '../src/model/dataset';

const batch = { xs: [[1]], ys: [[2]] };

describe('datasets', () => {
  it('are tf.data.Datasets, async iterables and iterables of { xs, ys }; an [x, y] pair is not one', async () => {
    const tfData = tf.data.array([batch, batch]);
    const it = await openDataset(tfData, 'fitDataset');
    expect(await nextBatch(it, 'w')).toEqual(batch);
    async function* gen() {
      yield batch;
    }
    expect(isDataset(gen())).toBe(true);
    expect(isDataset([batch])).toBe(true);
    expect(validationPair([[1], [2]])).toEqual([[1], [2]]);
    expect(validationPair([batch, batch])).toBeNull(); // two batches, not [x, y]
    expect(isDataset({ xs: 1 })).toBe(false);
  });

  it('name the epoch and batch of a batch that is not { xs, ys }', async () => {
    const it = await openDataset([{ x: 1, y: 2 }] as never, 'fitDataset');
    await expect(nextBatch(it, 'fitDataset, epoch 0, batch 0')).rejects.toThrow(
      /^fitDataset, epoch 0, batch 0: each batch must be \{ xs, ys \} \(TF.js's names\); got an object with keys x, y/,
    );
  });
});

describe('fitDataset options', () => {
  it('defaults and checks', () => {
    expect(resolveFitDatasetArgs({})).toMatchObject({ epochs: 1, batchesPerEpoch: null, initialEpoch: 0, validationData: null, stopOnNonFinite: true });
    expect(() => resolveFitDatasetArgs({ batchesPerEpoch: 0 })).toThrow(ValueError);
    expect(() => resolveFitDatasetArgs({ batchesPerEpoch: 1.5 })).toThrow(/fitDataset: batchesPerEpoch must be a positive integer; got 1.5/);
    expect(() => resolveFitDatasetArgs({ batchSize: 32 } as never)).toThrow(/fitDataset: unknown option 'batchSize'; options are epochs, batchesPerEpoch/);
    expect(() => resolveFitDatasetArgs({ validationData: 5 as never })).toThrow(
      /validationData must be \[xVal, yVal\] or a dataset of \{ xs, ys \} batches; got number 5/,
    );
    expect(() => resolveFitDatasetArgs({ validationData: [[1], [2], [3]] as never })).toThrow(/or an array of \{ xs, ys \} batches; got an array of 3/);
    expect(() => resolveFitDatasetArgs({ classWeight: { 0: 1 } as never })).toThrow(/classWeight is not supported/);
  });
});
