/**
 * Records C += ZᵀZ exactly over Z's values in [−2, 2] rounded to 2⁻²⁴: `recordQuantize` rounds (and shifts) the
 * rows into q, `recordQuantizedGram` sums q's Gram matrix (shaders/quantizedGram.wgsl; CPU twin
 * src/reference/quantizedGram.ts).
 */
import quantizedGramShader from '../../shaders/quantizedGram.wgsl';
import { defineKernel, grid1d, type BufferRef } from '../gpu/kernel';
import type { Plan } from '../gpu/plan';

export const quantizeKernel = defineKernel(quantizedGramShader, 'quantize');
export const quantizedGramKernel = defineKernel(quantizedGramShader, 'gram');
const WG = 64;

/** q's columns: n rounded up to whole vec4s (the padding is 0). */
export const quantizedGramColumns = (n: number): number => Math.ceil(n / 4) * 4;

/**
 * q [rows, quantizedGramColumns(n)] int32 = round((z[r, col0 + j] − shift[col0 + j]) · 2²⁴), rows of z `stride`
 * floats apart from zOffset. Every shifted value must lie in [−2, 2] (outside: clamped).
 */
export function recordQuantize(
  plan: Plan,
  buf: { z: BufferRef; zOffset: number; shift: BufferRef; q: BufferRef },
  dims: { rows: number; n: number; stride?: number; col0?: number },
): void {
  plan.dispatch({
    kernel: quantizeKernel,
    constants: { WG },
    bindings: { z: buf.z, shift: buf.shift, q_out: buf.q },
    uniforms: { rows: dims.rows, n: dims.n, z_offset: buf.zOffset, z_stride: dims.stride ?? dims.n, col0: dims.col0 ?? 0, zero: 0 },
    workgroups: grid1d(dims.rows * quantizedGramColumns(dims.n), WG),
  });
}

/**
 * hi and lo: [n, n] each, zeros before the first call; the sum is hi + lo (add them in float64), on and above the
 * diagonal (below it: partial sums; mirror the upper triangle). q from recordQuantize, read from its row `row0`.
 */
export function recordQuantizedGram(plan: Plan, buf: { q: BufferRef; hi: BufferRef; lo: BufferRef }, dims: { rows: number; n: number; row0?: number }): void {
  const tiles = Math.ceil(dims.n / 4);
  plan.dispatch({
    kernel: quantizedGramKernel,
    constants: { WG },
    bindings: { q: buf.q, hi: buf.hi, lo: buf.lo },
    uniforms: { rows: dims.rows, n: dims.n, z_offset: dims.row0 ?? 0, z_stride: 0, col0: 0, zero: 0 },
    workgroups: grid1d((tiles * (tiles + 1)) / 2, WG),
  });
}
