/**
 * Records a whole SRU sequence, forward or backward, into a plan: one GEMM for every timestep's projections, then
 * ONE dispatch for the whole recurrence (each invocation owns a (batch row, unit) and loops over time), and after
 * the backward one the gradient GEMMs and one column sum. Math: shaders/sruSeq.wgsl; CPU twin:
 * src/reference/sruSeq.ts. Buffers are time-major (row r = t·batch + b), indexed by input time in both
 * directions (shaders/direction.wgsl).
 *
 * Weights in the layer's layout: kernel [F, 3u] (blocks W, W_f, W_r) when F = u, else [F, 4u] with W_h fourth;
 * recurrent_weights [2, u] (v_f; v_r); bias [2, u] (b_f; b_r). The shader reads them as one copy: [v; b], then
 * for the 'single' variant the kernel's one row.
 *
 * Two variants: 'seq' (the GEMM, then the recurrence) and 'single', for one input feature (a univariate series),
 * which holds that row in registers instead of running the GEMM (bench/results/sru.md); defaultSruVariant picks it
 * whenever F = 1.
 */
import sruSeqShader from '../../shaders/sruSeq.wgsl';
import { defineKernel, grid1d, type BufferRef } from '../gpu/kernel';
import { ValueError } from '../errors';
import type { Plan } from '../gpu/plan';
import type { CellActivation } from './activations';
import { recordColumnSum } from './columnSum';
import { recordGemm } from './gemm';
import { stepConstants, type CellDims } from './cell';
import { recordAddInto, stepMaskBindings, stepMaskConstants, type StepMask } from './sequenceMask';

export const sruForwardKernel = defineKernel(sruSeqShader, 'forward');
export const sruBackwardKernel = defineKernel(sruSeqShader, 'backward');
const WG = 64;

export const SRU_VARIANTS = ['seq', 'single'] as const;
export type SruVariant = (typeof SRU_VARIANTS)[number];

/** 'single' for one input feature, where measured faster (bench/results/sru.md); 'seq' otherwise. */
export function defaultSruVariant(dims: { features: number }): SruVariant {
  return dims.features === 1 ? 'single' : 'seq';
}

export interface SruKernelOptions {
  /** g in h_t = r ⊙ g(c_t) + (1 − r) ⊙ x̂_t; linear in the 2018 paper. */
  activation: CellActivation;
  goBackwards: boolean;
}

/** Blocks of the kernel: 3 when the skip connection is x itself (features = units), else 4. */
export function sruBlocks(dims: { features: number; units: number }): 3 | 4 {
  return dims.features === dims.units ? 3 : 4;
}

export function sruSizes(dims: CellDims, variant: SruVariant = 'seq') {
  const { batch, timesteps, features, units } = dims;
  const blocks = sruBlocks(dims);
  const single = variant === 'single';
  if (single && features !== 1) throw new ValueError(`the 'single' SRU kernels take one input feature; got ${features}`);
  /** Per batch row, the partial sums: of [v; b] [4u], then ('single') of the kernel's row [blocks·u]. */
  const partialWidth = 4 * units + (single ? blocks * units : 0);
  return {
    kernel: features * blocks * units,
    /** recurrent_weights and bias: [2, u] each. */
    recurrentWeights: 2 * units,
    bias: 2 * units,
    /** xproj: [T, B, blocks·u] (4 unused floats for 'single'). */
    projections: single ? 4 : timesteps * batch * blocks * units,
    /** dproj: the projections' gradients [T, B, blocks·u], then with the identity skip its gradient [T, B, u]: 4u a row either way. */
    dproj: timesteps * batch * 4 * units,
    state: batch * units,
    sequence: timesteps * batch * units,
    /** [v_f; v_r; b_f; b_r], then ('single') the kernel. */
    weights: 4 * units + (single ? blocks * units : 0),
    partialWidth,
    /** The partial sums [B, partialWidth], then [dh; dc] [2, B, u]. */
    dSmall: batch * partialWidth + 2 * batch * units,
  };
}

function constants(dims: CellDims, o: SruKernelOptions, mask: StepMask, variant: SruVariant) {
  return { ...stepConstants(WG, o), ...stepMaskConstants(mask), SKIP_IDENTITY: sruBlocks(dims) === 3 ? 1 : 0, SINGLE_FEATURE: variant === 'single' ? 1 : 0 };
}

export interface SruForwardBuffers {
  x: BufferRef;
  xOffset?: number;
  kernel: BufferRef;
  recurrentWeights: BufferRef;
  bias: BufferRef;
  /** Scratch sruSizes().projections: x·kernel. */
  xproj: BufferRef;
  /** Scratch sruSizes().weights: v and b side by side, then ('single') the kernel, as the shader reads them. */
  weights: BufferRef;
  /** [T+1, B, u] each; the caller writes the initial slot (0, or T with goBackwards). */
  h: BufferRef;
  c: BufferRef;
  mask: StepMask;
}

