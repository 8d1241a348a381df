/** The CPU twins behind the sparse reservoir, the quantized Gram matrix and includeInput: layouts and rounding, by hand. */
import { describe, expect, it } from 'vitest';
import { sparseColumns } from '../src/reference/sparseColumns';
import { quantizedGram, roundToGrid } from '../src/reference/quantizedGram';
import { concatInput, concatInputGrad } from '../src/reference/concatInput';

describe('sparseColumns (the layout shaders/simpleRnnSeq.wgsl reads for SPARSE)', () => {
  it('lists each column’s non-zeros in row order: counts, then row and value n apart, entry e of every column side by side', () => {
    // W = [[0, 2, 0], [5, 0, 0], [7, 3, 0]]: column 0 has rows 1, 2; column 1 rows 0, 2; column 2 none.
    const packed = sparseColumns([0, 2, 0, 5, 0, 0, 7, 3, 0], 3);
    expect(Array.from(packed.subarray(0, 3))).toEqual([2, 2, 0]);
    const entry = (e: number, j: number) => [packed[3 + e * 6 + j], packed[3 + e * 6 + 3 + j]];
    expect(entry(0, 0)).toEqual([1, 5]);
    expect(entry(1, 0)).toEqual([2, 7]);
    expect(entry(0, 1)).toEqual([0, 2]);
    expect(entry(1, 1)).toEqual([2, 3]);
    expect(packed.length).toBe(3 + 2 * 9);
  });
});

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

describe('concatInput (the twin of shaders/concatInput.wgsl)', () => {
  // Two timesteps of two rows (time-major: t·2 + b), one input feature, one state unit.
  const [u, x] = [
    [1, 2, 3, 4],
    [10, 20, 30, 40],
  ];

  it('puts each row’s input in front of its state, from the mirrored timestep when reversed', () => {
    expect(Array.from(concatInput(u, x, { rows: 4, nu: 1, nx: 1 }))).toEqual([1, 10, 2, 20, 3, 30, 4, 40]);
    expect(Array.from(concatInput(u, x, { rows: 4, nu: 1, nx: 1, reverseBatch: 2 }))).toEqual([3, 10, 4, 20, 1, 30, 2, 40]);
  });

  it('splits the gradient back: the states’ part row for row, the input’s onto the rows it came from', () => {
    const g = concatInputGrad([1, 10, 2, 20, 3, 30, 4, 40], { rows: 4, nu: 1, nx: 1, reverseBatch: 2 });
    expect(Array.from(g.dState)).toEqual([10, 20, 30, 40]);
    expect(Array.from(g.dU)).toEqual([3, 4, 1, 2]);
  });
});
