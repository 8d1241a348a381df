/**
 * The per-step forward dispatches of the register-blocked LSTM (shaders/lstmStepVec4Forward.wgsl): one per
 * timestep, 4- or 8-row blocks by the batch (lstmStepVec4.ts), after the pack and the initial compact state.
 */
import lstmStepVec4ForwardShader from '../../shaders/lstmStepVec4Forward.wgsl';
import { defineKernel } from '../gpu/kernel';
import type { Plan } from '../gpu/plan';
import { timeOfStep } from './direction';
import { forwardBindings, lstmVec4Scratch, STEP_WG, stepRows, stepWorkgroups, type Vec4ForwardBuffers } from './lstmStepVec4';
import type { CellDims } from './cell';

export const lstmForwardVec4Kernel = defineKernel(lstmStepVec4ForwardShader, 'forward');
export const lstmForwardVec4Kernel8 = defineKernel(lstmStepVec4ForwardShader, 'forward8');

/**
 * Up to this many input features the forward step computes x·W + b itself (FUSED_INPUT) instead of reading an
 * input GEMM's output: per 4×4 block it loads 4·F x scalars and 4·(F+1) Wp/bp vec4s where xproj costs 16 vec4s,
 * and the GEMM (store-bound for few features) disappears. Faster at every size measured, up to 32 features:
 * bench/results/lstm-kernels.md, "Fused input".
 */
export const LSTM_FUSED_INPUT_MAX_FEATURES = 32;

export function recordLstmForwardStepsVec4(plan: Plan, buf: Vec4ForwardBuffers, dims: CellDims, constants: Record<string, number>, goBackwards: boolean): void {
  const { batch, timesteps, units } = dims;
  const layout = lstmVec4Scratch(batch, units, dims.features);
  const hc = layout.hc.offset / 4;
  const { bindings, fused } = forwardBindings(buf, dims);
  for (let s = 0; s < timesteps; s++) {
    plan.dispatch({
      kernel: stepRows(batch) === 8 ? lstmForwardVec4Kernel8 : lstmForwardVec4Kernel,
      constants: { ...constants, WG: STEP_WG },
      bindings,
      uniforms: {
        t: timeOfStep(s, timesteps, goBackwards),
        batch,
        units,
        hc_read: hc + (s % 2) * layout.hc.half,
        hc_write: hc + ((s + 1) % 2) * layout.hc.half,
        ...fused,
      },
      workgroups: stepWorkgroups(batch, units),
    });
  }
}
