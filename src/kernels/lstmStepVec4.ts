/**
 * Host side of shaders/lstmStepVec4.wgsl, what the register-blocked, gate-interleaved LSTM's kernels share: the
 * scratch layout, the bindings of a forward and of a backward step (the same for the per-step kernels of
 * lstmStepVec4Forward.ts / lstmStepVec4Backward.ts and the loop of lstmSeq.ts), and the block shape of the
 * per-step kernels. src/kernels/lstmStep.ts records a whole pass from these kernels and the GEMMs, and picks
 * the variant; same buffers and CPU twin (src/reference/lstmStep.ts) as the plain steps.
 */
import { grid1d, subRange, type BufferRef } from '../gpu/kernel';
import type { CellDims } from './cell';
import { stepMaskBindings, type StepMask } from './sequenceMask';

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

/**
 * Rows per block of the per-step kernels (4: entries forward/backward, 8: forward8/backward8) and their
 * workgroup size: 8 rows share each Up load between twice the FMAs, and small workgroups spread the few blocks
 * over the cores; a batch under 8 keeps 4-row blocks. Measured: bench/results/lstm-kernels.md, "Step blocks".
 */
export const STEP_WG = 16;
export function stepRows(batch: number): 4 | 8 {
  return batch >= 8 ? 8 : 4;
}

/** The workgroups of one per-step dispatch: one invocation per block. */
export function stepWorkgroups(batch: number, units: number): [number, number] {
  return grid1d(Math.ceil(batch / stepRows(batch)) * Math.ceil(units / 4), STEP_WG);
}

export interface Vec4ForwardBuffers {
  x: BufferRef;
  xOffset?: number;
  xproj: BufferRef;
  h: BufferRef;
  c: BufferRef;
  gates: BufferRef;
  scratch: BufferRef;
  /** The step mask (spare when unmasked; see ./sequenceMask). */
  mask?: StepMask | null;
}

export interface Vec4BackwardBuffers {
  gates: BufferRef;
  c: BufferRef;
  dy: BufferRef;
  dhLast: BufferRef;
  dc: BufferRef;
  dgates: BufferRef;
  scratch: BufferRef;
  /** The step mask; masked, dc is [2, B, u] with the carry of dh behind it. */
  mask?: StepMask | null;
}

/** A forward step's storage bindings, and the uniforms every step shares (the fused-input ones among them). */
export function forwardBindings(buf: Vec4ForwardBuffers, dims: CellDims) {
  const layout = lstmVec4Scratch(dims.batch, dims.units, dims.features);
  return {
    bindings: {
      xproj: buf.xproj,
      x_in: buf.x,
      h: buf.h,
      c: buf.c,
      gates: buf.gates,
      scratch: subRange(buf.scratch, 0, layout.total),
      ...stepMaskBindings(buf.mask, false),
    },
    fused: { features: dims.features, x_offset: buf.xOffset ?? 0, wp: layout.wp.offset / 4, bp: layout.bp.offset / 4 },
  };
}

/** A backward step's storage bindings: Up from the scratch, the saved gates and states, the gradients. */
export function backwardBindings(buf: Vec4BackwardBuffers, dims: CellDims) {
  const layout = lstmVec4Scratch(dims.batch, dims.units, dims.features);
  return {
    packed_b: subRange(buf.scratch, layout.up.offset, layout.up.floats),
    saved_gates: buf.gates,
    saved_c: buf.c,
    dy: buf.dy,
    dh_last: buf.dhLast,
    dc: buf.dc,
    dgates: buf.dgates,
    ...stepMaskBindings(buf.mask, false),
  };
}
