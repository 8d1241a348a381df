/**
 * Records a whole SimpleRNN sequence, forward or backward, into a plan: one GEMM for the input projection of
 * all timesteps, one fused step dispatch per timestep, and after the backward loop the gradient GEMMs and one
 * column sum. Math: shaders/simpleRnnStep.wgsl; CPU twin: src/reference/simpleRnnStep.ts. Buffers are
 * time-major (row r = t·batch + b), indexed by input time in both directions (shaders/direction.wgsl); a
 * mask (buf.mask with values) makes the steps skip padding.
 */
import simpleRnnStepShader from '../../shaders/simpleRnnStep.wgsl';
import simpleRnnSeqShader from '../../shaders/simpleRnnSeq.wgsl';
import { defineKernel, grid1d, type BufferRef } from '../gpu/kernel';
import type { Plan } from '../gpu/plan';
import type { CellActivation } from './activations';
import { recordColumnSum } from './columnSum';
import { previousStatesSlot, timeOfStep } from './direction';
import { recordGemm } from './gemm';
import { stepConstants, type CellDims } from './cell';
import { recordKeepOnInitialGrad, recurrentGemmInput } from './recurrentDropout';
import { recordSparseColumns, sparseColumnsFloats } from './sparseColumns';
import { recordAddInto, recordCarryIntoInitial, stepMaskBindings, stepMaskConstants, type StepMask } from './sequenceMask';

export const simpleRnnForwardKernel = defineKernel(simpleRnnStepShader, 'forward');
export const simpleRnnBackwardKernel = defineKernel(simpleRnnStepShader, 'backward');
export const simpleRnnSeqKernel = defineKernel(simpleRnnSeqShader, 'forward');
const WG = 64;
/** The sequence kernel's workgroup: one per batch row, so as wide as a row's units use. */
const SEQ_WG = 64;

/**
 * Forward kernels: 'step' (one dispatch per timestep, an invocation per row and unit), 'seq' (one dispatch for
 * the sequence, a workgroup per row looping over time: shaders/simpleRnnSeq.wgsl), and for a sparse echo-state
 * reservoir the same two over the recurrent kernel's non-zeros (packed first by shaders/sparseColumns.wgsl):
 * 'sparseStep' and 'sparse'. Backward is the step kernel's for all. defaultSimpleRnnVariant is the measured rule
 * (bench/results/simple-rnn-kernels.md).
 */
export const SIMPLE_RNN_VARIANTS = ['step', 'seq', 'sparse', 'sparseStep'] as const;
export type SimpleRnnVariant = (typeof SIMPLE_RNN_VARIANTS)[number];
/** The sequence kernel keeps two rows of units in workgroup memory: 2 × 2048 floats is WebGPU's 16 KiB default. */
export const SIMPLE_RNN_SEQ_MAX_UNITS = 2048;
/** At most this many rows, the sequence kernel is the default (measured: bench/results/simple-rnn-kernels.md). */
export const SIMPLE_RNN_SEQ_MAX_BATCH = 4;

export function defaultSimpleRnnVariant(dims: { batch: number; units: number }): SimpleRnnVariant {
  return dims.batch <= SIMPLE_RNN_SEQ_MAX_BATCH && dims.units <= SIMPLE_RNN_SEQ_MAX_UNITS ? 'seq' : 'step';
}

const packs = (v: SimpleRnnVariant) => v === 'sparse' || v === 'sparseStep';

/**
 * The variant a pass runs: a pinned one (options, then the runtime's), else the default, over the non-zeros
 * ('sparse' for 'seq', 'sparseStep' for 'step') where the caller knows its recurrent kernel is sparse (`sparse`:
 * an echo-state reservoir's connectivity); the one-workgroup-per-row kernels only where their arrays fit.
 */
export function simpleRnnVariant(dims: { batch: number; units: number }, pinned: SimpleRnnVariant | undefined, sparse = false): SimpleRnnVariant {
  const fits = dims.units <= SIMPLE_RNN_SEQ_MAX_UNITS;
  if (pinned === 'seq' || pinned === 'sparse') return fits ? pinned : pinned === 'sparse' ? 'sparseStep' : 'step';
  if (pinned !== undefined) return pinned;
  const v = defaultSimpleRnnVariant(dims);
  if (!sparse) return v;
  return v === 'seq' ? 'sparse' : 'sparseStep';
}

