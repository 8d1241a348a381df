/**
 * Records a whole GRU sequence, forward or backward, into a plan: one GEMM for the input projection of all
 * timesteps, then per timestep one fused step (resetAfter) or two dispatches (reset before, see the WGSL
 * header), and after the backward loop the weight-gradient GEMMs and column sums. Math: shaders/gruStep.wgsl;
 * CPU twin: src/reference/gruStep.ts. Buffers are time-major (row r = t·batch + b), indexed by input time in
 * both directions (shaders/direction.wgsl).
 */
import stepSource from '../../shaders/gruStep.wgsl?raw';
import { ValueError } from '../errors';
import { defineKernel, grid1d, type BufferRef } from '../gpu/kernel';
import type { Plan } from '../gpu/plan';
import { ACTIVATION_IDS, activationsSource, type CellActivation, type GateActivation } from './activations';
import { recordColumnSum } from './columnSum';
import { directionSource, previousStatesSlot, timeOfStep } from './direction';
import { recordGemm } from './gemm';
import type { LstmDims } from './lstmStep';

const gru = (entry: string) => defineKernel('gruStep', entry, activationsSource, directionSource, stepSource);
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

export type GruDims = LstmDims;

export interface GruKernelOptions {
  activation: CellActivation;
  recurrentActivation: GateActivation;
  resetAfter: boolean;
  goBackwards: boolean;
}

/** Float counts of every buffer a forward/backward pass touches, so callers allocate exactly. */
export function gruSizes({ batch, timesteps, features, units }: GruDims, resetAfter: boolean) {
  const rows = timesteps * batch;
  return {
    x: rows * features,
    kernel: features * 3 * units,
    recurrentKernel: units * 3 * units,
    /** One bias row [3u]: the input bias, or (resetAfter) the recurrent bias. */
    biasRow: 3 * units,
    xproj: rows * 3 * units,
    /** Saved per step: (z, r, hh, n) with resetAfter, (z, r, hh) without. */
    gates: rows * (resetAfter ? 4 : 3) * units,
    /** Reset before only: [H_{t−1}; R ⊙ H_{t−1}]. */
    hcat: 2 * rows * units,
    dgx: rows * 3 * units,
    /** Reset before stacks two blocks, see the WGSL header. */
    dgh: (resetAfter ? 1 : 2) * rows * 3 * units,
    state: batch * units,
    /** h keeps every step plus the initial state. */
    states: (timesteps + 1) * batch * units,
    sequence: rows * units,
  };
}

export interface GruForwardBuffers {
  x: BufferRef;
  /** Where x starts in its buffer, in floats (a stacked layer reads the h slots of the layer below). */
  xOffset?: number;
  kernel: BufferRef;
  recurrentKernel: BufferRef;
  /** Input bias [3u] (bias row 0 with resetAfter, the whole bias without). */
  bias: BufferRef;
  /** Recurrent bias [3u] (bias row 1); resetAfter only. */
  recurrentBias?: BufferRef;
  /**
   * Where the recurrent bias starts in `recurrentBias`, in floats. A layer binds its whole [2, 3u] bias from
   * the parameter arena and points here at row 1: a binding cannot start at row 1 itself (bindings need
   * 256-byte alignment, the row sits 12·u bytes in).
   */
  recurrentBiasOffset?: number;
  /** Scratch for x·W + b, [T, B, 3u]. */
  xproj: BufferRef;
  /** [T+1, B, u]; the caller writes h0 (or zeros) into the initial slot (0, or T with goBackwards). */
  h: BufferRef;
  gates: BufferRef;
  /** Reset before only. */
  hcat?: BufferRef;
}

function constantsOf(o: GruKernelOptions) {
  return {
    WG,
    ACTIVATION: ACTIVATION_IDS[o.activation],
    RECURRENT_ACTIVATION: ACTIVATION_IDS[o.recurrentActivation],
    GO_BACKWARDS: o.goBackwards ? 1 : 0,
  };
}

function need(ref: BufferRef | undefined, name: string, mode: string): BufferRef {
  if (!ref) throw new ValueError(`gruStep: ${mode} needs the '${name}' buffer; got none`);
  return ref;
}

