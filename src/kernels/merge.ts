/**
 * Records the merge layers' data movement: one input of a concatenation placed into its columns (and its gradient
 * taken back out), and y += α·x (Add, Average, and a functional model's sum of the gradients that reach one
 * tensor from several layers). Math: shaders/merge.wgsl; CPU twin: src/reference/merge.ts.
 */
import mergeShader from '../../shaders/merge.wgsl';
import { defineKernel, grid1d, type BufferRef } from '../gpu/kernel';
import type { Plan } from '../gpu/plan';

export const placeKernel = defineKernel(mergeShader, 'place');
export const takeKernel = defineKernel(mergeShader, 'take');
export const scaledAddKernel = defineKernel(mergeShader, 'scaled_add');
export const maskColumnsKernel = defineKernel(mergeShader, 'mask_columns');
const WG = 64;

/** One input's block of a concatenation on the last axis: `cols` of the output's `outCols`, from column `colOffset`. */
export interface ColumnBlock {
  rows: number;
  cols: number;
  outCols: number;
  colOffset: number;
}

/** out[r, colOffset + c] = x[xOffset + r·cols + c]. */
export function recordPlace(plan: Plan, buf: { x: BufferRef; xOffset: number; out: BufferRef }, d: ColumnBlock): void {
  plan.dispatch({
    kernel: placeKernel,
    constants: { WG },
    bindings: { x: buf.x, out: buf.out },
    uniforms: { rows: d.rows, cols: d.cols, out_cols: d.outCols, col_offset: d.colOffset, x_offset: buf.xOffset, y_offset: 0, alpha: 1, batch: 1 },
    workgroups: grid1d(d.rows * d.cols, WG),
  });
}

/** dx[r·cols + c] = dout[r, colOffset + c] (dx compact). */
export function recordTake(plan: Plan, buf: { dout: BufferRef; dx: BufferRef }, d: ColumnBlock): void {
  plan.dispatch({
    kernel: takeKernel,
    constants: { WG },
    bindings: { x: buf.dout, out: buf.dx },
    uniforms: { rows: d.rows, cols: d.cols, out_cols: d.outCols, col_offset: d.colOffset, x_offset: 0, y_offset: 0, alpha: 1, batch: 1 },
    workgroups: grid1d(d.rows * d.cols, WG),
  });
}

/** y[yOffset + i] += alpha · x[xOffset + i] for i < length. x and y must be different buffers. */
export function recordScaledAdd(plan: Plan, buf: { x: BufferRef; xOffset?: number; y: BufferRef; yOffset?: number }, length: number, alpha = 1): void {
  plan.dispatch({
    kernel: scaledAddKernel,
    constants: { WG },
    bindings: { x: buf.x, out: buf.y },
    uniforms: { rows: 1, cols: length, out_cols: 0, col_offset: 0, x_offset: buf.xOffset ?? 0, y_offset: buf.yOffset ?? 0, alpha, batch: 1 },
    workgroups: grid1d(length, WG),
  });
}

/**
 * Attention scores [Tq, batch, Tv] (time-major rows, `rows` = Tq·batch) at the value steps a timestep mask
 * [Tv·batch] marks as padding: −1e9 added, so the softmax after gives them no weight.
 */
export function recordMaskColumns(plan: Plan, buf: { mask: BufferRef; scores: BufferRef }, d: { rows: number; cols: number; batch: number }): void {
  plan.dispatch({
    kernel: maskColumnsKernel,
    constants: { WG },
    bindings: { x: buf.mask, out: buf.scores },
    uniforms: { rows: d.rows, cols: d.cols, out_cols: 0, col_offset: 0, x_offset: 0, y_offset: 0, alpha: 1, batch: d.batch },
    workgroups: grid1d(d.rows * d.cols, WG),
  });
}
