/** Float64 twin of shaders/clipping.wgsl: Keras's clipvalue, clipnorm (per tensor) and global_clipnorm. */
import type { ClipSpec, Segment } from '../kernels/clipping';

function sumOfSquares(g: ArrayLike<number>, from: number, to: number): number {
  let sum = 0;
  for (let i = from; i < to; i++) sum += g[i]! * g[i]!;
  return sum;
}

/** The gradient arena of `length` floats after clipping. `segments` are needed by mode 'norm' only. */
export function clip(grads: ArrayLike<number>, length: number, spec: ClipSpec, segments: readonly Segment[] = []): Float64Array {
  const out = Float64Array.from(Array.prototype.slice.call(grads, 0, length) as number[]);
  if (spec.mode === 'value') {
    const c = spec.clipValue;
    for (let i = 0; i < length; i++) out[i] = Math.min(c, Math.max(-c, out[i]!));
  } else if (spec.mode === 'norm') {
    // tf.clip_by_norm: g · c / max(‖g‖, c), for each tensor on its own.
    const c = spec.clipNorm;
    for (const s of segments) {
      const factor = c / Math.max(Math.sqrt(sumOfSquares(out, s.offset, s.offset + s.length)), c);
      for (let i = s.offset; i < s.offset + s.length; i++) out[i] = out[i]! * factor;
    }
  } else {
    // tf.clip_by_global_norm: every tensor times c / max(N, c); NaN everywhere when N is not finite.
    const c = spec.globalClipNorm;
    const norm = Math.sqrt(sumOfSquares(out, 0, length));
    const factor = Number.isFinite(norm) ? c / Math.max(norm, c) : Number.NaN;
    for (let i = 0; i < length; i++) out[i] = out[i]! * factor;
  }
  return out;
}

/** The L2 norm of each segment and of the whole arena (for tests and logging). */
export function gradientNorms(grads: ArrayLike<number>, length: number, segments: readonly Segment[]): { segments: number[]; global: number } {
  return {
    segments: segments.map((s) => Math.sqrt(sumOfSquares(grads, s.offset, s.offset + s.length))),
    global: Math.sqrt(sumOfSquares(grads, 0, length)),
  };
}
