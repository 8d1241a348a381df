/** Records a square matrix's column-wise non-zero lists (shaders/sparseColumns.wgsl; CPU twin src/reference/sparseColumns.ts). */
import sparseColumnsShader from '../../shaders/sparseColumns.wgsl';
import { defineKernel, grid1d, type BufferRef } from '../gpu/kernel';
import type { Plan } from '../gpu/plan';

export const sparseColumnsKernel = defineKernel(sparseColumnsShader, 'main');
const WG = 64;

/** Floats the packed form of an [n, n] matrix takes: a count per column and room for every entry. */
export const sparseColumnsFloats = (n: number): number => n + 2 * n * n;

export function recordSparseColumns(plan: Plan, buf: { w: BufferRef; packed: BufferRef }, n: number): void {
  plan.dispatch({
    kernel: sparseColumnsKernel,
    constants: { WG },
    bindings: { w: buf.w, packed: buf.packed },
    uniforms: { n },
    workgroups: grid1d(n, WG),
  });
}
