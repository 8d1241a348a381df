/**
 * Records a whole GRU sequence, forward or backward, into a plan: one GEMM for the input projection of all
 * timesteps, then per timestep one fused step (resetAfter) or two dispatches (reset before, see the WGSL
 * header), and after the backward loop the weight-gradient GEMMs and column sums; or the same pass with the
 * register-blocked vec4 variant (src/kernels/gruStepVec4.ts), as defaultGruVariant picks. Math: shaders/gruStep.wgsl;
 * CPU twin: src/reference/gruStep.ts. Buffers are time-major (row r = t·batch + b), indexed by input time in
 * both directions (shaders/direction.wgsl). A masked pass (buf.mask with values) runs the plain kernels only.
 */
import gruStepShader from '../../shaders/gruStep.wgsl';
import { ValueError } from '../errors';
import { defineKernel, grid1d, type BufferRef } from '../gpu/kernel';
import type { Plan } from '../gpu/plan';
import { recordColumnSum } from './columnSum';
import { previousStatesSlot, timeOfStep } from './direction';
import { recordGemm } from './gemm';
import { gruVec4Scratch, type GruBackwardBuffers, type GruForwardBuffers, type GruKernelOptions } from './gruPass';
import { GRU_FUSED_INPUT_MAX_FEATURES, recordGruBackwardVec4, recordGruForwardVec4 } from './gruStepVec4';
import { stepConstants, variantScratch, type CellDims } from './cell';
import { recurrentGemmInput } from './recurrentDropout';
import { stepMaskConstants, stepMaskBindings, type StepMask } from './sequenceMask';
export { GRU_FUSED_INPUT_MAX_FEATURES };
// The options and buffers of a pass live in ./gruPass (the vec4 family needs them too); this module's API keeps them.
export type { GruBackwardBuffers, GruForwardBuffers, GruKernelOptions, GruVec4Tuning } from './gruPass';

const gru = (entry: string) => defineKernel(gruStepShader, entry);
export const gruKernels = {
  forward: gru('forward'),
  forwardGates: gru('forward_gates'),
  forwardCandidate: gru('forward_candidate'),
  backward: gru('backward'),
  backwardUpdate: gru('backward_update'),
  backwardReset: gru('backward_reset'),
  initialGrad: gru('initial_grad'),
};
const WG = 64;

/**
 * The kernels that run the recurrence: 'step' is the plain per-step kernel (shaders/gruStep.wgsl), 'vec4' the
 * register-blocked, gate-interleaved one (shaders/gruStepVec4*.wgsl, needs the `scratch` buffer; its xproj,
 * gates and dgh buffers have their own sizes and layout, from gruSizes). Same results from the same inputs.
 */
export type GruVariant = 'step' | 'vec4';
export const GRU_VARIANTS: readonly GruVariant[] = ['step', 'vec4'];

/**
 * The variant a plan uses when the caller does not say, chosen by measurement on each kind of adapter
 * (bench/results/gru-kernels.md, "Which variant"). On SwiftShader (`adapter.isFallback`) the vec4 blocks win
 * once there are enough rows: a batch of 4 or more and 32 or more rows·steps, the LSTM's rule for the same
 * reasons (with few rows·steps the pack of the weights, once per pass, outweighs the steps, and 4-row blocks waste
 * rows under a batch of 4). On a real GPU a step is latency-bound and the plain kernel, with 16 times the
 * invocations, wins reset_after; reset_before (two dispatches per step and a 2·T·B-row dU GEMM in its plain form)
 * runs vec4 there as well once it has enough rows.
 */
export function defaultGruVariant(dims: CellDims, adapter: { isFallback: boolean } = { isFallback: true }, resetAfter = true): GruVariant {
  const enoughRows = dims.batch >= 4 && dims.batch * dims.timesteps >= 32;
  if (!adapter.isFallback) return !resetAfter && enoughRows ? 'vec4' : 'step';
  return enoughRows ? 'vec4' : 'step';
}

/**
 * Float counts of every buffer a forward/backward pass with `variant` touches, so callers allocate exactly.
 * The vec4 variant computes x·W + b inside the step for up to GRU_FUSED_INPUT_MAX_FEATURES features and never
 * touches xproj, nor dgx (4: a binding's minimum); it keeps vec4 per (row, unit) in xproj, gates and dgh.
 */
