/**
 * The register-blocked, gate-interleaved LSTM of shaders/lstmStepVec4.wgsl: its scratch layout, and the
 * dispatches of each part (pack, initial compact state, per-step forward and backward, bias gradient).
 * src/kernels/lstmStep.ts records a whole pass from these and the GEMMs, and picks the variant; same buffers
 * and CPU twin (src/reference/lstmStep.ts) as the plain steps.
 */
import lstmStepVec4Shader from '../../shaders/lstmStepVec4.wgsl';
import { defineKernel, grid1d, subRange, type BufferRef } from '../gpu/kernel';
import type { Plan } from '../gpu/plan';
import { initialSlot, timeOfStep } from './direction';
import type { CellDims } from './cell';

const kernel = (entry: string) => defineKernel(lstmStepVec4Shader, entry);
export const lstmPackKernel = kernel('pack');
export const lstmInitStateKernel = kernel('init_state');
export const lstmForwardVec4Kernel = kernel('forward');
export const lstmBackwardVec4Kernel = kernel('backward');
export const lstmForwardVec4Kernel8 = kernel('forward8');
export const lstmBackwardVec4Kernel8 = kernel('backward8');
export const lstmBiasGradKernel = kernel('bias_grad');
const WG = 64;

/**
 * The scratch of the interleaved variants, in floats; each part starts 256-byte aligned so it can be bound on
 * its own (the GEMMs read Wp and Up, the input GEMM bp). Compact h is [2, batch, ⌈u/4⌉] vec4s.
 */
export function lstmVec4Scratch(batch: number, units: number, features: number) {
  const align = (floats: number) => Math.ceil(floats / 64) * 64;
  const quads = Math.ceil(units / 4);
  const up = { offset: 0, floats: 4 * units * units };
  const wp = { offset: align(up.offset + up.floats), floats: 4 * features * units };
  const bp = { offset: align(wp.offset + wp.floats), floats: 4 * units };
  const hc = { offset: align(bp.offset + bp.floats), floats: 2 * 4 * batch * quads, half: batch * quads };
  return { up, wp, bp, hc, total: hc.offset + hc.floats };
}

/** Up, Wp and (given the bias: the forward pass) bp into scratch from the Keras-layout weights. */
export function recordLstmPack(plan: Plan, w: { kernel: BufferRef; recurrentKernel: BufferRef; bias?: BufferRef; scratch: BufferRef }, dims: CellDims): void {
  const { units, features } = dims;
  const layout = lstmVec4Scratch(dims.batch, units, features);
  plan.dispatch({
    kernel: lstmPackKernel,
    constants: { WG },
    // Without a bias the binding still needs a (read-only) buffer, and the dispatch stops before bp.
    bindings: { recurrent: w.recurrentKernel, kernel: w.kernel, bias: w.bias ?? w.recurrentKernel, packed: subRange(w.scratch, 0, layout.total) },
    uniforms: { units, features, wp: layout.wp.offset / 4, bp: layout.bp.offset / 4 },
    workgroups: grid1d(units * units + features * units + (w.bias ? units : 0), WG),
  });
}

/** The initial state's slot of h into the first half of compact h; zeros into the second. */
export function recordLstmInitState(plan: Plan, h: BufferRef, scratch: BufferRef, dims: CellDims, goBackwards: boolean): void {
  const { batch, units, timesteps } = dims;
  const layout = lstmVec4Scratch(batch, units, dims.features);
  plan.dispatch({
    kernel: lstmInitStateKernel,
    constants: { WG },
    bindings: { h_init: h, packed: subRange(scratch, 0, layout.total) },
    uniforms: { batch, units, h_offset: initialSlot(timesteps, goBackwards) * batch * units, hc: layout.hc.offset / 4 },
    workgroups: grid1d(2 * batch * Math.ceil(units / 4), WG),
  });
}

/**
 * Rows per block of the step kernels (4: entries forward/backward, 8: forward8/backward8) and their workgroup
 * size, chosen by measurement: SwiftShader, 2 cores, tutorial B32 T60 F1 U50 relu, variants alternating in one
 * page (a throwaway page like bench/profile.ts; the machine was loaded, so compare within a column), ms of the
 * 60 forward steps / of the 60 backward steps:
 *
 *   rows × units @ WG    forward, h read as hv[s]   forward, s unrolled   backward
 *   4×4 @ 64             39.8 (the old kernel)      —                     26.7 (the old kernel)
 *   4×4 @ 16             37.9                       31.4                  23.5
 *   8×4 @ 16 / 8 / 32    33.2 / — / 33.7            25.2 / 24.9 / 25.0    22.5
 *   16×4 @ 8 / 4         —                          24.7 / 23.4           21.8
 *   4×8 @ 16, 8×8 @ 8    44.0, 44.3                 —                     27.5, 26.3
 *
 * 8 rows share each Up load between twice the FMAs; 16 rows gained little more for twice the code. Small
 * workgroups spread the few blocks (52 here) over both cores. A batch under 8 keeps 4-row blocks.
 */