export function recordSruForward(plan: Plan, buf: SruForwardBuffers, dims: CellDims, o: SruKernelOptions, variant: SruVariant = 'seq'): void {
  const { batch, timesteps, features, units } = dims;
  const blocks = sruBlocks(dims);
  if (variant === 'seq')
    recordGemm(plan, { a: buf.x, aOffset: buf.xOffset ?? 0, b: buf.kernel, c: buf.xproj, m: timesteps * batch, n: blocks * units, k: features });
  plan.copy(buf.recurrentWeights, buf.weights, 2 * units, 0, 0);
  plan.copy(buf.bias, buf.weights, 2 * units, 0, 2 * units);
  if (variant === 'single') plan.copy(buf.kernel, buf.weights, blocks * units, 0, 4 * units);
  plan.dispatch({
    kernel: sruForwardKernel,
    constants: constants(dims, o, buf.mask, variant),
    bindings: { xproj: buf.xproj, x: buf.x, weights: buf.weights, h: buf.h, c: buf.c, ...stepMaskBindings(buf.mask, false) },
    uniforms: { batch, units, timesteps, features, x_offset: buf.xOffset ?? 0 },
    workgroups: grid1d(batch * units, WG),
  });
}

export interface SruBackwardBuffers extends SruForwardBuffers {
  /** Output gradient: [T, B, u] when `dyIsSequence` (block t for the output after x_t), else [B, u]. */
  dy: BufferRef;
  /** Gradients reaching the final h and c from outside the layer, [B, u] each (zeros if none). */
  dhLast: BufferRef;
  dcLast: BufferRef;
  /** Scratch sruSizes().dproj: the gradients of xproj, then (features = units) of the identity skip. */
  dproj: BufferRef;
  /** Scratch sruSizes().dSmall: per-row partial sums [B, 4u], then [dh; dc], final on entry, initial on return. */
  dSmall: BufferRef;
  /** Scratch sruSizes().partialWidth: the partial sums' column sums. */
  paramSums: BufferRef;
  /** Null when nothing below needs the input gradient (a model's first layer). */
  dx: BufferRef | null;
  dKernel: BufferRef;
  dRecurrentWeights: BufferRef;
  dBias: BufferRef;
  dh0: BufferRef;
  dc0: BufferRef;
}

export function recordSruBackward(
  plan: Plan,
  buf: SruBackwardBuffers,
  dims: CellDims,
  o: SruKernelOptions,
  dyIsSequence: boolean,
  variant: SruVariant = 'seq',
): void {
  const { batch, timesteps, features, units } = dims;
  const blocks = sruBlocks(dims);
  const state = batch * units;
  const rows = timesteps * batch;
  const width = sruSizes(dims, variant).partialWidth;
  const dState = batch * width;
  plan.copy(buf.dhLast, buf.dSmall, state, 0, dState);
  plan.copy(buf.dcLast, buf.dSmall, state, 0, dState + state);
  plan.dispatch({
    kernel: sruBackwardKernel,
    constants: constants(dims, o, buf.mask, variant),
    bindings: {
      xproj: buf.xproj,
      x: buf.x,
      weights: buf.weights,
      saved_c: buf.c,
      dy: buf.dy,
      dproj: buf.dproj,
      d_small: buf.dSmall,
      ...stepMaskBindings(buf.mask, false),
    },
    uniforms: { batch, units, timesteps, features, x_offset: buf.xOffset ?? 0, dy_is_sequence: dyIsSequence ? 1 : 0, write_dproj: buf.dx ? 1 : 0 },
    workgroups: grid1d(state, WG),
  });
  plan.copy(buf.dSmall, buf.dh0, state, dState, 0);
  plan.copy(buf.dSmall, buf.dc0, state, dState + state, 0);
  recordColumnSum(plan, buf.dSmall, buf.paramSums, batch, width);
  plan.copy(buf.paramSums, buf.dRecurrentWeights, 2 * units, 0, 0);
  plan.copy(buf.paramSums, buf.dBias, 2 * units, 2 * units, 0);
  if (variant === 'single') plan.copy(buf.paramSums, buf.dKernel, blocks * units, 4 * units, 0);
  else recordGemm(plan, { a: buf.x, aOffset: buf.xOffset ?? 0, b: buf.dproj, c: buf.dKernel, m: features, n: blocks * units, k: rows, transA: true });
  if (buf.dx) {
    recordGemm(plan, { a: buf.dproj, b: buf.kernel, c: buf.dx, m: rows, n: features, k: blocks * units, transB: true });
    if (blocks === 3) recordAddInto(plan, { x: buf.dproj, xOffset: rows * 3 * units, y: buf.dx }, rows * units);
  }
}