/** The forward scratch a variant needs beyond xproj: the packed non-zeros for 'sparse' and 'sparseStep'. */
export function simpleRnnForwardScratch(dims: CellDims, variant: SimpleRnnVariant): Record<string, number> {
  return packs(variant) ? { packedRecurrent: sparseColumnsFloats(dims.units) } : {};
}

export interface SimpleRnnKernelOptions {
  activation: CellActivation;
  goBackwards: boolean;
  /** Leaky integration h = (1 − a) h_{t−1} + a · act(s) (the echo-state reservoir); 1, Keras's SimpleRNN, when absent. */
  leakRate?: number;
  /** false: the weights are frozen (an echo-state reservoir), so backward skips their gradients. Default true. */
  weightGrads?: boolean;
}

/** The dh_carry floats a backward pass needs: [B, u] when it carries (masked or leaky), else a 4-float spare. */
export function simpleRnnCarryFloats(dims: CellDims, o: { leakRate?: number }): number {
  return dims.masked || (o.leakRate ?? 1) !== 1 ? dims.batch * dims.units : 4;
}

function constants(o: SimpleRnnKernelOptions, mask: StepMask) {
  return { ...stepConstants(WG, o), ...stepMaskConstants(mask), LEAK: o.leakRate ?? 1 };
}

export function simpleRnnSizes({ batch, timesteps, features, units }: CellDims) {
  return {
    x: timesteps * batch * features,
    kernel: features * units,
    recurrentKernel: units * units,
    bias: units,
    /** xproj and dG: [T, B, u]. */
    gates: timesteps * batch * units,
    state: batch * units,
    states: (timesteps + 1) * batch * units,
    sequence: timesteps * batch * units,
  };
}

export interface SimpleRnnForwardBuffers {
  x: BufferRef;
  /** Where x starts in its buffer, in floats (a stacked layer reads the h slots of the layer below). */
  xOffset?: number;
  kernel: BufferRef;
  recurrentKernel: BufferRef;
  bias: BufferRef;
  /** Scratch for x·W + b, [T, B, u]. */
  xproj: BufferRef;
  /** [T+1, B, u]; the caller writes h0 (or zeros) into the initial slot (0, or T with goBackwards). */
  h: BufferRef;
  /** The step mask of a masked layer, or the spares that stand in for it (see ./sequenceMask). */
  mask: StepMask;
  /** Scratch for the 'sparse' and 'sparseStep' variants: [u + 2u²] (simpleRnnForwardScratch). */
  packedRecurrent?: BufferRef;
}

export function recordSimpleRnnForward(
  plan: Plan,
  buf: SimpleRnnForwardBuffers,
  dims: CellDims,
  o: SimpleRnnKernelOptions,
  variant: SimpleRnnVariant = 'step',
): void {
  const { batch, timesteps, features, units } = dims;
  recordGemm(plan, { a: buf.x, aOffset: buf.xOffset ?? 0, b: buf.kernel, bias: buf.bias, c: buf.xproj, m: timesteps * batch, n: units, k: features });
  const sparse = packs(variant);
  if (sparse && !buf.packedRecurrent) throw new Error(`simpleRnn: the '${variant}' forward needs the packedRecurrent scratch (simpleRnnForwardScratch)`);
  if (sparse) recordSparseColumns(plan, { w: buf.recurrentKernel, packed: buf.packedRecurrent! }, units);
  const recurrent = sparse ? buf.packedRecurrent! : buf.recurrentKernel;
  if (variant === 'seq' || variant === 'sparse') {
    plan.dispatch({
      kernel: simpleRnnSeqKernel,
      constants: { ...constants(o, buf.mask), WG: SEQ_WG, UNITS: units, SPARSE: sparse ? 1 : 0 },
      bindings: { xproj: buf.xproj, recurrent, h: buf.h, ...stepMaskBindings(buf.mask, false) },
      uniforms: { batch, units, timesteps },
      workgroups: [batch],
    });
    return;
  }
  const workgroups = grid1d(batch * units, WG);
  for (let s = 0; s < timesteps; s++) {
    plan.dispatch({
      kernel: simpleRnnForwardKernel,
      constants: { ...constants(o, buf.mask), SPARSE: sparse ? 1 : 0 },
      bindings: { xproj: buf.xproj, recurrent, h: buf.h, ...stepMaskBindings(buf.mask, false) },
      uniforms: { t: timeOfStep(s, timesteps, o.goBackwards), batch, units },
      workgroups,
    });
  }
}

