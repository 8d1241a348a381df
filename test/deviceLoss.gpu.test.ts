/**
 * Device loss during model work (test/browser/deviceLossCases.ts): the call rejects with DeviceLostError, the
 * weights of the last completed epoch survive on the host, and a new runtime continues from them exactly where
 * uninterrupted training would be. A deliberate dispose() reports DisposedError, never a loss.
 */
import { describe, expect, it } from 'vitest';
import { skipGpu, useHarness } from './support/page';

const LOST = { name: 'DeviceLostError', reason: 'destroyed' };

describe.skipIf(skipGpu)('device loss during fit, predict and readbacks', () => {
  const page = useHarness();

  it.each([
    ['between epochs (destroyed as epoch 2 begins)', false, 1],
    ['mid-epoch (destroyed after batch 1 of epoch 1)', true, 0],
  ])('fit, %s: DeviceLostError, the last completed epoch kept, and a new runtime continues', async (_name, midEpoch, lastEpoch) => {
    const r = await page.call('lossDuringFit', midEpoch);
    expect(r.fitError).toMatchObject(LOST);
    expect(r.fitError!.message).toMatch(
      /^The WebGPU device was lost \(reason: destroyed.*\)\. .*create a new runtime with createRuntime\(\) and reload the weights/,
    );
    expect(r.afterLoss).toMatchObject(LOST);
    // one readback per epoch, never per step: two completed epochs, then the one the loss broke
    if (!midEpoch) expect(r.readbacks).toBe(3);
    expect(r.lastEpoch).toBe(lastEpoch);
    expect(r.keptVsUninterrupted).toBe(0);
    expect(r.loadedVsKept).toBe(0);
    expect(r.resumedEpochs).toEqual(Array.from({ length: 3 - lastEpoch }, (_, i) => lastEpoch + 1 + i));
    expect(r.resumedLoss.every(Number.isFinite)).toBe(true);
    // plain SGD has no optimizer state to lose: resumed training lands exactly on the uninterrupted weights
    expect(r.continuedVsUninterrupted).toBe(0);
  });

  it('predict with a pending readback, getWeights and evaluate: each rejects with DeviceLostError', async () => {
    const r = await page.call('lossDuringPredictAndReadback');
    expect(r.predictError).toMatchObject(LOST);
    expect(r.readbackErrors).toEqual([expect.objectContaining(LOST), expect.objectContaining(LOST)]);
    expect(r.lastGoodWithoutFit).toBeNull();
  });

  it('a deliberate dispose() during fit or a readback is DisposedError, never a loss, and frees every buffer', async () => {
    const r = await page.call('disposeIsNotALoss');
    expect(r.fitError?.name).toBe('DisposedError');
    expect(r.keptEpoch).toBe(0);
    expect(r.readError?.name).toBe('DisposedError');
    expect(r.later?.name).toBe('DisposedError');
    expect(r.buffers).toEqual([0, 0]);
  });
});
