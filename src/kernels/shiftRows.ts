/**
 * Records y = x − shift on every row, over columns col0 … col0 + cols − 1 of rows `stride` apart (default: all of
 * them) (shaders/shiftRows.wgsl; CPU twin src/reference/shiftRows.ts).
 */
import shiftRowsShader from '../../shaders/shiftRows.wgsl';
import { defineKernel, grid1d, type BufferRef } from '../gpu/kernel';
import type { Plan } from '../gpu/plan';

export const shiftRowsKernel = defineKernel(shiftRowsShader, 'main');
const WG = 64;

export function recordShiftRows(
  plan: Plan,
  buf: { x: BufferRef; xOffset: number; shift: BufferRef; y: BufferRef },
  dims: { rows: number; cols: number; stride?: number; col0?: number },
): void {
  plan.dispatch({
    kernel: shiftRowsKernel,
    constants: { WG },
    bindings: { x: buf.x, shift: buf.shift, y: buf.y },
    uniforms: { rows: dims.rows, cols: dims.cols, x_offset: buf.xOffset, x_stride: dims.stride ?? dims.cols, col0: dims.col0 ?? 0 },
    workgroups: grid1d(dims.rows * dims.cols, WG),
  });
}