export function gruSizes(dims: CellDims, resetAfter: boolean, variant: GruVariant = defaultGruVariant(dims)) {
  const { batch, timesteps, features, units } = dims;
  const rows = timesteps * batch;
  const vec4 = variant === 'vec4';
  const fused = vec4 && features <= GRU_FUSED_INPUT_MAX_FEATURES;
  return {
    /** Scratch of the vec4 variant (packed weights, compact states, the gradient unpack); any variant takes it. */
    scratch: gruVec4Scratch(batch, units, features, resetAfter).total,
    x: rows * features,
    kernel: features * 3 * units,
    recurrentKernel: units * 3 * units,
    /** One bias row [3u]: the input bias, or (resetAfter) the recurrent bias. */
    biasRow: 3 * units,
    xproj: fused ? 4 : rows * (vec4 ? 4 : 3) * units,
    /** Saved per step: (z, r, hh, n) with resetAfter, (z, r, hh) without; vec4: 4 per unit either way. */
    gates: rows * (resetAfter || vec4 ? 4 : 3) * units,
    /** Reset before only: [H_{t−1}; R ⊙ H_{t−1}] (vec4: [DA; R ⊙ H_{t−1}], see its WGSL header). */
    hcat: 2 * rows * units,
    dgx: vec4 ? 4 : rows * 3 * units,
    /** The plain kernel's reset before stacks two blocks, see its WGSL header; vec4 is [T, B, u] vec4. */
    dgh: vec4 ? rows * 4 * units : (resetAfter ? 1 : 2) * rows * 3 * units,
    state: batch * units,
    /** h keeps every step plus the initial state. */
    states: (timesteps + 1) * batch * units,
    sequence: rows * units,
  };
}

function need(ref: BufferRef | undefined, name: string, mode: string): BufferRef {
  if (!ref) throw new ValueError(`gruStep: ${mode} needs the '${name}' buffer; got none`);
  return ref;
}

/** The override constants of the plain step entries: stepConstants and whether the pass is masked. */
function plainConstants(o: GruKernelOptions, mask: StepMask | null | undefined): Record<string, number> {
  return { ...stepConstants(WG, o), ...stepMaskConstants(mask) };
}

export function recordGruForward(plan: Plan, buf: GruForwardBuffers, dims: CellDims, o: GruKernelOptions, variant: GruVariant): void {
  const { batch, timesteps, features, units } = dims;
  if (variant === 'vec4') {
    const size = gruSizes(dims, o.resetAfter, 'vec4');
    recordGruForwardVec4(plan, { ...buf, scratch: variantScratch('gru', variant, buf.scratch) }, dims, o, size.xproj, size.gates);
    return;
  }
  recordGemm(plan, { a: buf.x, aOffset: buf.xOffset ?? 0, b: buf.kernel, bias: buf.bias, c: buf.xproj, m: timesteps * batch, n: 3 * units, k: features });
  const workgroups = grid1d(batch * units, WG);
  const constants = plainConstants(o, buf.mask);
  const common = { xproj: buf.xproj, recurrent: buf.recurrentKernel, h: buf.h, gates: buf.gates };
  // Every entry binds the step mask: the ones that write h read it, and all read a recurrent dropout keep there.
  const mask = stepMaskBindings(buf.mask, false);
  const recurrentBias = o.resetAfter ? need(buf.recurrentBias, 'recurrentBias', 'resetAfter') : null;
  const hcat = o.resetAfter ? null : need(buf.hcat, 'hcat', 'reset before');
  for (let s = 0; s < timesteps; s++) {
    const uniforms = { t: timeOfStep(s, timesteps, o.goBackwards), batch, units, timesteps, bias_offset: buf.recurrentBiasOffset ?? 0 };
    if (recurrentBias) {
      plan.dispatch({ kernel: gruKernels.forward, constants, bindings: { ...common, recurrent_bias: recurrentBias, ...mask }, uniforms, workgroups });
    } else {
      const bindings = { ...common, hcat: hcat!, ...mask };
      plan.dispatch({ kernel: gruKernels.forwardGates, constants, bindings, uniforms, workgroups });
      plan.dispatch({ kernel: gruKernels.forwardCandidate, constants, bindings, uniforms, workgroups });
    }
  }
}

