/**
 * The sequence-persistent LSTM of shaders/lstmSeq.wgsl: a pack dispatch, then one dispatch that loops over every
 * timestep (one workgroup per 4 batch rows). Called by src/kernels/lstmStep.ts, which records the GEMMs around
 * the recurrence and picks the variant; same buffers, scratch and CPU twin as the per-step kernels.
 */
import seqSource from '../../shaders/lstmSeq.wgsl?raw';
import vec4Source from '../../shaders/lstmStepVec4.wgsl?raw';
import { defineKernel, grid1d, type BufferRef } from '../gpu/kernel';
import type { Plan } from '../gpu/plan';
import { activationsSource } from './activations';
import { directionSource } from './direction';
import { lstmVec4Scratch, recordLstmPack, subRange } from './lstmStepVec4';

export const lstmForwardSeqKernel = defineKernel('lstmSeq', 'forward_seq', activationsSource, directionSource, vec4Source, seqSource);
export const lstmBackwardSeqKernel = defineKernel('lstmSeq', 'backward_seq', activationsSource, directionSource, vec4Source, seqSource);

/** Invocations per workgroup: one per 4-unit block up to 64 (more blocks loop), a multiple of 4 (SIMD width). */
export function lstmSeqWorkgroupSize(units: number): number {
  return Math.min(64, Math.ceil(Math.ceil(units / 4) / 4) * 4);
}

function seqUniforms(dims: { batch: number; timesteps: number; units: number }, dyIsSequence: boolean) {
  const { batch, timesteps, units } = dims;
  return { batch, units, timesteps, dy_is_sequence: dyIsSequence ? 1 : 0, half: batch * units, dgi_offset: lstmVec4Scratch(batch, units).dgi.offset / 4 };
}

export function recordLstmForwardSeq(
  plan: Plan,
  buf: { xproj: BufferRef; recurrentKernel: BufferRef; h: BufferRef; c: BufferRef; gates: BufferRef; scratch: BufferRef },
  dims: { batch: number; timesteps: number; units: number },
  constants: Record<string, number>,
): void {
  const { batch, units } = dims;
  const layout = lstmVec4Scratch(batch, units);
  recordLstmPack(plan, buf.recurrentKernel, buf.scratch, units, constants);
  plan.dispatch({
    kernel: lstmForwardSeqKernel,
    constants: { ...constants, WG: lstmSeqWorkgroupSize(units) },
    bindings: { xproj: buf.xproj, packed_f: subRange(buf.scratch, layout.packed.offset, layout.packed.floats), h: buf.h, c: buf.c, gates: buf.gates },
    uniforms: seqUniforms(dims, false),
    workgroups: grid1d(Math.ceil(batch / 4), 1),
  });
}

export function recordLstmBackwardSeq(
  plan: Plan,
  buf: { recurrentKernel: BufferRef; gates: BufferRef; c: BufferRef; dy: BufferRef; dhLast: BufferRef; dc: BufferRef; dgates: BufferRef; scratch: BufferRef },
  dims: { batch: number; timesteps: number; units: number },
  constants: Record<string, number>,
  dyIsSequence: boolean,
): void {
  const { batch, units } = dims;
  const layout = lstmVec4Scratch(batch, units);
  recordLstmPack(plan, buf.recurrentKernel, buf.scratch, units, constants);
  plan.dispatch({
    kernel: lstmBackwardSeqKernel,
    constants: { ...constants, WG: lstmSeqWorkgroupSize(units) },
    bindings: { saved_gates: buf.gates, saved_c: buf.c, dy: buf.dy, dh_last: buf.dhLast, dc: buf.dc, dgates: buf.dgates, scratch: subRange(buf.scratch, 0, layout.total) },
    uniforms: seqUniforms(dims, dyIsSequence),
    workgroups: grid1d(Math.ceil(batch / 4), 1),
  });
}
