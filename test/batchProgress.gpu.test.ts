/**
 * Batch-level progress without a readback (src/model/batchProgress.ts): onBatchBegin before each batch is queued,
 * onBatchProgress once the GPU has finished it, at most two batches queued, the same weights as without the hooks.
 */
import { describe, expect, it } from 'vitest';
import { skipGpu, useHarness } from './support/page';

describe.skipIf(skipGpu)('onBatchBegin and onBatchProgress', () => {
  const page = useHarness();

  it('report every batch in order, two in flight at most, with no readback of their own', async () => {
    const r = await page.call('batchProgress');
    // batch b+1 is queued before batch b is reported; the last one is reported before the epoch's readback
    const epoch = (e: number) => ['begin 0 size 4', 'begin 1 size 4', 'done 0 size 4', 'begin 2 size 2', 'done 1 size 4', 'done 2 size 2', `epochEnd ${e}`];
    expect(r.events).toEqual([...epoch(0), ...epoch(1)]);
    expect(r.ms).toHaveLength(6);
    for (const ms of r.ms) expect(ms).toBeGreaterThanOrEqual(0);
    expect(r.readbacks).toBe(2); // one per epoch, as without the hooks
    expect(r.same).toBe(true);
    expect(r.withEnd).toEqual(['begin 0', 'done 0', 'end 0', 'begin 1', 'done 1', 'end 1', 'begin 2', 'done 2', 'end 2']);
    expect(r.datasetEvents).toEqual(['begin 0 size 4', 'begin 1 size 4', 'done 0 size 4', 'begin 2 size 2', 'done 1 size 4', 'done 2 size 2']);
  });
});
