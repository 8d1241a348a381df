/**
 * What a GRU pass takes whichever kernel records it: the options, the buffers of a forward and a backward pass,
 * and the scratch layout of the register-blocked variant. Both src/kernels/gruStep.ts (which picks the variant
 * and re-exports these) and the vec4 family (src/kernels/gruStepVec4*.ts) import them from here, so neither
 * imports the other in a circle.
 */
import { grid1d, type BufferRef } from '../gpu/kernel';
import { ACTIVATION_IDS, type CellActivation, type GateActivation } from './activations';
import type { CellDims } from './cell';
import type { StepMask } from './sequenceMask';

/**
 * The vec4 variant's block shapes and post-loop paths instead of its defaults (src/kernels/gruStepVec4.ts has
 * the rules; bench/profile.ts's `gru-blocks` section compares them).
 */
export interface GruVec4Tuning {
  /** Batch rows per step block, and the steps' workgroup size. */
  rows?: 4 | 8;
  wg?: number;
  /** The GEMMs after the loop instead of weight_grad and input_grad. */
  gemm?: boolean;
  /** weight_grad's rows per block and workgroup size. */
  wgRows?: 4 | 8;
  wgWg?: number;
}

export interface GruKernelOptions {
  activation: CellActivation;
  recurrentActivation: GateActivation;
  resetAfter: boolean;
  goBackwards: boolean;
  /** The vec4 variant's block shapes and paths instead of its measured defaults (bench/profile.ts compares them). */
  tuning?: GruVec4Tuning;
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
  /** gruSizes().scratch floats for the vec4 variant; without it the plain step kernel runs. */
  scratch?: BufferRef;
  /** The step mask of a masked layer ('step' only; see ./sequenceMask). */
  mask?: StepMask | null;
  /** [B, u]: h0 ⊙ keep for the vec4 variant's compact initial state, with recurrent dropout. */
  keptInitialState?: BufferRef;
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
  /**
   * Scratch [B, u]: the part of dh_{t−1} that bypasses U, all of dh past a masked step (so the GRU's carry of dh
   * past masked steps needs no buffer of its own: mask.carry stays unread). The plain kernel seeds it with dhLast.
   */
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
  /** gruSizes().scratch floats for the vec4 variant; without it the plain step kernel runs. */
  scratch?: BufferRef;
  /** The step mask of a masked layer ('step' only; see ./sequenceMask). */
  mask?: StepMask | null;
  /** [T, B, u]: H_{t−1} ⊙ keep for dU (reset_after), with recurrent dropout ('step' only). */
  droppedStates?: BufferRef;
}

/**
 * The scratch of the vec4 variant, in floats; each part starts 256-byte aligned so it can be bound on its own
 * (the GEMMs read Wp, the input GEMM bp, the gradient GEMMs write gt). Uhq and Uht are empty with resetAfter.
 * The parts are described in shaders/gruStepVec4.wgsl.
 */
export function gruVec4Scratch(batch: number, units: number, features: number, resetAfter: boolean) {
  const align = (floats: number) => Math.ceil(floats / 64) * 64;
  const quads = Math.ceil(units / 4);
  const up = { offset: 0, floats: 4 * units * units };
  const wp = { offset: align(up.offset + up.floats), floats: 4 * features * units };
  const bp = { offset: align(wp.offset + wp.floats), floats: 4 * units };
  const uhFloats = resetAfter ? 0 : 4 * units * quads;
  const uhq = { offset: align(bp.offset + bp.floats), floats: uhFloats };
  const uht = { offset: align(uhq.offset + uhq.floats), floats: uhFloats };
  // compact h: two halves [batch, quads] vec4, then compact r ⊙ h / da (cq) of the same size
  const hc = { offset: align(uht.offset + uht.floats), floats: 3 * 4 * batch * quads, half: batch * quads };
  const gt = { offset: align(hc.offset + hc.floats), floats: 4 * units * Math.max(units, features) };
  const gtH = { offset: align(gt.offset + gt.floats), floats: resetAfter ? 0 : units * units };
  return { up, wp, bp, uhq, uht, hc, gt, gtH, steps: gt.offset, total: gtH.offset + gtH.floats };
}
export type GruVec4Layout = ReturnType<typeof gruVec4Scratch>;

/** How the vec4 steps run, as src/kernels/gruStepVec4.ts decides: batch rows per block, workgroup size. */
export interface GruVec4StepShape {
  rows: 4 | 8;
  wg: number;
}

/** Workgroups for blocks of `rows` batch rows × 4 units. */
export function gruVec4StepGroups(dims: CellDims, rows: number, wg: number): [number, number] {
  return grid1d(Math.ceil(dims.batch / rows) * Math.ceil(dims.units / 4), wg);
}

/** The override constants of the vec4 step entries (the forward ones add FUSED_INPUT). */
export function gruVec4StepConstants(o: GruKernelOptions, wg: number): Record<string, number> {
  return {
    WG: wg,
    ACTIVATION: ACTIVATION_IDS[o.activation],
    RECURRENT_ACTIVATION: ACTIVATION_IDS[o.recurrentActivation],
    GO_BACKWARDS: o.goBackwards ? 1 : 0,
    RESET_AFTER: o.resetAfter ? 1 : 0,
  };
}
