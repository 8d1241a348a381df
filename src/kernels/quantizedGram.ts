/** Records C += ZᵀZ exactly over Z's values in [−2, 2] rounded to 2⁻²⁴ (shaders/quantizedGram.wgsl; CPU twin src/reference/quantizedGram.ts). */
import quantizedGramShader from '../../shaders/quantizedGram.wgsl';
import { defineKernel, grid1d, type BufferRef } from '../gpu/kernel';
import type { Plan } from '../gpu/plan';

export const quantizeKernel = defineKernel(quantizedGramShader, 'quantize');
export const quantizedGramKernel = defineKernel(quantizedGramShader, 'gram');
const WG = 64;

/** The q scratch's columns: n rounded up to whole vec4s. */
export const quantizedGramColumns = (n: number): number => Math.ceil(n / 4) * 4;

/**
 * hi and lo: [n, n] each, zeros before the first call; the sum is hi + lo (add them in float64), on and above the
 * diagonal (below it: partial sums; mirror the upper triangle). Every value of Z must lie in [−2, 2]. q is scratch
 * for the rounded rows, [rows, quantizedGramColumns(n)] int32.
 */
export function recordQuantizedGram(
  plan: Plan,
  buf: { z: BufferRef; zOffset: number; q: BufferRef; hi: BufferRef; lo: BufferRef },
  dims: { rows: number; n: number },
): void {
  const uniforms = { rows: dims.rows, n: dims.n, z_offset: buf.zOffset, zero: 0 };
  plan.dispatch({
    kernel: quantizeKernel,
    constants: { WG },
    bindings: { z: buf.z, q_out: buf.q },
    uniforms,
    workgroups: grid1d(dims.rows * quantizedGramColumns(dims.n), WG),
  });
  const tiles = Math.ceil(dims.n / 4);
  plan.dispatch({
    kernel: quantizedGramKernel,
    constants: { WG },
    bindings: { q: buf.q, hi: buf.hi, lo: buf.lo },
    uniforms,
    workgroups: grid1d((tiles * (tiles + 1)) / 2, WG),
  });
}
