/** The CPU twin of shaders/sparseColumns.wgsl: its packed layout, by hand (the kernel against it: sparseColumns.gpu.test.ts). */
import { describe, expect, it } from 'vitest';
import { sparseColumns } from '../src/reference/sparseColumns';

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
