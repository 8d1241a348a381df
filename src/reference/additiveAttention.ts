/** Float64 twin of shaders/additiveAttention.wgsl (see there): scores and their gradients, time-major operands. */
import type { AdditiveDims } from '../kernels/additiveAttention';

const at = (x: ArrayLike<number>, offset: number, t: number, b: number, d: number, dims: AdditiveDims) => x[offset + (t * dims.batch + b) * dims.dim + d]!;

export function additiveScores(
  q: ArrayLike<number>,
  k: ArrayLike<number>,
  scale: ArrayLike<number> | null,
  dims: AdditiveDims,
  qOffset = 0,
  kOffset = 0,
): Float64Array {
  const s = new Float64Array(dims.tq * dims.batch * dims.tv);
  for (let i = 0; i < dims.tq; i++)
    for (let b = 0; b < dims.batch; b++)
      for (let j = 0; j < dims.tv; j++) {
        let sum = 0;
        for (let d = 0; d < dims.dim; d++) sum += (scale ? scale[d]! : 1) * Math.tanh(at(q, qOffset, i, b, d, dims) + at(k, kOffset, j, b, d, dims));
        s[(i * dims.batch + b) * dims.tv + j] = sum;
      }
  return s;
}

export function additiveBackward(
  q: ArrayLike<number>,
  k: ArrayLike<number>,
  scale: ArrayLike<number> | null,
  ds: ArrayLike<number>,
  dims: AdditiveDims,
  qOffset = 0,
  kOffset = 0,
): { dq: Float64Array; dk: Float64Array; dscale: Float64Array } {
  const dq = new Float64Array(dims.tq * dims.batch * dims.dim);
  const dk = new Float64Array(dims.tv * dims.batch * dims.dim);
  const dscale = new Float64Array(dims.dim);
  for (let i = 0; i < dims.tq; i++)
    for (let b = 0; b < dims.batch; b++)
      for (let j = 0; j < dims.tv; j++) {
        const g = ds[(i * dims.batch + b) * dims.tv + j]!;
        for (let d = 0; d < dims.dim; d++) {
          const t = Math.tanh(at(q, qOffset, i, b, d, dims) + at(k, kOffset, j, b, d, dims));
          const w = scale ? scale[d]! : 1;
          dq[(i * dims.batch + b) * dims.dim + d]! += w * g * (1 - t * t);
          dk[(j * dims.batch + b) * dims.dim + d]! += w * g * (1 - t * t);
          dscale[d]! += g * t;
        }
      }
  return { dq, dk, dscale };
}
