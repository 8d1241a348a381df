/** Records out[j] = Σ_r A[r, j] into a plan. Math: shaders/columnSum.wgsl; CPU twin: src/reference/columnSum.ts. */
import columnSumShader from '../../shaders/columnSum.wgsl';
import { defineKernel, grid1d, type BufferRef } from '../gpu/kernel';
import type { Plan } from '../gpu/plan';

export const columnSumKernel = defineKernel(columnSumShader, 'main');
const WG = 64;

export function recordColumnSum(plan: Plan, a: BufferRef, out: BufferRef, rows: number, cols: number): void {
  plan.dispatch({
    kernel: columnSumKernel,
    constants: { WG },
    bindings: { a, out },
    uniforms: { rows, cols },
    workgroups: grid1d(cols, WG),
  });
}
