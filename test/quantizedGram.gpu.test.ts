/**
 * quantizedGram (shaders/quantizedGram.wgsl): ZᵀZ of rows rounded to 2⁻²⁴, summed in integers on WebGPU, against
 * the float64 twin (src/reference/quantizedGram.ts) — which is exact there up to float64's own rounding, so hi + lo
 * must match it to the double-float pair's ~48 bits: on collinear rows (a shared mean) and on values spread over
 * [−2, 2] (the extremes of the integer sums), an n that is not a multiple of the 4×4 tiles, rows that are not a
 * multiple of the 16-row blocks, an offset into Z, and accumulated over two calls. And crossProducts'
 * QUANTIZE_A, which sums ZᵀY over the same rounded rows.
 */
import { describe, expect, it } from 'vitest';
import { crossProducts } from '../src/reference/crossProducts';
import { quantizedGram, roundToGrid } from '../src/reference/quantizedGram';
import { encodeFloats } from './support/base64';
import { skipGpu, useHarness } from './support/page';
import { rng } from './support/random';

/** Relative to the largest |C| entry. */
const DOUBLE_FLOAT = 1e-12;

const upperTriangle = (c: ArrayLike<number>, n: number) => Array.from({ length: n * n }, (_, k) => k).filter((k) => Math.floor(k / n) <= k % n);

describe.skipIf(skipGpu)('quantizedGram on WebGPU vs float64', () => {
  const page = useHarness();

  it.each([
    ['a shared mean 0.9', 1000, 13, 0, false, (r: () => number) => 0.9 + 0.01 * (r() - 0.5)],
    ['values over [−2, 2], two calls, from an offset', 517, 22, 6, true, (r: () => number) => 4 * r() - 2],
    ['values at ±2 exactly, every row', 40, 9, 0, false, (r: () => number) => (r() < 0.5 ? -2 : 2)],
  ] as const)('%s: %i rows of %i columns', async (_name, rows, n, zOffset, halves, draw) => {
    const random = rng(rows + n);
    const z = Float32Array.from({ length: zOffset + rows * n }, () => draw(random));
    const r = await page.run('quantizedGram', { z: { data: encodeFloats(z), shape: [z.length] }, rows, n, zOffset, halves });
    expect(r.validationError).toBeNull();
    expect(r.liveBuffersAfter).toBe(0);
    const expected = quantizedGram(z.subarray(zOffset), rows, n);
    const got = Float64Array.from(r.outputs.hi!, (h, i) => h + r.outputs.lo![i]!);
    const upper = upperTriangle(expected, n);
    const scale = Math.max(...upper.map((k) => Math.abs(expected[k]!)));
    const worst = Math.max(...upper.map((k) => Math.abs(got[k]! - expected[k]!)));
    expect(worst / scale, 'worst error on and above the diagonal, relative to the largest entry').toBeLessThan(DOUBLE_FLOAT);
  });

  it('crossProducts with quantizeA sums Aᵀ·B over A rounded as quantizedGram rounds it', async () => {
    const [rows, aCols, bCols] = [300, 7, 2];
    const random = rng(9);
    // Small values, where rounding to 2⁻²⁴ changes them (from 0.5 up float32 is that grid already).
    const a = Float32Array.from({ length: rows * aCols }, () => 0.01 * (random() - 0.5));
    const b = Float32Array.from({ length: rows * bCols }, () => 10 * (random() - 0.5));
    const spec = { a: { data: encodeFloats(a), shape: [rows, aCols] }, b: { data: encodeFloats(b), shape: [rows, bCols] }, rows, aCols, bCols, halves: false };
    const r = await page.run('crossProducts', { ...spec, quantizeA: true });
    expect(r.validationError).toBeNull();
    const expected = crossProducts(a.map(roundToGrid), b, rows, aCols, bCols);
    const unrounded = crossProducts(a, b, rows, aCols, bCols);
    const got = Float64Array.from(r.outputs.hi!, (h, i) => h + r.outputs.lo![i]!);
    const scale = Math.max(...expected.map(Math.abs));
    const worst = Math.max(...Array.from(got, (g, i) => Math.abs(g - expected[i]!)));
    // Double-float over signs that cancel: crossProducts.gpu.test.ts's bound, relative to the largest entry.
    expect(worst / scale).toBeLessThan(1e-10);
    // The rounding is visible at this precision: the unrounded sums differ by far more.
    const off = Math.max(...Array.from(got, (g, i) => Math.abs(g - unrounded[i]!)));
    expect(off / scale).toBeGreaterThan(1e-8);
  });
});
