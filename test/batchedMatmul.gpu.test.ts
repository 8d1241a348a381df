/** shaders/batchedMatmul.wgsl (strided batched products over time-major sequences, 4×4 blocks) on WebGPU against its float64 twin. */
import { describe, expect, it } from 'vitest';
import { batchedMatmul } from '../src/reference/batchedMatmul';
import { sequenceMatrix, type MatmulLayout } from '../src/kernels/batchedMatmul';
import { encodeFloats } from './support/base64';
import { expectClose } from './support/compare';
import { skipGpu, useHarness } from './support/page';
import { rng, uniform } from './support/random';

const enc = (t: Float32Array, shape: number[]) => ({ data: encodeFloats(t), shape });

describe.skipIf(skipGpu)('batchedMatmul on WebGPU', () => {
  const page = useHarness();

  it.each([
    { name: 'sequence · sequenceᵀ (attention scores)', transposeB: true, scale: null, accumulate: false, alpha: 1 },
    { name: 'sequence · sequence, from offsets, scaled by a GPU weight and added in', transposeB: false, scale: 0.75, accumulate: true, alpha: -2 },
  ])('batchedMatmul: $name matches the float64 twin', async ({ transposeB, scale, accumulate, alpha }) => {
    const random = rng(transposeB ? 5 : 6);
    // Neither 5 nor 6 is a multiple of the kernel's 4×4 blocks: the edge blocks are clamped and cut.
    const [batch, t1, t2, c] = [3, transposeB ? 4 : 5, 5, 6];
    const [aOffset, bOffset] = transposeB ? [0, 0] : [7, 2];
    const a = uniform(random, aOffset + t1 * batch * c, 1);
    // B is [t2, batch, c] used as its transpose [c, t2], or [c, batch, t2] used as it lies: either way [c, t2].
    const b = uniform(random, bOffset + t2 * batch * c, 1);
    const o = uniform(random, t1 * batch * t2, 1);
    const layout: MatmulLayout = {
      batches: batch,
      m: t1,
      n: t2,
      k: c,
      a: sequenceMatrix(aOffset, batch, c),
      b: transposeB ? sequenceMatrix(bOffset, batch, c, true) : sequenceMatrix(bOffset, batch, t2),
      o: sequenceMatrix(0, batch, t2),
    };
    const r = await page.run('batchedMatmul', { a: enc(a, [a.length]), b: enc(b, [b.length]), o: enc(o, [o.length]), layout, alpha, scale, accumulate });
    expect(r.validationError).toBeNull();
    const expected = Float64Array.from(o);
    batchedMatmul(a, b, expected, layout, { alpha, ...(scale === null ? {} : { scale }), accumulate });
    expectClose(r.outputs.o!, expected, { atol: 1e-6, rtol: 1e-6 }, 'O');
  });
});
