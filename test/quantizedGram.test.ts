/** The CPU twin of shaders/quantizedGram.wgsl: its rounding and sums, by hand (the kernel against it: quantizedGram.gpu.test.ts). */
import { describe, expect, it } from 'vitest';
import { quantizedGram, roundToGrid } from '../src/reference/quantizedGram';

describe('quantizedGram (the twin of shaders/quantizedGram.wgsl)', () => {
  it('rounds to multiples of 2⁻²⁴ half to even, clamps to [−2, 2], and leaves values from 0.5 up as they are', () => {
    const ulp = 2 ** -24;
    expect(roundToGrid(0.5 * ulp)).toBe(0);
    expect(roundToGrid(1.5 * ulp)).toBe(2 * ulp);
    expect(roundToGrid(-2.5 * ulp)).toBe(-2 * ulp);
    expect(roundToGrid(0.3 * ulp)).toBe(0);
    expect(roundToGrid(5)).toBe(2);
    expect(roundToGrid(-3)).toBe(-2);
    const f = Math.fround(0.7123456);
    expect(roundToGrid(f)).toBe(f);
  });

  it('sums the products of the rounded values', () => {
    // Rows [1, 0.25] and [−1, 3 (clamped to 2)]: ZᵀZ = [[2, −1.75], [−1.75, 4.0625]], plus the initial matrix.
    expect(Array.from(quantizedGram([1, 0.25, -1, 3], 2, 2, [1, 0, 0, 1]))).toEqual([3, -1.75, -1.75, 5.0625]);
  });
});