export interface SimpleRnnBackwardBuffers {
  x: BufferRef;
  xOffset?: number;
  kernel: BufferRef;
  recurrentKernel: BufferRef;
  h: BufferRef;
  /** Output gradient: [T, B, u] when `dyIsSequence` (block t for the output after x_t), else [B, u]. */
  dy: BufferRef;
  /** Gradient reaching the final hidden state from outside the layer, [B, u] (zeros if none). */
  dhLast: BufferRef;
  /** Scratch [T, B, u]: the pre-activation gradients. */
  dgates: BufferRef;
  /** Null when nothing below needs the input gradient (a model's first layer). */
  dx: BufferRef | null;
  dKernel: BufferRef;
  dRecurrentKernel: BufferRef;
  dBias: BufferRef;
  dh0: BufferRef;
  /** The step mask and the [B, u] carry of dh past masked steps (mask.carry; see ./sequenceMask). */
  mask: StepMask;
  /** [T, B, u]: H_{t−1} ⊙ keep for dU, with recurrent dropout. */
  droppedStates?: BufferRef;
}

export function recordSimpleRnnBackward(plan: Plan, buf: SimpleRnnBackwardBuffers, dims: CellDims, o: SimpleRnnKernelOptions, dyIsSequence: boolean): void {
  const { batch, timesteps, features, units } = dims;
  const workgroups = grid1d(batch * units, WG);
  for (let s = timesteps - 1; s >= 0; s--) {
    plan.dispatch({
      kernel: simpleRnnBackwardKernel,
      constants: constants(o, buf.mask),
      bindings: { recurrent_b: buf.recurrentKernel, saved_h: buf.h, dy: buf.dy, dh_last: buf.dhLast, dgates: buf.dgates, ...stepMaskBindings(buf.mask, true) },
      uniforms: { t: timeOfStep(s, timesteps, o.goBackwards), batch, units, timesteps, dy_is_sequence: dyIsSequence ? 1 : 0 },
      workgroups,
    });
  }
  const rows = timesteps * batch;
  const first = timeOfStep(0, timesteps, o.goBackwards) * batch * units;
  const hPrev = previousStatesSlot(o.goBackwards) * batch * units;
  recordGemm(plan, { a: buf.dgates, b: buf.recurrentKernel, c: buf.dh0, m: batch, n: units, k: units, transB: true, aOffset: first });
  recordKeepOnInitialGrad(plan, buf.mask, buf.dh0, dims);
  // What passed the masked steps run first, and with a leak (1 − a) dh_1, goes on to h_0.
  if ((o.leakRate ?? 1) !== 1) recordAddInto(plan, { x: buf.mask.carry, xOffset: buf.mask.carryOffset, y: buf.dh0 }, batch * units);
  else recordCarryIntoInitial(plan, buf.mask, buf.dh0, batch * units);
  if (buf.dx) recordGemm(plan, { a: buf.dgates, b: buf.kernel, c: buf.dx, m: rows, n: features, k: units, transB: true });
  if (o.weightGrads === false) return;
  recordGemm(plan, { a: buf.x, aOffset: buf.xOffset ?? 0, b: buf.dgates, c: buf.dKernel, m: features, n: units, k: rows, transA: true });
  const a = recurrentGemmInput(plan, buf, dims, hPrev);
  recordGemm(plan, { a: a.buffer, b: buf.dgates, c: buf.dRecurrentKernel, m: units, n: units, k: rows, transA: true, aOffset: a.offset });
  recordColumnSum(plan, buf.dgates, buf.dBias, rows, units);
}
