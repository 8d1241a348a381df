/** shaders/additiveAttention.wgsl (Bahdanau scores and their gradients) on WebGPU against its float64 twin. */
import { describe, expect, it } from 'vitest';
import { additiveBackward, additiveScores } from '../src/reference/additiveAttention';
import { encodeFloats } from './support/base64';
import { expectClose } from './support/compare';
import { skipGpu, useHarness } from './support/page';
import { rng, uniform } from './support/random';

const enc = (t: Float32Array, shape: number[]) => ({ data: encodeFloats(t), shape });

describe.skipIf(skipGpu)('additiveAttention on WebGPU', () => {
  const page = useHarness();

  it.each([
    { name: 'with a scale per feature, from offsets', scaled: true, qOffset: 3, kOffset: 5 },
    { name: 'without a scale', scaled: false, qOffset: 0, kOffset: 0 },
  ])('additiveAttention kernels $name match the float64 twin', async ({ scaled, qOffset, kOffset }) => {
    const random = rng(scaled ? 13 : 14);
    const dims = { batch: 3, tq: 4, tv: 5, dim: 6 };
    const q = uniform(random, qOffset + dims.tq * dims.batch * dims.dim, 1);
    const k = uniform(random, kOffset + dims.tv * dims.batch * dims.dim, 1);
    const scale = scaled ? uniform(random, dims.dim, 1) : null;
    const ds = uniform(random, dims.tq * dims.batch * dims.tv, 1);
    const r = await page.run('additiveAttention', {
      q: enc(q, [q.length]),
      k: enc(k, [k.length]),
      scale: scale ? enc(scale, [dims.dim]) : null,
      ds: enc(ds, [ds.length]),
      dims,
      qOffset,
      kOffset,
    });
    expect(r.validationError).toBeNull();
    const TWIN = { atol: 1e-5, rtol: 1e-5 };
    expectClose(r.outputs.scores!, additiveScores(q, k, scale, dims, qOffset, kOffset), TWIN, 'scores');
    const g = additiveBackward(q, k, scale, ds, dims, qOffset, kOffset);
    expectClose(r.outputs.dq!, g.dq, TWIN, 'dQ');
    expectClose(r.outputs.dk!, g.dk, TWIN, 'dK');
    if (scaled) expectClose(r.outputs.dscale!, g.dscale, TWIN, 'dScale');
  });
});