export function recordGruBackward(plan: Plan, buf: GruBackwardBuffers, dims: CellDims, o: GruKernelOptions, dyIsSequence: boolean, variant: GruVariant): void {
  const { batch, timesteps, features, units } = dims;
  if (variant === 'vec4') {
    recordGruBackwardVec4(
      plan,
      { ...buf, scratch: variantScratch('gru', variant, buf.scratch) },
      dims,
      o,
      dyIsSequence,
      gruSizes(dims, o.resetAfter, 'vec4').dgh,
    );
    return;
  }
  const workgroups = grid1d(batch * units, WG);
  const constants = plainConstants(o, buf.mask);
  // dh_T enters through carry, which the steps gather from anyway: with step_mask, a dh_last binding would make
  // the backward entries bind 9 storage buffers (shaders/gruStep.wgsl). carry also takes dh past masked steps.
  plan.copy(buf.dhLast, buf.carry, batch * units);
  const bindings = {
    recurrent_b: buf.recurrentKernel,
    saved_gates: buf.gates,
    saved_h: buf.h,
    dy: buf.dy,
    carry: buf.carry,
    dgx: buf.dgx,
    dgh: buf.dgh,
    ...stepMaskBindings(buf.mask, false),
  };
  const uniformsAt = (t: number) => ({ t, batch, units, timesteps, dy_is_sequence: dyIsSequence ? 1 : 0 });
  for (let s = timesteps - 1; s >= 0; s--) {
    const uniforms = uniformsAt(timeOfStep(s, timesteps, o.goBackwards));
    if (o.resetAfter) {
      plan.dispatch({ kernel: gruKernels.backward, constants, bindings, uniforms, workgroups });
    } else {
      plan.dispatch({ kernel: gruKernels.backwardUpdate, constants, bindings, uniforms, workgroups });
      const { dy: _dy, ...resetBindings } = bindings;
      plan.dispatch({ kernel: gruKernels.backwardReset, constants, bindings: resetBindings, uniforms, workgroups });
    }
  }
  // dh_0 = carry + dGh[first step]·Uᵀ: carry already holds what masked first steps passed on (no recordCarryIntoInitial).
  plan.dispatch({
    kernel: gruKernels.initialGrad,
    constants,
    bindings: { recurrent_b: buf.recurrentKernel, carry: buf.carry, dgh: buf.dgh, dh0: buf.dh0, ...stepMaskBindings(buf.mask, false) },
    uniforms: uniformsAt(timeOfStep(0, timesteps, o.goBackwards)),
    workgroups,
  });

  const rows = timesteps * batch;
  const u3 = 3 * units;
  if (buf.dx) recordGemm(plan, { a: buf.dgx, b: buf.kernel, c: buf.dx, m: rows, n: features, k: u3, transB: true });
  recordGemm(plan, { a: buf.x, aOffset: buf.xOffset ?? 0, b: buf.dgx, c: buf.dKernel, m: features, n: u3, k: rows, transA: true });
  recordColumnSum(plan, buf.dgx, buf.dBias, rows, u3);
  if (o.resetAfter) {
    const hPrev = previousStatesSlot(o.goBackwards) * batch * units;
    const a = recurrentGemmInput(plan, buf, dims, hPrev);
    recordGemm(plan, { a: a.buffer, b: buf.dgh, c: buf.dRecurrentKernel, m: units, n: u3, k: rows, transA: true, aOffset: a.offset });
    recordColumnSum(plan, buf.dgh, need(buf.dRecurrentBias, 'dRecurrentBias', 'resetAfter'), rows, u3);
  } else {
    // [H_{t−1}; R ⊙ H_{t−1}]ᵀ · [(dz, dr, 0); (0, 0, da)]: both column blocks of dU in one product.
    const hcat = need(buf.hcat, 'hcat', 'reset before');
    recordGemm(plan, { a: hcat, b: buf.dgh, c: buf.dRecurrentKernel, m: units, n: u3, k: 2 * rows, transA: true });
  }
}
