/** Float64 twin of shaders/gemm.wgsl: C[M, N] = act(op(A)·op(B) + bias), same storage conventions. */
import type { ActivationName } from '../kernels/activations';
import { act } from './activations';

export interface GemmReferenceArgs {
  a: ArrayLike<number>;
  b: ArrayLike<number>;
  bias?: ArrayLike<number>;
  m: number;
  n: number;
  k: number;
  transA?: boolean;
  transB?: boolean;
  activation?: ActivationName;
}

export function gemm({ a, b, bias, m, n, k, transA = false, transB = false, activation = 'linear' }: GemmReferenceArgs): Float64Array {
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let sum = bias ? bias[j]! : 0;
      for (let p = 0; p < k; p++) {
        const av = transA ? a[p * m + i]! : a[i * k + p]!;
        const bv = transB ? b[j * k + p]! : b[p * n + j]!;
        sum += av * bv;
      }
      c[i * n + j] = act(sum, activation);
    }
  }
  return c;
}
