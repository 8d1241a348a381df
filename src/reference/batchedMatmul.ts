/** Float64 twin of shaders/batchedMatmul.wgsl: O_b = alpha · s · A_b · B_b over strided operands (see there). */
import type { MatmulLayout } from '../kernels/batchedMatmul';

export function batchedMatmul(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  o: Float64Array,
  l: MatmulLayout,
  options: { alpha?: number; scale?: number; accumulate?: boolean } = {},
): void {
  const s = (options.alpha ?? 1) * (options.scale ?? 1);
  for (let n = 0; n < l.batches; n++) {
    for (let i = 0; i < l.m; i++) {
      for (let j = 0; j < l.n; j++) {
        let sum = 0;
        for (let k = 0; k < l.k; k++)
          sum += a[l.a.offset + n * l.a.batch + i * l.a.row + k * l.a.col]! * b[l.b.offset + n * l.b.batch + k * l.b.row + j * l.b.col]!;
        const at = l.o.offset + n * l.o.batch + i * l.o.row + j * l.o.col;
        o[at] = (options.accumulate ? o[at]! : 0) + s * sum;
      }
    }
  }
}
