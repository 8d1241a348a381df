/** Records an echo-state layer's [u_t; x_t] output and its gradient (shaders/concatInput.wgsl; CPU twin src/reference/concatInput.ts). */
import concatInputShader from '../../shaders/concatInput.wgsl';
import { defineKernel, grid1d, type BufferRef } from '../gpu/kernel';
import type { Plan } from '../gpu/plan';

export const concatInputKernel = defineKernel(concatInputShader, 'concat');
export const splitStateGradKernel = defineKernel(concatInputShader, 'split_x');
export const addInputGradKernel = defineKernel(concatInputShader, 'add_u');
const WG = 64;

/**
 * Shapes: `rows` output rows of nu input features then nx state units. `reverseBatch`: the output is a goBackwards
 * sequence in processing order, output row t·batch + b from input row (T−1−t)·batch + b; else row for row.
 */
export interface ConcatInputDims {
  rows: number;
  nu: number;
  nx: number;
  reverseBatch?: number;
}

const uniforms = (d: ConcatInputDims, uOffset: number, xOffset: number) => ({
  rows: d.rows,
  nu: d.nu,
  nx: d.nx,
  u_offset: uOffset,
  x_offset: xOffset,
  batch: d.reverseBatch ?? 1,
});

const constants = (d: ConcatInputDims) => ({ WG, REVERSE: d.reverseBatch === undefined ? 0 : 1 });

/** out [rows, nu + nx] = [u rows; x rows]. */
export function recordConcatInput(plan: Plan, buf: { u: BufferRef; uOffset: number; x: BufferRef; xOffset: number; out: BufferRef }, d: ConcatInputDims): void {
  plan.dispatch({
    kernel: concatInputKernel,
    constants: constants(d),
    bindings: { u: buf.u, x: buf.x, out: buf.out },
    uniforms: uniforms(d, buf.uOffset, buf.xOffset),
    workgroups: grid1d(d.rows * (d.nu + d.nx), WG),
  });
}

/** dState [rows, nx] = dOut's state columns. */
export function recordSplitStateGrad(plan: Plan, buf: { dOut: BufferRef; dState: BufferRef }, d: ConcatInputDims): void {
  plan.dispatch({
    kernel: splitStateGradKernel,
    constants: constants(d),
    bindings: { dout: buf.dOut, dx_state: buf.dState },
    uniforms: uniforms(d, 0, 0),
    workgroups: grid1d(d.rows * d.nx, WG),
  });
}

/** dU (from duOffset, laid out as u) += dOut's input columns, each on the input row it came from. */
export function recordAddInputGrad(plan: Plan, buf: { dOut: BufferRef; dU: BufferRef; duOffset: number }, d: ConcatInputDims): void {
  plan.dispatch({
    kernel: addInputGradKernel,
    constants: constants(d),
    bindings: { dout: buf.dOut, du: buf.dU },
    uniforms: uniforms(d, buf.duOffset, 0),
    workgroups: grid1d(d.rows * d.nu, WG),
  });
}
