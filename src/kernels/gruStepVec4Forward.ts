/**
 * The register-blocked GRU's forward steps (shaders/gruStepVec4Forward.wgsl): per timestep one dispatch
 * (reset_after) or two (reset_before: z, r and r ⊙ h, then the candidate). src/kernels/gruStepVec4.ts records the
 * pack, the compact initial state and (many features) the input GEMM first, and picks the block shape.
 */
import gruStepVec4ForwardShader from '../../shaders/gruStepVec4Forward.wgsl';
import { defineKernel, subRange, type BufferRef } from '../gpu/kernel';
import type { Plan } from '../gpu/plan';
import type { CellDims } from './cell';
import { timeOfStep } from './direction';
import { stepMaskConstants, stepMaskBindings } from './sequenceMask';
import { gruVec4Scratch, gruVec4StepConstants, gruVec4StepGroups, type GruForwardBuffers, type GruKernelOptions, type GruVec4StepShape } from './gruPass';

const kernel = (entry: string) => defineKernel(gruStepVec4ForwardShader, entry);
export const gruVec4ForwardKernels = {
  forward: kernel('forward'),
  forward8: kernel('forward8'),
  forwardZr: kernel('forward_zr'),
  forwardZr8: kernel('forward8_zr'),
  forwardCandidate: kernel('forward_candidate'),
  forwardCandidate8: kernel('forward_candidate8'),
};

/**
 * The steps of a forward pass, in processing order. With `fused` the steps compute x_t·Wp + bp themselves (no
 * input GEMM ran; xproj is not read); `hcat` is reset_before's (required there).
 */
export function recordGruVec4ForwardSteps(
  plan: Plan,
  buf: GruForwardBuffers & { scratch: BufferRef },
  hcat: BufferRef | null,
  dims: CellDims,
  o: GruKernelOptions,
  shape: GruVec4StepShape,
  fused: boolean,
): void {
  const { batch, timesteps, features, units } = dims;
  const layout = gruVec4Scratch(batch, units, features, o.resetAfter);
  const scratch = subRange(buf.scratch, 0, layout.steps);
  const constants = { ...gruVec4StepConstants(o, shape.wg), FUSED_INPUT: fused ? 1 : 0, ...stepMaskConstants(buf.mask) };
  const mask = stepMaskBindings(buf.mask, false);
  const hc = layout.hc.offset / 4;
  const cq = hc + 2 * layout.hc.half;
  const fixed = {
    batch,
    units,
    timesteps,
    cq,
    uhq: layout.uhq.offset / 4,
    features,
    x_offset: buf.xOffset ?? 0,
    wp: layout.wp.offset / 4,
    bp: layout.bp.offset / 4,
  };
  const eight = shape.rows === 8;
  const workgroups = gruVec4StepGroups(dims, shape.rows, shape.wg);
  const k = gruVec4ForwardKernels;
  // reset before's first dispatch needs only the z and r sums of h_{t−1}·Up (lanes 0, 1): entries forward*_zr.
  const forward = o.resetAfter ? (eight ? k.forward8 : k.forward) : eight ? k.forwardZr8 : k.forwardZr;
  const candidate = eight ? k.forwardCandidate8 : k.forwardCandidate;
  for (let s = 0; s < timesteps; s++) {
    const uniforms = {
      t: timeOfStep(s, timesteps, o.goBackwards),
      hc_read: hc + (s % 2) * layout.hc.half,
      hc_write: hc + ((s + 1) % 2) * layout.hc.half,
      ...fixed,
    };
    plan.dispatch({
      kernel: forward,
      constants,
      bindings: { xproj: buf.xproj, x_in: buf.x, h: buf.h, gates: buf.gates, scratch, ...mask },
      uniforms,
      workgroups,
    });
    if (hcat) {
      plan.dispatch({ kernel: candidate, constants, bindings: { h: buf.h, gates: buf.gates, scratch, hcat, ...mask }, uniforms, workgroups });
    }
  }
}