export function recordGruForward(plan: Plan, buf: GruForwardBuffers, dims: GruDims, o: GruKernelOptions): void {
  const { batch, timesteps, features, units } = dims;
  recordGemm(plan, { a: buf.x, aOffset: buf.xOffset ?? 0, b: buf.kernel, bias: buf.bias, c: buf.xproj, m: timesteps * batch, n: 3 * units, k: features });
  const workgroups = grid1d(batch * units, WG);
  const constants = constantsOf(o);
  const common = { xproj: buf.xproj, recurrent: buf.recurrentKernel, h: buf.h, gates: buf.gates };
  const recurrentBias = o.resetAfter ? need(buf.recurrentBias, 'recurrentBias', 'resetAfter') : null;
  const hcat = o.resetAfter ? null : need(buf.hcat, 'hcat', 'reset before');
  for (let s = 0; s < timesteps; s++) {
    const uniforms = { t: timeOfStep(s, timesteps, o.goBackwards), batch, units, timesteps, bias_offset: buf.recurrentBiasOffset ?? 0 };
    if (recurrentBias) {
      plan.dispatch({ kernel: gruKernels.forward, constants, bindings: { ...common, recurrent_bias: recurrentBias }, uniforms, workgroups });
    } else {
      const bindings = { ...common, hcat: hcat! };
      plan.dispatch({ kernel: gruKernels.forwardGates, constants, bindings, uniforms, workgroups });
      plan.dispatch({ kernel: gruKernels.forwardCandidate, constants, bindings, uniforms, workgroups });
    }
  }
}

export interface GruBackwardBuffers {
  /** What the forward pass read and saved. */
  x: BufferRef;
  xOffset?: number;
  kernel: BufferRef;
  recurrentKernel: BufferRef;
  h: BufferRef;
  gates: BufferRef;
  hcat?: BufferRef;
  /** Output gradient: [T, B, u] when `dyIsSequence` (block t for the output after x_t), else [B, u]. */
  dy: BufferRef;
  /** Gradient reaching the final hidden state from outside the layer, [B, u] (zeros if none). */
  dhLast: BufferRef;
  /** Scratch [B, u]: the part of dh_{t−1} that bypasses U. */
  carry: BufferRef;
  /** Scratch gate gradients, sizes from gruSizes. */
  dgx: BufferRef;
  dgh: BufferRef;
  /** Null when nothing below needs the input gradient (a model's first layer). */
  dx: BufferRef | null;
  dKernel: BufferRef;
  dRecurrentKernel: BufferRef;
  /** [3u]: gradient of the input bias (row 0 with resetAfter). */
  dBias: BufferRef;
  /** [3u]: gradient of the recurrent bias (row 1); resetAfter only. */
  dRecurrentBias?: BufferRef;
  dh0: BufferRef;
}

export function recordGruBackward(plan: Plan, buf: GruBackwardBuffers, dims: GruDims, o: GruKernelOptions, dyIsSequence: boolean): void {
  const { batch, timesteps, features, units } = dims;
  const workgroups = grid1d(batch * units, WG);
  const constants = constantsOf(o);
  const bindings = {
    recurrent_b: buf.recurrentKernel,
    saved_gates: buf.gates,
    saved_h: buf.h,
    dy: buf.dy,
    dh_last: buf.dhLast,
    carry: buf.carry,
    dgx: buf.dgx,
    dgh: buf.dgh,
  };
  const uniformsAt = (t: number) => ({ t, batch, units, timesteps, dy_is_sequence: dyIsSequence ? 1 : 0 });
  for (let s = timesteps - 1; s >= 0; s--) {
    const uniforms = uniformsAt(timeOfStep(s, timesteps, o.goBackwards));
    if (o.resetAfter) {
      plan.dispatch({ kernel: gruKernels.backward, constants, bindings, uniforms, workgroups });
    } else {
      plan.dispatch({ kernel: gruKernels.backwardUpdate, constants, bindings, uniforms, workgroups });
      const { dy: _dy, dh_last: _dhLast, ...resetBindings } = bindings;
      plan.dispatch({ kernel: gruKernels.backwardReset, constants, bindings: resetBindings, uniforms, workgroups });
    }
  }
  plan.dispatch({
    kernel: gruKernels.initialGrad,
    constants,
    bindings: { recurrent_b: buf.recurrentKernel, carry: buf.carry, dgh: buf.dgh, dh0: buf.dh0 },
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
    recordGemm(plan, { a: buf.h, b: buf.dgh, c: buf.dRecurrentKernel, m: units, n: u3, k: rows, transA: true, aOffset: hPrev });
    recordColumnSum(plan, buf.dgh, need(buf.dRecurrentBias, 'dRecurrentBias', 'resetAfter'), rows, u3);
  } else {
    // [H_{t−1}; R ⊙ H_{t−1}]ᵀ · [(dz, dr, 0); (0, 0, da)]: both column blocks of dU in one product.
    const hcat = need(buf.hcat, 'hcat', 'reset before');
    recordGemm(plan, { a: hcat, b: buf.dgh, c: buf.dRecurrentKernel, m: units, n: u3, k: 2 * rows, transA: true });
  }
}
