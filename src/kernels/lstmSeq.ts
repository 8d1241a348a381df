/**
 * The sequence-persistent LSTM of shaders/lstmSeq.wgsl: one dispatch loops over every timestep of a pass (one
 * workgroup per 4 batch rows) on the interleaved buffers of shaders/lstmStepVec4.wgsl, which src/kernels/lstmStep.ts
 * prepares (pack, initial compact state: lstmStepVec4Pack.ts) and surrounds with the GEMMs. Same buffers, bindings
 * and CPU twin as the per-step kernels.
 */
import lstmSeqShader from '../../shaders/lstmSeq.wgsl';
import { defineKernel, grid1d } from '../gpu/kernel';
import type { Plan } from '../gpu/plan';
import { backwardBindings, forwardBindings, lstmVec4Scratch, type Vec4BackwardBuffers, type Vec4ForwardBuffers } from './lstmStepVec4';
import type { CellDims } from './cell';

export const lstmForwardSeqKernel = defineKernel(lstmSeqShader, 'forward_seq');
export const lstmBackwardSeqKernel = defineKernel(lstmSeqShader, 'backward_seq');

/** Invocations per workgroup: one per 4-unit block up to 64 (more blocks loop), a multiple of 4 (SIMD width). */
export function lstmSeqWorkgroupSize(units: number): number {
  return Math.min(64, Math.ceil(Math.ceil(units / 4) / 4) * 4);
}

function seqUniforms(dims: CellDims, dyIsSequence: boolean) {
  const { batch, timesteps, units } = dims;
  const layout = lstmVec4Scratch(batch, units, dims.features);
  const common = { batch, units, timesteps, dy_is_sequence: dyIsSequence ? 1 : 0, hc: layout.hc.offset / 4, hc_half: layout.hc.half };
  return { ...common, features: dims.features, x_offset: 0, wp: layout.wp.offset / 4, bp: layout.bp.offset / 4 };
}

export function recordLstmForwardSeq(plan: Plan, buf: Vec4ForwardBuffers, dims: CellDims, constants: Record<string, number>): void {
  const { bindings, fused } = forwardBindings(buf, dims);
  plan.dispatch({
    kernel: lstmForwardSeqKernel,
    constants: { ...constants, WG: lstmSeqWorkgroupSize(dims.units) },
    bindings,
    uniforms: { ...seqUniforms(dims, false), ...fused },
    workgroups: grid1d(Math.ceil(dims.batch / 4), 1),
  });
}

export function recordLstmBackwardSeq(plan: Plan, buf: Vec4BackwardBuffers, dims: CellDims, constants: Record<string, number>, dyIsSequence: boolean): void {
  plan.dispatch({
    kernel: lstmBackwardSeqKernel,
    constants: { ...constants, WG: lstmSeqWorkgroupSize(dims.units) },
    bindings: backwardBindings(buf, dims),
    uniforms: seqUniforms(dims, dyIsSequence),
    workgroups: grid1d(Math.ceil(dims.batch / 4), 1),
  });
}
