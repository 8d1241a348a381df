/**
 * The register-blocked LSTM steps of shaders/lstmStepVec4.wgsl: a pack dispatch (U gate-interleaved into
 * scratch), then one forward or backward step per timestep over 4×4 blocks of (batch row, unit). Called by
 * src/kernels/lstmStep.ts, which records the GEMMs around the steps and picks the variant; same buffers and
 * CPU twin (src/reference/lstmStep.ts) as the plain steps.
 */
import source from '../../shaders/lstmStepVec4.wgsl?raw';
import { defineKernel, grid1d, type BufferRef } from '../gpu/kernel';
import type { Plan } from '../gpu/plan';
import { activationsSource } from './activations';
import { directionSource, timeOfStep } from './direction';

export const lstmPackKernel = defineKernel('lstmStepVec4', 'pack', activationsSource, directionSource, source);
export const lstmForwardVec4Kernel = defineKernel('lstmStepVec4', 'forward', activationsSource, directionSource, source);
export const lstmBackwardVec4Kernel = defineKernel('lstmStepVec4', 'backward', activationsSource, directionSource, source);
const WG = 64;

/** Floats of the scratch this variant needs, and where its parts start (256-byte aligned for binding). */
export function lstmVec4Scratch(batch: number, units: number) {
  const align = (floats: number) => Math.ceil(floats / 64) * 64;
  const packed = 4 * units * units;
  const dgi = 2 * 4 * batch * units;
  return { packed: { offset: 0, floats: packed }, dgi: { offset: align(packed), floats: dgi }, total: align(packed) + dgi };
}

/** A sub-range of `ref`, in floats. */
export function subRange(ref: BufferRef, offsetFloats: number, floats: number): BufferRef {
  const base = 'buffer' in ref ? ref : { buffer: ref, offset: 0 };
  return { buffer: base.buffer, offset: base.offset + offsetFloats * 4, size: floats * 4 };
}

export function recordLstmPack(plan: Plan, recurrentKernel: BufferRef, scratch: BufferRef, units: number, constants: Record<string, number>): void {
  const layout = lstmVec4Scratch(1, units);
  plan.dispatch({
    kernel: lstmPackKernel,
    constants: { WG: constants.WG! },
    bindings: { recurrent: recurrentKernel, packed: subRange(scratch, layout.packed.offset, layout.packed.floats) },
    uniforms: { units },
    workgroups: grid1d(units * units, WG),
  });
}

function blocks(batch: number, units: number): [number, number] {
  return grid1d(Math.ceil(batch / 4) * Math.ceil(units / 4), WG);
}

export function recordLstmForwardStepsVec4(
  plan: Plan,
  buf: { xproj: BufferRef; recurrentKernel: BufferRef; h: BufferRef; c: BufferRef; gates: BufferRef; scratch: BufferRef },
  dims: { batch: number; timesteps: number; units: number },
  constants: Record<string, number>,
  goBackwards: boolean,
): void {
  const { batch, timesteps, units } = dims;
  const layout = lstmVec4Scratch(batch, units);
  recordLstmPack(plan, buf.recurrentKernel, buf.scratch, units, constants);
  const packed = subRange(buf.scratch, layout.packed.offset, layout.packed.floats);
  for (let s = 0; s < timesteps; s++) {
    plan.dispatch({
      kernel: lstmForwardVec4Kernel,
      constants,
      bindings: { xproj: buf.xproj, packed_f: packed, h: buf.h, c: buf.c, gates: buf.gates },
      uniforms: { t: timeOfStep(s, timesteps, goBackwards), batch, units },
      workgroups: blocks(batch, units),
    });
  }
}

export function recordLstmBackwardStepsVec4(
  plan: Plan,
  buf: { recurrentKernel: BufferRef; gates: BufferRef; c: BufferRef; dy: BufferRef; dhLast: BufferRef; dc: BufferRef; dgates: BufferRef; scratch: BufferRef },
  dims: { batch: number; timesteps: number; units: number },
  constants: Record<string, number>,
  goBackwards: boolean,
  dyIsSequence: boolean,
): void {
  const { batch, timesteps, units } = dims;
  const layout = lstmVec4Scratch(batch, units);
  // Packed again here so a backward plan never depends on a forward recorded elsewhere (one cheap dispatch).
  recordLstmPack(plan, buf.recurrentKernel, buf.scratch, units, constants);
  const scratch = subRange(buf.scratch, 0, layout.total);
  for (let s = timesteps - 1; s >= 0; s--) {
    plan.dispatch({
      kernel: lstmBackwardVec4Kernel,
      constants,
      bindings: { saved_gates: buf.gates, saved_c: buf.c, dy: buf.dy, dh_last: buf.dhLast, dc: buf.dc, dgates: buf.dgates, scratch },
      uniforms: {
        t: timeOfStep(s, timesteps, goBackwards),
        batch,
        units,
        timesteps,
        dy_is_sequence: dyIsSequence ? 1 : 0,
        parity: (timesteps - 1 - s) % 2,
        half: batch * units,
        dgi_offset: layout.dgi.offset / 4,
      },
      workgroups: blocks(batch, units),
    });
  }
}
