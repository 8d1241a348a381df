/**
 * The register-blocked GRU's backward steps (shaders/gruStepVec4Backward.wgsl): per timestep, last to first, one
 * dispatch (reset_after) or two (reset_before: dz, da and dh, then dr and carry), then the initial state's
 * gradient once. src/kernels/gruStepVec4.ts records the pack before them and the weight gradients after, and
 * picks the block shape.
 */
import gruStepVec4BackwardShader from '../../shaders/gruStepVec4Backward.wgsl';
import { defineKernel, subRange, type BufferRef } from '../gpu/kernel';
import type { Plan } from '../gpu/plan';
import type { CellDims } from './cell';
import { timeOfStep } from './direction';
import { stepMaskConstants, stepMaskBindings } from './sequenceMask';
import { gruVec4Scratch, gruVec4StepConstants, gruVec4StepGroups, type GruBackwardBuffers, type GruKernelOptions, type GruVec4StepShape } from './gruPass';

const kernel = (entry: string) => defineKernel(gruStepVec4BackwardShader, entry);
export const gruVec4BackwardKernels = {
  backward: kernel('backward'),
  backward8: kernel('backward8'),
  backwardUpdate: kernel('backward_update'),
  backwardUpdate8: kernel('backward_update8'),
  backwardReset: kernel('backward_reset'),
  backwardReset8: kernel('backward_reset8'),
  initialGrad: kernel('initial_grad'),
};

/**
 * The steps of a backward pass into dG = buf.dgh ([T, B, u] vec4, dz, dr, dGh_h, da) and `carry`, then dh0.
 * `hcat` is reset_before's (required there): the steps write da into its first block.
 */
export function recordGruVec4BackwardSteps(
  plan: Plan,
  buf: GruBackwardBuffers & { scratch: BufferRef },
  hcat: BufferRef | null,
  dims: CellDims,
  o: GruKernelOptions,
  shape: GruVec4StepShape,
  dyIsSequence: boolean,
): void {
  const { batch, timesteps, features, units } = dims;
  const layout = gruVec4Scratch(batch, units, features, o.resetAfter);
  const scratch = subRange(buf.scratch, 0, layout.steps);
  const dg = buf.dgh;
  const constants = gruVec4StepConstants(o, shape.wg);
  const fixed = { batch, units, timesteps, dy_is_sequence: dyIsSequence ? 1 : 0, cq: layout.hc.offset / 4 + 2 * layout.hc.half, uht: layout.uht.offset / 4 };
  const workgroups = gruVec4StepGroups(dims, shape.rows, shape.wg);
  const b = gruVec4BackwardKernels;
  const k =
    shape.rows === 8
      ? { backward: b.backward8, update: b.backwardUpdate8, reset: b.backwardReset8 }
      : { backward: b.backward, update: b.backwardUpdate, reset: b.backwardReset };
  const stepBindings = { scratch, saved_gates: buf.gates, saved_h: buf.h, carry: buf.carry, dgates: dg, ...stepMaskBindings(buf.mask, false) };
  const stepConstants = { ...constants, ...stepMaskConstants(buf.mask) };
  // dh_T enters through carry (shaders/gruStepVec4Backward.wgsl), which also takes dh past masked steps.
  plan.copy(buf.dhLast, buf.carry, batch * units);
  for (let s = timesteps - 1; s >= 0; s--) {
    const uniforms = { t: timeOfStep(s, timesteps, o.goBackwards), ...fixed };
    const io = { dy: buf.dy };
    if (hcat) {
      plan.dispatch({ kernel: k.update, constants: stepConstants, bindings: { ...stepBindings, ...io, hcat }, uniforms, workgroups });
      plan.dispatch({ kernel: k.reset, constants: stepConstants, bindings: stepBindings, uniforms, workgroups });
    } else {
      plan.dispatch({ kernel: k.backward, constants: stepConstants, bindings: { ...stepBindings, ...io }, uniforms, workgroups });
    }
  }
  plan.dispatch({
    kernel: b.initialGrad,
    constants: stepConstants,
    bindings: { scratch, carry: buf.carry, dgates: dg, dh0: buf.dh0, ...stepMaskBindings(buf.mask, false) },
    uniforms: { t: timeOfStep(0, timesteps, o.goBackwards), ...fixed },
    workgroups: gruVec4StepGroups(dims, 4, shape.wg),
  });
}
