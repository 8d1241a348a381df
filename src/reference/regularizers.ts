/** Float64 twin of shaders/regularizers.wgsl: L1/L2 gradient terms and the scaled penalty. */
import type { RegularizedSegment } from '../kernels/regularizers';

export interface RegularizerResult {
  /** The gradient arena after grads[seg] += l1·sign(w) + 2·l2·w. */
  grads: Float64Array;
  /** scale · Σ_segments Σ (l1·|w| + l2·w²), what the GPU adds into the accumulator. */
  penalty: number;
}

export function regularize(params: ArrayLike<number>, grads: ArrayLike<number>, segments: readonly RegularizedSegment[], scale: number): RegularizerResult {
  const out = Float64Array.from(grads);
  let penalty = 0;
  for (const s of segments) {
    for (let i = s.offset; i < s.offset + s.length; i++) {
      const w = params[i]!;
      out[i] += s.l1 * Math.sign(w) + 2 * s.l2 * w;
      penalty += s.l1 * Math.abs(w) + s.l2 * w * w;
    }
  }
  return { grads: out, penalty: scale * penalty };
}

/** The penalty alone, unscaled: the function whose gradient `regularize` adds (for finite differences). */
export function penalty(params: ArrayLike<number>, segments: readonly RegularizedSegment[]): number {
  return regularize(params, new Float64Array(params.length), segments, 1).penalty;
}
