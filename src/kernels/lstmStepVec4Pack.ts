/**
 * The layout conversions of shaders/lstmStepVec4Pack.wgsl around the register-blocked LSTM's steps: the
 * weights into the gate-interleaved scratch (pack) and the bias gradient back to Keras order (bias_grad). The
 * initial state's compact copy comes from src/kernels/compactState.ts.
 */
import lstmStepVec4PackShader from '../../shaders/lstmStepVec4Pack.wgsl';
import { defineKernel, grid1d, subRange, type BufferRef } from '../gpu/kernel';
import type { Plan } from '../gpu/plan';
import { lstmVec4Scratch } from './lstmStepVec4';
import type { CellDims } from './cell';

export const lstmPackKernel = defineKernel(lstmStepVec4PackShader, 'pack');
export const lstmBiasGradKernel = defineKernel(lstmStepVec4PackShader, 'bias_grad');
const WG = 64;

/** Up, Wp and (given the bias: the forward pass) bp into scratch from the Keras-layout weights. */
export function recordLstmPack(plan: Plan, w: { kernel: BufferRef; recurrentKernel: BufferRef; bias?: BufferRef; scratch: BufferRef }, dims: CellDims): void {
  const { units, features } = dims;
  const layout = lstmVec4Scratch(dims.batch, units, features);
  plan.dispatch({
    kernel: lstmPackKernel,
    constants: { WG },
    // Without a bias the binding still needs a (read-only) buffer, and the dispatch stops before bp.
    bindings: { recurrent: w.recurrentKernel, kernel: w.kernel, bias: w.bias ?? w.recurrentKernel, packed: subRange(w.scratch, 0, layout.total) },
    uniforms: { units, features, wp: layout.wp.offset / 4, bp: layout.bp.offset / 4 },
    workgroups: grid1d(units * units + features * units + (w.bias ? units : 0), WG),
  });
}

/** db (Keras order) from the interleaved gate gradients [rows, u] vec4. */
export function recordLstmBiasGrad(plan: Plan, dgates: BufferRef, dBias: BufferRef, rows: number, units: number): void {
  plan.dispatch({
    kernel: lstmBiasGradKernel,
    constants: { WG },
    bindings: { dg_sum: dgates, db: dBias },
    uniforms: { rows, units },
    workgroups: grid1d(units, WG),
  });
}
