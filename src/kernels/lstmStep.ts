/**
 * Records a whole LSTM sequence, forward or backward, into a plan: one GEMM for the input projection of all
 * timesteps, then one fused step dispatch per timestep (forward), or one fused backward step per timestep
 * followed by the weight-gradient GEMMs (backward). Math: shaders/lstmStep.wgsl; CPU twin:
 * src/reference/lstmStep.ts. Buffers are time-major: row r = t·batch + b.
 */
import lstmStepShader from '../../shaders/lstmStep.wgsl';
import { ValueError } from '../errors';
import { defineKernel, grid1d, subRange, type BufferRef } from '../gpu/kernel';
import type { Plan } from '../gpu/plan';
import type { CellActivation, GateActivation } from './activations';
import { recordColumnSum } from './columnSum';
import { previousStatesSlot, timeOfStep } from './direction';
import { recordGemm } from './gemm';
import { recordLstmBackwardSeq, recordLstmForwardSeq } from './lstmSeq';
import { LSTM_WEIGHT_GRAD_MAX_UNITS, recordLstmWeightGrad } from './lstmWeightGrad';
import { lstmVec4Scratch } from './lstmStepVec4';
import { recordLstmBackwardStepsVec4 } from './lstmStepVec4Backward';
import { LSTM_FUSED_INPUT_MAX_FEATURES, recordLstmForwardStepsVec4 } from './lstmStepVec4Forward';
import { recordLstmBiasGrad, recordLstmPack } from './lstmStepVec4Pack';
import { recordCompactState } from './compactState';
import { stepConstants, variantScratch, type CellDims } from './cell';
import { initialStateInput, recordKeepOnInitialGrad, recurrentGemmInput } from './recurrentDropout';
import { stepMaskConstants, recordCarryIntoInitial, stepMaskBindings, type StepMask } from './sequenceMask';
export { LSTM_FUSED_INPUT_MAX_FEATURES };

export const lstmForwardKernel = defineKernel(lstmStepShader, 'forward');
export const lstmBackwardKernel = defineKernel(lstmStepShader, 'backward');
const WG = 64;

export interface LstmActivations {
  activation: CellActivation;
  recurrentActivation: GateActivation;
  /** Keras go_backwards: steps run from x_{T−1} to x_0; see shaders/direction.wgsl for the state slots. */
  goBackwards?: boolean;
}

/**
 * The kernels that run the recurrence: 'step' is the plain per-step kernel (shaders/lstmStep.wgsl), 'vec4' the
 * register-blocked, gate-interleaved one (shaders/lstmStepVec4Forward.wgsl and lstmStepVec4Backward.wgsl on the
 * layouts of lstmStepVec4.wgsl, needs the `scratch` buffer; its xproj, gates and dgates buffers hold the same
 * sizes in its own layout), 'seq' the same blocks in one dispatch that loops over time (shaders/lstmSeq.wgsl,
 * same scratch and layout). Same results from the same inputs.
 */
export type LstmVariant = 'step' | 'vec4' | 'seq';
export const LSTM_VARIANTS: readonly LstmVariant[] = ['step', 'vec4', 'seq'];

/**
 * The variant a plan uses when the caller does not say, chosen by measurement on each kind of adapter
 * (bench/results/lstm-kernels.md, "Variant choice"). SwiftShader (`adapter.isFallback`): 'vec4' once there are
 * 4 rows per block and 32 rows·steps to amortize the pack, else 'step' ('seq' never won there: a shader with
 * barriers runs as coroutines). A real GPU: 'seq' (one dispatch for all steps) from 8 steps while the hidden size
 * is small, else 'step', which has the most invocations per step.
 */
export function defaultLstmVariant(dims: CellDims, adapter: { isFallback: boolean } = { isFallback: true }): LstmVariant {
  if (adapter.isFallback) return dims.batch >= 4 && dims.batch * dims.timesteps >= 32 ? 'vec4' : 'step';
  return dims.timesteps >= 8 && dims.units <= LSTM_SEQ_MAX_UNITS_ON_GPU ? 'seq' : 'step';
}

/** The largest hidden size for which a real GPU runs the one-dispatch 'seq' loop by default (see above). */
export const LSTM_SEQ_MAX_UNITS_ON_GPU = 128;

