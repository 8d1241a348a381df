/**
 * crossProducts (shaders/crossProducts.wgsl): Aᵀ·B summed in double-float on WebGPU against the float64 twin
 * (src/reference/crossProducts.ts), on rows that share a large mean — where a float32 GEMM's sums lose the
 * differences a ridge fit needs. hi + lo must be as close to the float64 result as ~48 bits allow, in one call
 * and accumulated over two.
 */
import { describe, expect, it } from 'vitest';
import { crossProducts } from '../src/reference/crossProducts';
import { encodeFloats } from './support/base64';
import { skipGpu, useHarness } from './support/page';
import { rng } from './support/random';

/** Relative to the largest |C| entry: double-float over 2000 rows, against float32's ~1e-7 · √rows. */
const DOUBLE_FLOAT = 1e-11;

describe.skipIf(skipGpu)('crossProducts on WebGPU vs float64', () => {
  const page = useHarness();

  it.each([
    [false, false],
    [true, false],
    [true, true],
  ])('2000 rows of 24 columns with mean 0.9, accumulated over two calls: %s, only the upper triangle: %s', async (halves, symmetric) => {
    const [rows, aCols, bCols] = [2000, 24, 24];
    const random = rng(3);
    // Float32 values, so the twin sees exactly what the GPU does.
    const a = Float32Array.from({ length: rows * aCols }, () => 0.9 + 0.01 * (random() - 0.5));
    const r = await page.run('crossProducts', {
      a: { data: encodeFloats(a), shape: [rows, aCols] },
      b: { data: encodeFloats(a), shape: [rows, bCols] },
      rows,
      aCols,
      bCols,
      halves,
      symmetric,
    });
    expect(r.validationError).toBeNull();
    expect(r.liveBuffersAfter).toBe(0);
    const full = crossProducts(a, a, rows, aCols, bCols);
    // The symmetric product writes i ≤ j only; below the diagonal stays 0.
    const expected = symmetric ? full.map((v, k) => (Math.floor(k / bCols) <= k % bCols ? v : 0)) : full;
    // In float64: a Float32Array's map would round hi + lo back to float32.
    const got = Float64Array.from(r.outputs.hi!, (h, i) => h + r.outputs.lo![i]!);
    const scale = Math.max(...expected.map(Math.abs));
    const worst = Math.max(...Array.from(got, (g, i) => Math.abs(g - expected[i]!)));
    expect(worst / scale, 'worst error relative to the largest entry').toBeLessThan(DOUBLE_FLOAT);
    // The plain float32 sum (hi alone) is what a GEMM would give: far worse, which is why lo exists.
    const hiOnly = Math.max(...Array.from(r.outputs.hi!, (h, i) => Math.abs(h - expected[i]!)));
    expect(hiOnly).toBeGreaterThan(worst);
  });
});
