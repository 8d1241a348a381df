/** The float64 twin of shaders/merge.wgsl on small cases worked by hand. */
import { describe, expect, it } from 'vitest';
import { maskColumns, placeColumns, scaledAdd, takeColumns } from '../src/reference/merge';

describe('merge twin', () => {
  it('places two inputs side by side and takes each back', () => {
    const out = new Float64Array(2 * 3);
    placeColumns(out, [1, 2], 2, 1, 3, 0);
    placeColumns(out, [9, 3, 4, 5, 6], 2, 2, 3, 1, 1); // from offset 1
    expect([...out]).toEqual([1, 3, 4, 2, 5, 6]);
    expect([...takeColumns(out, 2, 2, 3, 1)]).toEqual([3, 4, 5, 6]);
  });

  it('adds alpha·x in place, and pushes masked value steps of attention scores to −1e9', () => {
    const y = Float64Array.of(1, 1, 1);
    scaledAdd(y, [0, 2, 4, 6], 3, 0.5, 1);
    expect([...y]).toEqual([2, 3, 4]);
    // rows = Tq·batch = 2·2, cols = Tv = 2; mask [Tv·batch]: step 1 of batch row 0 is padding.
    const scores = new Float64Array(8);
    maskColumns(scores, [1, 1, 0, 1], 4, 2, 2);
    expect([...scores]).toEqual([0, -1e9, 0, 0, 0, -1e9, 0, 0]);
  });
});