/**
 * Floats of the xproj buffer a forward pass with `variant` needs: the interleaved variants compute x·W + b
 * inside the step for up to LSTM_FUSED_INPUT_MAX_FEATURES features and never touch it (4: a binding's minimum).
 */
export function lstmXprojFloats(dims: CellDims, variant: LstmVariant = defaultLstmVariant(dims)): number {
  const fused = variant !== 'step' && dims.features <= LSTM_FUSED_INPUT_MAX_FEATURES;
  return fused ? 4 : dims.timesteps * dims.batch * 4 * dims.units;
}

/** Float counts of every buffer a forward/backward pass touches, so callers allocate exactly. */
export function lstmSizes({ batch, timesteps, features, units }: CellDims) {
  return {
    /** Scratch of the faster variants (packed U, gate-gradient ping-pong); one buffer serves every variant. */
    scratch: lstmVec4Scratch(batch, units, features).total,
    x: timesteps * batch * features,
    kernel: features * 4 * units,
    recurrentKernel: units * 4 * units,
    bias: 4 * units,
    gates: timesteps * batch * 4 * units,
    state: batch * units,
    /** h and c keep every step plus the initial state in slot 0. */
    states: (timesteps + 1) * batch * units,
    sequence: timesteps * batch * units,
  };
}

export interface LstmForwardBuffers {
  x: BufferRef;
  /** Where x starts in its buffer, in floats (a stacked layer reads the h slots 1..T of the layer below). */
  xOffset?: number;
  kernel: BufferRef;
  recurrentKernel: BufferRef;
  bias: BufferRef;
  /** Scratch for x·W + b, [T, B, 4u]. */
  xproj: BufferRef;
  /** [T+1, B, u]; the caller writes h0 (or zeros) into slot 0 (slot T with goBackwards). */
  h: BufferRef;
  /** [T+1, B, u]; the caller writes c0 (or zeros) into slot 0 (slot T with goBackwards). */
  c: BufferRef;
  /** [T, B, 4u], the activated gates i, f, g, o that backward reads. */
  gates: BufferRef;
  /** lstmSizes().scratch floats: the packed weights and compact states of the register-blocked variants (not 'step'). */
  scratch?: BufferRef;
  /** The step mask (every variant binds it; a spare when unmasked: see ./sequenceMask). */
  mask?: StepMask | null;
  /** [B, u]: h0 ⊙ keep for the compact initial state of 'vec4' and 'seq', with recurrent dropout. */
  keptInitialState?: BufferRef;
}

export function recordLstmForward(plan: Plan, buf: LstmForwardBuffers, dims: CellDims, acts: LstmActivations, variant: LstmVariant): void {
  const { batch, timesteps, features, units } = dims;
  const chosen = variant;
  const xprojBytes = buf.xproj.size;
  if (xprojBytes < lstmXprojFloats(dims, chosen) * 4) {
    throw new ValueError(`lstm '${chosen}' kernel: xproj holds ${xprojBytes / 4} floats; it needs lstmXprojFloats() = ${lstmXprojFloats(dims, chosen)}`);
  }
  const masked = stepMaskConstants(buf.mask);
  if (chosen !== 'step') {
    // Interleaved: the pack and the compact initial state first (h0 ⊙ keep with recurrent dropout: the compact h
    // feeds only the recurrent product), then X·Wp + bp (xproj as vec4 per unit).
    const scratch = variantScratch('lstm', chosen, buf.scratch);
    const layout = lstmVec4Scratch(batch, units, features);
    recordLstmPack(plan, { ...buf, scratch }, dims);
    const back = acts.goBackwards ?? false;
    const initial = initialStateInput(plan, buf, dims, back);
    recordCompactState(plan, initial.buffer, subRange(scratch, 0, layout.total), layout.hc.offset / 4, dims, back, initial.offset);
    const fused = features <= LSTM_FUSED_INPUT_MAX_FEATURES;
    if (!fused) {
      const wp = subRange(scratch, layout.wp.offset, layout.wp.floats);
      const bp = subRange(scratch, layout.bp.offset, layout.bp.floats);
      recordGemm(plan, { a: buf.x, aOffset: buf.xOffset ?? 0, b: wp, bias: bp, c: buf.xproj, m: timesteps * batch, n: 4 * units, k: features });
    }
    const constants = { ...stepConstants(WG, acts), FUSED_INPUT: fused ? 1 : 0, ...masked };
    if (chosen === 'vec4') recordLstmForwardStepsVec4(plan, { ...buf, scratch }, dims, constants, acts.goBackwards ?? false);
    else recordLstmForwardSeq(plan, { ...buf, scratch }, dims, constants);
    return;
  }
  recordGemm(plan, { a: buf.x, aOffset: buf.xOffset ?? 0, b: buf.kernel, bias: buf.bias, c: buf.xproj, m: timesteps * batch, n: 4 * units, k: features });
  const workgroups = grid1d(batch * units, WG);
  for (let s = 0; s < timesteps; s++) {
    const t = timeOfStep(s, timesteps, acts.goBackwards ?? false);
    plan.dispatch({
      kernel: lstmForwardKernel,
      constants: { ...stepConstants(WG, acts), ...masked },
      bindings: { xproj: buf.xproj, recurrent: buf.recurrentKernel, h: buf.h, c: buf.c, gates: buf.gates, ...stepMaskBindings(buf.mask, false) },
      uniforms: { t, batch, units },
      workgroups,
    });
  }
}

