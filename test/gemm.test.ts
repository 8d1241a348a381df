/** The float64 GEMM and column-sum twins, against products worked out by hand. */
import { describe, expect, it } from 'vitest';
import { gemm } from '../src/reference/gemm';
import { columnSum } from '../src/reference/columnSum';

// A = [[1, 2, 3], [4, 5, 6]] (2×3), B = [[1, 0], [0, 1], [1, 1]] (3×2): A·B = [[4, 5], [10, 11]]
const A = [1, 2, 3, 4, 5, 6];
const At = [1, 4, 2, 5, 3, 6];
const B = [1, 0, 0, 1, 1, 1];
const Bt = [1, 0, 1, 0, 1, 1];

describe('reference gemm', () => {
  it('multiplies, with each storage convention for A and B', () => {
    const expected = [4, 5, 10, 11];
    expect([...gemm({ a: A, b: B, m: 2, n: 2, k: 3 })]).toEqual(expected);
    expect([...gemm({ a: At, b: B, m: 2, n: 2, k: 3, transA: true })]).toEqual(expected);
    expect([...gemm({ a: A, b: Bt, m: 2, n: 2, k: 3, transB: true })]).toEqual(expected);
    expect([...gemm({ a: At, b: Bt, m: 2, n: 2, k: 3, transA: true, transB: true })]).toEqual(expected);
  });

  it('adds the bias to every row', () => {
    expect([...gemm({ a: A, b: B, bias: [0.5, -1], m: 2, n: 2, k: 3 })]).toEqual([4.5, 4, 10.5, 10]);
  });
});

describe('reference columnSum', () => {
  it('sums each column over the rows', () => {
    expect([...columnSum(A, 2, 3)]).toEqual([5, 7, 9]);
  });
});