const STEP_WG = 16;
function stepRows(batch: number): 4 | 8 {
  return batch >= 8 ? 8 : 4;
}

function blocks(batch: number, units: number): [number, number] {
  return grid1d(Math.ceil(batch / stepRows(batch)) * Math.ceil(units / 4), STEP_WG);
}

/**
 * Up to this many input features the forward step computes x·W + b itself (FUSED_INPUT) instead of reading an
 * input GEMM's output: per 4×4 block it loads 4·F x scalars and 4·(F+1) Wp/bp vec4s where xproj costs 16 vec4s,
 * and the GEMM (store-bound for few features) disappears. Measured on SwiftShader, forward pass with the input
 * GEMM → fused, alternating in one page: B32 T60 U50 with F = 1: 34.6 → 28.2 ms, F = 2: 30.3 → 24.8, F = 4:
 * 30.6 → 26.0, F = 8: 30.3 → 29.0; B64 T20 U256 F32: 284 → 270 ms. Not measured past 32 features.
 */
export const LSTM_FUSED_INPUT_MAX_FEATURES = 32;

export interface Vec4ForwardBuffers {
  x: BufferRef;
  xOffset?: number;
  xproj: BufferRef;
  h: BufferRef;
  c: BufferRef;
  gates: BufferRef;
  scratch: BufferRef;
}

/** The forward bindings and the uniforms shared by every step (the fused-input ones among them). */
export function forwardBindings(buf: Vec4ForwardBuffers, dims: CellDims) {
  const layout = lstmVec4Scratch(dims.batch, dims.units, dims.features);
  return {
    bindings: { xproj: buf.xproj, x_in: buf.x, h: buf.h, c: buf.c, gates: buf.gates, scratch: subRange(buf.scratch, 0, layout.total) },
    fused: { features: dims.features, x_offset: buf.xOffset ?? 0, wp: layout.wp.offset / 4, bp: layout.bp.offset / 4 },
  };
}

export function recordLstmForwardStepsVec4(plan: Plan, buf: Vec4ForwardBuffers, dims: CellDims, constants: Record<string, number>, goBackwards: boolean): void {
  const { batch, timesteps, units } = dims;
  const layout = lstmVec4Scratch(batch, units, dims.features);
  const hc = layout.hc.offset / 4;
  const { bindings, fused } = forwardBindings(buf, dims);
  for (let s = 0; s < timesteps; s++) {
    plan.dispatch({
      kernel: stepRows(batch) === 8 ? lstmForwardVec4Kernel8 : lstmForwardVec4Kernel,
      constants: { ...constants, WG: STEP_WG },
      bindings,
      uniforms: { t: timeOfStep(s, timesteps, goBackwards), batch, units, hc_read: hc + (s % 2) * layout.hc.half, hc_write: hc + ((s + 1) % 2) * layout.hc.half, ...fused },
      workgroups: blocks(batch, units),
    });
  }
}

export function recordLstmBackwardStepsVec4(
  plan: Plan,
  buf: { gates: BufferRef; c: BufferRef; dy: BufferRef; dhLast: BufferRef; dc: BufferRef; dgates: BufferRef; scratch: BufferRef },
  dims: CellDims,
  constants: Record<string, number>,
  goBackwards: boolean,
  dyIsSequence: boolean,
): void {
  const { batch, timesteps, units } = dims;
  const layout = lstmVec4Scratch(batch, units, dims.features);
  for (let s = timesteps - 1; s >= 0; s--) {
    plan.dispatch({
      kernel: stepRows(batch) === 8 ? lstmBackwardVec4Kernel8 : lstmBackwardVec4Kernel,
      constants: { ...constants, WG: STEP_WG },
      bindings: { packed_b: subRange(buf.scratch, layout.up.offset, layout.up.floats), saved_gates: buf.gates, saved_c: buf.c, dy: buf.dy, dh_last: buf.dhLast, dc: buf.dc, dgates: buf.dgates },
      uniforms: { t: timeOfStep(s, timesteps, goBackwards), batch, units, timesteps, dy_is_sequence: dyIsSequence ? 1 : 0 },
      workgroups: blocks(batch, units),
    });
  }
}

/** db (Keras order) from the interleaved gate gradients [rows, u] vec4. */
export function recordLstmBiasGrad(plan: Plan, dgates: BufferRef, dBias: BufferRef, rows: number, units: number): void {
  plan.dispatch({
    kernel: lstmBiasGradKernel,
    constants: { WG },
    bindings: { dg_sum: dgates, db: dBias },
    uniforms: { rows, units },
    workgroups: grid1d(units, WG),
  });
}