export interface LstmBackwardBuffers {
  /** What the forward pass read and saved. */
  x: BufferRef;
  xOffset?: number;
  kernel: BufferRef;
  recurrentKernel: BufferRef;
  h: BufferRef;
  c: BufferRef;
  gates: BufferRef;
  /** Output gradient: [T, B, u] when `dyIsSequence` (block t for the output after x_t), else [B, u] for the last step only. */
  dy: BufferRef;
  /** Gradient reaching the final hidden state from outside the layer, [B, u] (zeros if none). */
  dhLast: BufferRef;
  /** [B, u]: holds dc_T on entry and dc_0 on exit; masked: [2, B, u], the carry of dh behind it (mask.carry). */
  dc: BufferRef;
  /** Scratch [T, B, 4u]: the pre-activation gate gradients. */
  dgates: BufferRef;
  /** Null when nothing below needs the input gradient (the model's first layer). */
  dx: BufferRef | null;
  dKernel: BufferRef;
  dRecurrentKernel: BufferRef;
  dBias: BufferRef;
  /** Null when nothing reads the initial state's gradient (a layer in a model: Keras treats h0 as a constant). */
  dh0: BufferRef | null;
  /** lstmSizes().scratch floats: the packed weights and compact states of the register-blocked variants (not 'step'). */
  scratch?: BufferRef;
  /** The step mask and the carry of dh past masked steps, behind dc (every variant; see ./sequenceMask). */
  mask?: StepMask | null;
  /** [T, B, u]: H_{t−1} ⊙ keep for dU, with recurrent dropout ('step' only). */
  droppedStates?: BufferRef;
}

