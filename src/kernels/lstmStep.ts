/**
 * Records a whole LSTM sequence, forward or backward, into a plan: one GEMM for the input projection of all
 * timesteps, then one fused step dispatch per timestep (forward), or one fused backward step per timestep
 * followed by the weight-gradient GEMMs (backward). Math: shaders/lstmStep.wgsl; CPU twin:
 * src/reference/lstmStep.ts. Buffers are time-major: row r = t·batch + b.
 */
import stepSource from '../../shaders/lstmStep.wgsl?raw';
import { defineKernel, grid1d, type BufferRef } from '../gpu/kernel';
import type { Plan } from '../gpu/plan';
import { ACTIVATION_IDS, activationsSource, type CellActivation, type GateActivation } from './activations';
import { recordColumnSum } from './columnSum';
import { recordGemm } from './gemm';

export const lstmForwardKernel = defineKernel('lstmStep', 'forward', activationsSource, stepSource);
export const lstmBackwardKernel = defineKernel('lstmStep', 'backward', activationsSource, stepSource);
const WG = 64;

export interface LstmDims {
  batch: number;
  timesteps: number;
  features: number;
  units: number;
}

export interface LstmActivations {
  activation: CellActivation;
  recurrentActivation: GateActivation;
}

/** Float counts of every buffer a forward/backward pass touches, so callers allocate exactly. */
export function lstmSizes({ batch, timesteps, features, units }: LstmDims) {
  return {
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
  kernel: BufferRef;
  recurrentKernel: BufferRef;
  bias: BufferRef;
  /** Scratch for x·W + b, [T, B, 4u]. */
  xproj: BufferRef;
  /** [T+1, B, u]; the caller writes h0 (or zeros) into slot 0. */
  h: BufferRef;
  /** [T+1, B, u]; the caller writes c0 (or zeros) into slot 0. */
  c: BufferRef;
  /** [T, B, 4u], the activated gates i, f, g, o that backward reads. */
  gates: BufferRef;
}

function constantsOf(acts: LstmActivations) {
  return { WG, ACTIVATION: ACTIVATION_IDS[acts.activation], RECURRENT_ACTIVATION: ACTIVATION_IDS[acts.recurrentActivation] };
}

export function recordLstmForward(plan: Plan, buf: LstmForwardBuffers, dims: LstmDims, acts: LstmActivations): void {
  const { batch, timesteps, features, units } = dims;
  recordGemm(plan, { a: buf.x, b: buf.kernel, bias: buf.bias, c: buf.xproj, m: timesteps * batch, n: 4 * units, k: features });
  const workgroups = grid1d(batch * units, WG);
  for (let t = 0; t < timesteps; t++) {
    plan.dispatch({
      kernel: lstmForwardKernel,
      constants: constantsOf(acts),
      bindings: { xproj: buf.xproj, recurrent: buf.recurrentKernel, h: buf.h, c: buf.c, gates: buf.gates },
      uniforms: { t, batch, units },
      workgroups,
    });
  }
}

export interface LstmBackwardBuffers {
  /** What the forward pass read and saved. */
  x: BufferRef;
  kernel: BufferRef;
  recurrentKernel: BufferRef;
  h: BufferRef;
  c: BufferRef;
  gates: BufferRef;
  /** Output gradient: [T, B, u] when `dyIsSequence`, else [B, u] for the last step only. */
  dy: BufferRef;
  /** Gradient reaching the final hidden state from outside the layer, [B, u] (zeros if none). */
  dhLast: BufferRef;
  /** [B, u]: holds dc_T on entry and dc_0 on exit. */
  dc: BufferRef;
  /** Scratch [T, B, 4u]: the pre-activation gate gradients. */
  dgates: BufferRef;
  dx: BufferRef;
  dKernel: BufferRef;
  dRecurrentKernel: BufferRef;
  dBias: BufferRef;
  dh0: BufferRef;
}

export function recordLstmBackward(
  plan: Plan,
  buf: LstmBackwardBuffers,
  dims: LstmDims,
  acts: LstmActivations,
  dyIsSequence: boolean,
): void {
  const { batch, timesteps, features, units } = dims;
  const workgroups = grid1d(batch * units, WG);
  for (let t = timesteps - 1; t >= 0; t--) {
    plan.dispatch({
      kernel: lstmBackwardKernel,
      constants: constantsOf(acts),
      bindings: {
        recurrent_b: buf.recurrentKernel,
        saved_gates: buf.gates,
        saved_c: buf.c,
        dy: buf.dy,
        dh_last: buf.dhLast,
        dc: buf.dc,
        dgates: buf.dgates,
      },
      uniforms: { t, batch, units, timesteps, dy_is_sequence: dyIsSequence ? 1 : 0 },
      workgroups,
    });
  }
  const rows = timesteps * batch;
  const u4 = 4 * units;
  recordGemm(plan, { a: buf.dgates, b: buf.recurrentKernel, c: buf.dh0, m: batch, n: units, k: u4, transB: true });
  recordGemm(plan, { a: buf.dgates, b: buf.kernel, c: buf.dx, m: rows, n: features, k: u4, transB: true });
  recordGemm(plan, { a: buf.x, b: buf.dgates, c: buf.dKernel, m: features, n: u4, k: rows, transA: true });
  recordGemm(plan, { a: buf.h, b: buf.dgates, c: buf.dRecurrentKernel, m: units, n: u4, k: rows, transA: true });
  recordColumnSum(plan, buf.dgates, buf.dBias, rows, u4);
}
