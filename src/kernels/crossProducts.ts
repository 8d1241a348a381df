/** Records C += Aᵀ·B in double-float (shaders/crossProducts.wgsl; CPU twin src/reference/crossProducts.ts). */
import crossProductsShader from '../../shaders/crossProducts.wgsl';
import { defineKernel, grid1d, type BufferRef } from '../gpu/kernel';
import type { Plan } from '../gpu/plan';

export const crossProductsKernel = defineKernel(crossProductsShader, 'main');
const WG = 64;

/**
 * hi and lo: [aCols, bCols] each, zeros before the first call; the sum is hi + lo (add them in float64).
 * `symmetric`: A and B are the same rows (a Gram matrix): only the upper triangle i ≤ j is written.
 * `aStride`: A's rows are that far apart (default aCols). `aFixed`: A is ./quantizedGram.ts's q, integers standing
 * for q·2⁻²⁴.
 */
export function recordCrossProducts(
  plan: Plan,
  buf: { a: BufferRef; aOffset: number; b: BufferRef; bOffset: number; hi: BufferRef; lo: BufferRef },
  dims: { rows: number; aCols: number; bCols: number; symmetric?: boolean; aStride?: number; aFixed?: boolean },
): void {
  const symmetric = dims.symmetric === true;
  if (symmetric && dims.aCols !== dims.bCols) throw new Error(`crossProducts: a symmetric product needs aCols = bCols; got ${dims.aCols}, ${dims.bCols}`);
  plan.dispatch({
    kernel: crossProductsKernel,
    constants: { WG, A_FIXED: dims.aFixed === true ? 1 : 0 },
    // A is bound both ways (read-only); the override picks which view the shader reads.
    bindings: { a: buf.a, a_fixed: buf.a, b: buf.b, hi: buf.hi, lo: buf.lo },
    uniforms: {
      rows: dims.rows,
      a_cols: dims.aCols,
      b_cols: dims.bCols,
      a_offset: buf.aOffset,
      b_offset: buf.bOffset,
      a_stride: dims.aStride ?? dims.aCols,
      zero: 0,
      symmetric: symmetric ? 1 : 0,
    },
    workgroups: grid1d(symmetric ? (dims.aCols * (dims.aCols + 1)) / 2 : dims.aCols * dims.bCols, WG),
  });
}
