/**
 * Leaks (test/browser/leakCases.ts): 10 000 predicts and over 1 000 training steps on a tiny model leave the
 * runtime's live GPU buffers and bytes flat after the first call, and dispose() returns them to the baseline.
 * The runtime counts every buffer it creates (rt.stats), so a buffer made per call and never freed shows here.
 */
import { describe, expect, it } from 'vitest';
import { skipGpu, useHarness } from './support/page';

const flat = (xs: number[]) => xs.every((v) => v === xs[0]);

describe.skipIf(skipGpu)('GPU memory stays flat over many calls', () => {
  const page = useHarness();

  it('10 000 predicts', async () => {
    const r = await page.call('predictLeaks', 10_000, 500);
    expect(r.buffers).toHaveLength(20);
    expect(r.buffers[0]).toBeGreaterThan(r.baseline); // the model's own buffers are counted
    expect(flat(r.buffers)).toBe(true);
    expect(flat(r.bytes)).toBe(true);
    expect(r.finite).toBe(true);
    expect(r.afterDispose).toBe(r.baseline);
    console.log(`10 000 predicts: ${(r.ms / 1000).toFixed(1)} s; live buffers ${r.buffers[0]}, bytes ${r.bytes[0]} throughout (0 leaked)`);
  });

  it('over 1 000 training steps in 10 fit calls', async () => {
    const r = await page.call('trainLeaks', 10, 34);
    expect(r.steps).toBeGreaterThanOrEqual(1000);
    expect(flat(r.buffers)).toBe(true);
    expect(flat(r.bytes)).toBe(true);
    expect(r.losses.every(Number.isFinite)).toBe(true);
    expect(r.losses.at(-1)).toBeLessThan(r.losses[0]!); // it was really training
    expect(r.afterDispose).toBe(r.baseline);
    console.log(`${r.steps} training steps: ${(r.ms / 1000).toFixed(1)} s; live buffers ${r.buffers[0]}, bytes ${r.bytes[0]} after every fit (0 leaked)`);
  });
});
