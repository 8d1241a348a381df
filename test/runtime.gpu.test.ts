/** The runtime in a real browser: named errors for bad arguments, device loss and use after dispose. */
import { describe, expect, it } from 'vitest';
import { skipGpu, useHarness } from './support/page';

describe.skipIf(skipGpu)('runtime faults on WebGPU', () => {
  const page = useHarness();

  it('rejects bad arguments with named errors before touching the GPU', async () => {
    const { results, buffersCreated } = await page.call('badArguments');
    expect(results.map((r) => r?.name)).toEqual(['ShapeError', 'ShapeError', 'ValueError', 'ShapeError', 'ValueError']);
    expect(results[0]?.message).toBe('lstm expects input x of rank 3, [batch, timesteps, features]; got shape [2, 3]');
    expect(results[4]?.message).toBe('bias must hold finite numbers; bias[0] is Infinity');
    expect(buffersCreated).toBe(0);
  });

  it('turns a lost device into DeviceLostError, between calls and during a pending readback', async () => {
    const { afterLoss, duringCall, recoveredFinite } = await page.call('deviceLoss');
    expect(afterLoss).toMatchObject({ name: 'DeviceLostError', reason: 'destroyed' });
    expect(afterLoss?.message).toMatch(/create a new runtime/);
    expect(duringCall).toMatchObject({ name: 'DeviceLostError', reason: 'destroyed' });
    expect(recoveredFinite).toBe(true);
  });

  it('reports use after dispose() as DisposedError, not as a device loss, and frees every buffer', async () => {
    const { afterDispose, buffers } = await page.call('dispose');
    expect(afterDispose?.name).toBe('DisposedError');
    expect(buffers).toBe(0);
  });
});
