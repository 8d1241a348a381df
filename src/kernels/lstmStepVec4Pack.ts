/**
 * The layout conversions of shaders/lstmStepVec4Pack.wgsl around the register-blocked LSTM's steps: the
 * weights into the gate-interleaved scratch (pack), the initial state into compact h (init_state), and the
 * bias gradient back to Keras order (bias_grad).
 */
import lstmStepVec4PackShader from '../../shaders/lstmStepVec4Pack.wgsl';
import { defineKernel, grid1d, subRange, type BufferRef } from '../gpu/kernel';
import type { Plan } from '../gpu/plan';
import { initialSlot } from './direction';
import { lstmVec4Scratch } from './lstmStepVec4';
import type { CellDims } from './cell';

export const lstmPackKernel = defineKernel(lstmStepVec4PackShader, 'pack');
export const lstmInitStateKernel = defineKernel(lstmStepVec4PackShader, 'init_state');
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

/** The initial state's slot of h into the first half of compact h; zeros into the second. */
export function recordLstmInitState(plan: Plan, h: BufferRef, scratch: BufferRef, dims: CellDims, goBackwards: boolean): void {
  const { batch, units, timesteps } = dims;
  const layout = lstmVec4Scratch(batch, units, dims.features);
  plan.dispatch({
    kernel: lstmInitStateKernel,
    constants: { WG },
    bindings: { h_init: h, compact_h: subRange(scratch, 0, layout.total) },
    uniforms: { batch, units, h_offset: initialSlot(timesteps, goBackwards) * batch * units, hc: layout.hc.offset / 4 },
    workgroups: grid1d(2 * batch * Math.ceil(units / 4), WG),
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
