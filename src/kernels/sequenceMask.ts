/**
 * Records the timestep-mask kernels (shaders/sequenceMask.wgsl; CPU twin src/reference/sequenceMask.ts) and
 * gives the recurrent step kernels their mask bindings (shaders/direction.wgsl, MASKED).
 */
import sequenceMaskShader from '../../shaders/sequenceMask.wgsl';
import { defineKernel, grid1d, type BufferRef } from '../gpu/kernel';
import type { Plan } from '../gpu/plan';
import { recurrentKeepBinding, type RecurrentKeep } from './recurrentDropout';

export const maskFromValuesKernel = defineKernel(sequenceMaskShader, 'from_values');
export const maskApplyKernel = defineKernel(sequenceMaskShader, 'apply');
export const addIntoKernel = defineKernel(sequenceMaskShader, 'add_into');
export const lossWeightsKernel = defineKernel(sequenceMaskShader, 'loss_weights');
const WG = 64;

/** m[r] = 1 where any of x's `cols` values in row r differs from maskValue, else 0. */
export function recordMaskFromValues(
  plan: Plan,
  buf: { x: BufferRef; xOffset: number; mask: BufferRef },
  dims: { rows: number; cols: number; maskValue: number },
): void {
  plan.dispatch({
    kernel: maskFromValuesKernel,
    constants: { WG },
    bindings: { x: buf.x, mask_out: buf.mask },
    uniforms: { rows: dims.rows, cols: dims.cols, x_offset: buf.xOffset, mask_value: dims.maskValue },
    workgroups: grid1d(dims.rows, WG),
  });
}

/** y[r, c] = x[r, c] where m[r] ≠ 0, else 0 (NaN and Inf included). */
export function recordMaskApply(plan: Plan, buf: { x: BufferRef; xOffset: number; mask: BufferRef; y: BufferRef }, dims: { rows: number; cols: number }): void {
  plan.dispatch({
    kernel: maskApplyKernel,
    constants: { WG },
    bindings: { x: buf.x, mask: buf.mask, y: buf.y },
    uniforms: { rows: dims.rows, cols: dims.cols, x_offset: buf.xOffset, mask_value: 0 },
    workgroups: grid1d(dims.rows * dims.cols, WG),
  });
}

/** y[i] += x[xOffset + i] for i < n. */
export function recordAddInto(plan: Plan, buf: { x: BufferRef; xOffset: number; y: BufferRef }, n: number): void {
  plan.dispatch({
    kernel: addIntoKernel,
    constants: { WG },
    bindings: { x: buf.x, y: buf.y },
    uniforms: { rows: n, cols: 1, x_offset: buf.xOffset, mask_value: 0 },
    workgroups: grid1d(n, WG),
  });
}

/** Keras's loss weights of a masked output: w[r] = m[r] · rows / Σ m, one workgroup. */
export function recordLossWeights(plan: Plan, buf: { mask: BufferRef; weights: BufferRef }, rows: number): void {
  plan.dispatch({
    kernel: lossWeightsKernel,
    constants: {},
    bindings: { mask: buf.mask, y: buf.weights },
    uniforms: { rows, cols: 1, x_offset: 0, mask_value: 0 },
    workgroups: [1],
  });
}

/**
 * What a plain recurrent step kernel binds for masking (shaders/direction.wgsl). A WGSL entry binds every
 * buffer it names, masked or not, so an unmasked pass binds small spare buffers that MASKED = false never reads.
 */
export interface StepMask {
  /** [T·B] time-major, 1 where the step runs; null: unmasked. */
  values: BufferRef | null;
  /** Bound as step_mask when `values` is null (4 floats; never read). */
  spare: BufferRef;
  /** [B·u] backward: dh carried past skipped steps (any 4 floats when unmasked; the LSTM's sits behind dc). */
  carry: BufferRef;
  /** Where the carry starts in its buffer, in floats (binding offsets must be 256-byte aligned, so not a subRange). */
  carryOffset: number;
  /**
   * Recurrent dropout (a training pass of a 'step' variant): bound as step_mask instead of `values`, it holds a
   * copy of them (when masked) and then keep [B, u] (shaders/direction.wgsl, RECURRENT_DROPOUT).
   */
  recurrentKeep?: RecurrentKeep | null;
}

/**
 * The MASKED and RECURRENT_DROPOUT overrides of a step kernel (shaders/direction.wgsl): 1 when the pass has a mask,
 * and when it has a recurrent dropout keep.
 */
export function stepMaskConstants(mask: StepMask | null | undefined): { MASKED: 0 | 1; RECURRENT_DROPOUT: 0 | 1 } {
  return { MASKED: mask?.values ? 1 : 0, RECURRENT_DROPOUT: mask?.recurrentKeep ? 1 : 0 };
}

/** The mask bindings of a step kernel's entry; `carry`: it binds dh_carry (a backward entry that keeps it apart). */
export function stepMaskBindings(mask: StepMask | null | undefined, carry: boolean): Record<string, BufferRef> {
  if (!mask) throw new Error('a plain recurrent step kernel needs its StepMask buffers (the cell gives them: src/cells/)');
  const stepMask = mask.recurrentKeep ? recurrentKeepBinding(mask.recurrentKeep) : (mask.values ?? mask.spare);
  return { step_mask: stepMask, ...(carry ? { dh_carry: mask.carry } : {}) };
}

/** A masked pass: adds the dh carried past the masked steps run first to dh_0 (after dh_0's GEMM). */
export function recordCarryIntoInitial(plan: Plan, mask: StepMask | null | undefined, dh0: BufferRef, n: number): void {
  if (mask?.values) recordAddInto(plan, { x: mask.carry, xOffset: mask.carryOffset, y: dh0 }, n);
}

/**
 * The StepMask of an unmasked pass from two small buffers (the kernels never read them): two, because a backward
 * entry binds the spare read-only and the carry writable in one dispatch, which one buffer cannot be.
 */
export function unmaskedStepMask(spare: BufferRef, carry: BufferRef): StepMask {
  return { values: null, spare, carry, carryOffset: 0 };
}