export function recordLstmBackward(
  plan: Plan,
  buf: LstmBackwardBuffers,
  dims: CellDims,
  acts: LstmActivations,
  dyIsSequence: boolean,
  variant: LstmVariant,
): void {
  const { batch, timesteps, features, units } = dims;
  const workgroups = grid1d(batch * units, WG);
  const back = acts.goBackwards ?? false;
  const chosen = variant;
  const rows = timesteps * batch;
  const u4 = 4 * units;
  // dh0 comes from the gate gradients of the first step run; dU pairs each dG block t with the state before it.
  const first = timeOfStep(0, timesteps, back) * batch * u4;
  const hPrev = previousStatesSlot(back) * batch * units;
  const constants = { ...stepConstants(WG, acts), ...stepMaskConstants(buf.mask) };
  if (chosen !== 'step') {
    // Interleaved dG (columns 4j+gate): dh0 and dX read Up and Wp, whose columns are in that order too; dU, dW
    // and db are stored back in Keras order (one weight-gradient dispatch, or the GEMMs' permute_units and
    // bias_grad).
    const scratch = variantScratch('lstm', chosen, buf.scratch);
    const layout = lstmVec4Scratch(batch, units, features);
    recordLstmPack(plan, { ...buf, scratch }, dims);
    if (chosen === 'vec4') recordLstmBackwardStepsVec4(plan, { ...buf, scratch }, dims, constants, back, dyIsSequence);
    else recordLstmBackwardSeq(plan, { ...buf, scratch }, dims, constants, dyIsSequence);
    const up = subRange(scratch, layout.up.offset, layout.up.floats);
    const wp = subRange(scratch, layout.wp.offset, layout.wp.floats);
    if (buf.dh0) {
      recordGemm(plan, { a: buf.dgates, b: up, c: buf.dh0, m: batch, n: units, k: u4, transB: true, aOffset: first });
      recordKeepOnInitialGrad(plan, buf.mask, buf.dh0, dims);
      recordCarryIntoInitial(plan, buf.mask, buf.dh0, batch * units);
    }
    if (buf.dx) recordGemm(plan, { a: buf.dgates, b: wp, c: buf.dx, m: rows, n: features, k: u4, transB: true });
    // dW = Xᵀ·dG, dU = H_prevᵀ·dG and db = Σ dG in one dispatch (shaders/lstmWeightGrad.wgsl) up to
    // LSTM_WEIGHT_GRAD_MAX_UNITS units, where it beats the GEMMs; above, gemmVec4's 8×8 blocks have enough tiles
    // and two transA GEMMs with permute_units and lstmStepVec4Pack.wgsl's bias_grad win (bench/results/lstm-kernels.md,
    // "Weight gradients").
    const hIn = recurrentGemmInput(plan, buf, dims, hPrev);
    if (units <= LSTM_WEIGHT_GRAD_MAX_UNITS) {
      recordLstmWeightGrad(plan, {
        h: hIn.buffer,
        hOffset: hIn.offset,
        x: buf.x,
        xOffset: buf.xOffset ?? 0,
        dgates: buf.dgates,
        dKernel: buf.dKernel,
        dRecurrentKernel: buf.dRecurrentKernel,
        dBias: buf.dBias,
        rows,
        units,
        features,
      });
      return;
    }
    recordGemm(plan, { a: buf.x, aOffset: buf.xOffset ?? 0, b: buf.dgates, c: buf.dKernel, m: features, n: u4, k: rows, transA: true, permuteUnits: units });
    recordGemm(plan, {
      a: hIn.buffer,
      b: buf.dgates,
      c: buf.dRecurrentKernel,
      m: units,
      n: u4,
      k: rows,
      transA: true,
      aOffset: hIn.offset,
      permuteUnits: units,
    });
    recordLstmBiasGrad(plan, buf.dgates, buf.dBias, rows, units);
    return;
  }
  for (let s = timesteps - 1; s >= 0; s--) {
    const t = timeOfStep(s, timesteps, back);
    plan.dispatch({
      kernel: lstmBackwardKernel,
      constants,
      bindings: {
        recurrent_b: buf.recurrentKernel,
        saved_gates: buf.gates,
        saved_c: buf.c,
        dy: buf.dy,
        dh_last: buf.dhLast,
        dc: buf.dc,
        dgates: buf.dgates,
        // dh's carry past masked steps sits behind dc (shaders/lstmStep.wgsl): no dh_carry binding.
        ...stepMaskBindings(buf.mask, false),
      },
      uniforms: { t, batch, units, timesteps, dy_is_sequence: dyIsSequence ? 1 : 0 },
      workgroups,
    });
  }
  if (buf.dh0) {
    recordGemm(plan, { a: buf.dgates, b: buf.recurrentKernel, c: buf.dh0, m: batch, n: units, k: u4, transB: true, aOffset: first });
    recordKeepOnInitialGrad(plan, buf.mask, buf.dh0, dims);
    recordCarryIntoInitial(plan, buf.mask, buf.dh0, batch * units);
  }
  if (buf.dx) recordGemm(plan, { a: buf.dgates, b: buf.kernel, c: buf.dx, m: rows, n: features, k: u4, transB: true });
  recordGemm(plan, { a: buf.x, aOffset: buf.xOffset ?? 0, b: buf.dgates, c: buf.dKernel, m: features, n: u4, k: rows, transA: true });
  const a = recurrentGemmInput(plan, buf, dims, hPrev);
  recordGemm(plan, { a: a.buffer, b: buf.dgates, c: buf.dRecurrentKernel, m: units, n: u4, k: rows, transA: true, aOffset: a.offset });
  recordColumnSum(plan, buf.dgates, buf.dBias, rows, u4);
}
