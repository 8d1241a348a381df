/**
 * The per-step backward dispatches of the register-blocked LSTM (shaders/lstmStepVec4Backward.wgsl): one per
 * timestep in reverse processing order, 4- or 8-row blocks by the batch (lstmStepVec4.ts), after the pack.
 */
import lstmStepVec4BackwardShader from '../../shaders/lstmStepVec4Backward.wgsl';
import { defineKernel } from '../gpu/kernel';
import type { Plan } from '../gpu/plan';
import { timeOfStep } from './direction';
import { backwardBindings, STEP_WG, stepRows, stepWorkgroups, type Vec4BackwardBuffers } from './lstmStepVec4';
import type { CellDims } from './cell';

export const lstmBackwardVec4Kernel = defineKernel(lstmStepVec4BackwardShader, 'backward');
export const lstmBackwardVec4Kernel8 = defineKernel(lstmStepVec4BackwardShader, 'backward8');

export function recordLstmBackwardStepsVec4(
  plan: Plan,
  buf: Vec4BackwardBuffers,
  dims: CellDims,
  constants: Record<string, number>,
  goBackwards: boolean,
  dyIsSequence: boolean,
): void {
  const { batch, timesteps, units } = dims;
  const bindings = backwardBindings(buf, dims);
  for (let s = timesteps - 1; s >= 0; s--) {
    plan.dispatch({
      kernel: stepRows(batch) === 8 ? lstmBackwardVec4Kernel8 : lstmBackwardVec4Kernel,
      constants: { ...constants, WG: STEP_WG },
      bindings,
      uniforms: { t: timeOfStep(s, timesteps, goBackwards), batch, units, timesteps, dy_is_sequence: dyIsSequence ? 1 : 0 },
      workgroups: stepWorkgroups(batch, units),
    });
  }
}
