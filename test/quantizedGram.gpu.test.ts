/**
 * quantizedGram (shaders/quantizedGram.wgsl): a window of Z's columns, shifted and rounded to 2⁻²⁴ (`quantize`),
 * then ZᵀZ summed in integers (`gram`) on WebGPU, against the float64 twin (src/reference/quantizedGram.ts) — exact
 * there up to float64's own rounding, so hi + lo must match it to the double-float pair's ~48 bits: on collinear
 * rows (a shared mean) and on values spread over [−2, 2] (the extremes of the integer sums), an n that is not a
 * multiple of the 4×4 tiles, rows that are not a multiple of the 31-row blocks, a window of wider rows from an
 * offset, and accumulated over two calls. And crossProducts reading the same rounded rows (A_FIXED) for Zᵀ·B.
 */
import { describe, expect, it } from 'vitest';
import { crossProducts } from '../src/reference/crossProducts';
import { quantizedGram, roundToGrid } from '../src/reference/quantizedGram';
import { shiftRows } from '../src/reference/shiftRows';
import { encodeFloats } from './support/base64';
import { skipGpu, useHarness } from './support/page';
import { rng } from './support/random';

/** Relative to the largest |C| entry. */
const DOUBLE_FLOAT = 1e-12;

const enc = (data: Float32Array) => ({ data: encodeFloats(data), shape: [data.length] });

describe.skipIf(skipGpu)('quantizedGram on WebGPU vs float64', () => {
  const page = useHarness();

  it.each([
    ['a shared mean 0.9', 1000, 13, 13, 0, 0, false, (r: () => number) => 0.9 + 0.01 * (r() - 0.5)],
    ['values over [−2, 2], two calls', 517, 22, 22, 0, 0, true, (r: () => number) => 4 * r() - 2],
    ['values at ±2 exactly, every row', 40, 9, 9, 0, 0, false, (r: () => number) => (r() < 0.5 ? -2 : 2)],
    ['columns 3 … 12 of rows 15 wide, from an offset, shifted', 101, 10, 15, 3, 7, true, (r: () => number) => 2 * r() - 1],
  ] as const)('%s: %i rows of %i columns', async (_name, rows, n, stride, col0, zOffset, halves, draw) => {
    const random = rng(rows + n);
    const z = Float32Array.from({ length: zOffset + rows * stride }, () => draw(random));
    // A shift within [−1, 1] where the values are (the ridge's first row), else none.
    const shift = Float32Array.from({ length: stride }, () => (stride > n ? 2 * random() - 1 : 0) * 0.5);
    const bCols = 2;
    const b = Float32Array.from({ length: rows * bCols }, () => 10 * (random() - 0.5));
    const r = await page.run('quantizedSums', { z: enc(z), rows, n, zOffset, stride, col0, shift: enc(shift), halves, b: enc(b), bCols });
    expect(r.validationError).toBeNull();
    expect(r.liveBuffersAfter).toBe(0);
    // The GPU subtracts in float32, then rounds to the grid.
    const shifted = Float32Array.from(shiftRows(z.subarray(zOffset), shift, rows, n, { stride, col0 }));
    const expected = quantizedGram(shifted, rows, n);
    const got = Float64Array.from(r.outputs.hi!, (h, i) => h + r.outputs.lo![i]!);
    const upper = Array.from({ length: n * n }, (_, k) => k).filter((k) => Math.floor(k / n) <= k % n);
    const scale = Math.max(...upper.map((k) => Math.abs(expected[k]!)));
    const worst = Math.max(...upper.map((k) => Math.abs(got[k]! - expected[k]!)));
    expect(worst / scale, 'ZᵀZ: worst error on and above the diagonal, relative to the largest entry').toBeLessThan(DOUBLE_FLOAT);
    // Zᵀ·B over the same rounded rows, in double-float (crossProducts.gpu.test.ts's bound where signs cancel).
    const zb = crossProducts(Float64Array.from(shifted, roundToGrid), b, rows, n, bCols);
    const gotZb = Float64Array.from(r.outputs.zbHi!, (h, i) => h + r.outputs.zbLo![i]!);
    const zbScale = Math.max(...zb.map(Math.abs));
    expect(Math.max(...Array.from(gotZb, (g, i) => Math.abs(g - zb[i]!))) / zbScale, 'Zᵀ·B').toBeLessThan(1e-10);
  });
});
