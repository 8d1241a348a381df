/**
 * The register-blocked, gate-interleaved GRU of shaders/gruStepVec4.wgsl: its scratch layout and the recording
 * of a whole forward or backward pass (pack, compact initial state, the input GEMM when not fused, the steps,
 * then the gradient GEMMs, unpacks and bias sums). src/kernels/gruStep.ts picks the variant; same buffers
 * (sized by gruSizes for the variant) and CPU twin (src/reference/gruStep.ts) as the plain steps.
 */
import gruStepVec4Shader from '../../shaders/gruStepVec4.wgsl';
import { ValueError } from '../errors';
import { defineKernel, grid1d, subRange, type BufferRef } from '../gpu/kernel';
import type { Plan } from '../gpu/plan';
import { ACTIVATION_IDS } from './activations';
import { initialSlot, previousStatesSlot, timeOfStep } from './direction';
import { recordGemm } from './gemm';
import type { GruBackwardBuffers, GruForwardBuffers, GruKernelOptions } from './gruStep';
import type { CellDims } from './cell';

const kernel = (entry: string) => defineKernel(gruStepVec4Shader, entry);
export const gruVec4Kernels = {
  pack: kernel('pack'),
  initState: kernel('init_state'),
  forward: kernel('forward'),
  forwardCandidate: kernel('forward_candidate'),
  backward: kernel('backward'),
  backwardUpdate: kernel('backward_update'),
  backwardReset: kernel('backward_reset'),
  forward8: kernel('forward8'),
  forwardCandidate8: kernel('forward_candidate8'),
  backward8: kernel('backward8'),
  backwardUpdate8: kernel('backward_update8'),
  backwardReset8: kernel('backward_reset8'),
  weightGrad: kernel('weight_grad'),
  weightGrad8: kernel('weight_grad8'),
  inputGrad: kernel('input_grad'),
  forwardZr: kernel('forward_zr'),
  forwardZr8: kernel('forward8_zr'),
  initialGrad: kernel('initial_grad'),
  biasGrad: kernel('bias_grad'),
  biasGradAfter: kernel('bias_grad_after'),
  unpack: kernel('unpack'),
  unpackSplit: kernel('unpack_split'),
};
const WG = 64;

/**
 * Up to this many input features the forward step computes x·W + b itself (FUSED_INPUT) instead of reading an
 * input GEMM's output. The same trade as the LSTM's (src/kernels/lstmStepVec4.ts, where it was measured): per
 * 4×4 block 4·F x scalars and 4·(F+1) Wp/bp vec4 loads against 16 xproj vec4s, and no store-bound GEMM.
 */
export const GRU_FUSED_INPUT_MAX_FEATURES = 32;

/**
 * The scratch of the vec4 variant, in floats; each part starts 256-byte aligned so it can be bound on its own
 * (the GEMMs read Wp, the input GEMM bp, the gradient GEMMs write gt). Uhq and Uht are empty with resetAfter.
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

/**
 * Block shapes and workgroup sizes, chosen by measurement: SwiftShader, 2 cores (loaded by other work: compare
 * within a column only), the benchmark's GRU B32 T60 F1 U50 relu, the variants' plans alternating in one page
 * (bench/profile.ts's `compare`, `npm run bench -- --profile --sections=gru-blocks`), median ms of 11 runs.
 *
 * Step kernels, rows × units @ WG (all with the loops over h's lanes unrolled to .x/.y/.z/.w — SwiftShader
 * compiles `hv[s]` with a loop variable as a dynamic vector index — and FMAs only on the lanes a pass uses:
 * z, r, n with reset_after; z, r alone in reset_before's first dispatch (entries forward*_zr) and gather):
 *
 *                          forward before   forward after   backward steps before   backward steps after
 *   old kernel (4×4 @ 64)  59.1             39.4            —                       —
 *   4×4 @ 16               46.8             32.6            52.0                    35.0
 *   8×4 @ 16               41.1             24.8            57.5                    31.3
 *   8×4 @ 8                42.1             24.8            51.3                    31.9
 *   (another run, steps only: 4×4 @ 64 / 4×4 @ 8 / 8×4 @ 4: forward 42.8 / 41.2 / 34.4 before, 31.8 / 35.1 / 32.1
 *   after; backward 46.5 / 43.9 / 40.5 before, 35.4 / 43.1 / 40.2 after)
 *
 * 8 rows share each packed-U load between twice the FMAs (as the LSTM's, src/kernels/lstmStepVec4.ts); a batch
 * under 8 keeps 4-row blocks.
 *
 * After the backward loop, the GEMMs (dX, dW, dU, and dUh with reset_before), their unpacks and the bias sums
 * (quiet run, reset_before, ms): dX 4.25, dW 2.28, dU 14.6, dUh 6.05, unpacks 0.35, bias 1.67 against backward
 * steps 30.1. Entry `weight_grad` computes dU, dW and the biases in one dispatch ([h_prev | x | 1]ᵀ·dG, see the
 * WGSL) and `input_grad` dX (one invocation per row and feature): whole backward pass, the same page, before /
 * after: old kernel 58.7 / 70.8, new steps + GEMMs 53.1 / 66.0, new steps + weight_grad + input_grad 47.3 /
 * 61.8 (weight_grad alone 16.8 / 28.9, input_grad 1.3 / 2.5). weight_grad's block, A' rows × units @ WG, alone:
 * 4×4 @ 16: 33.2 / 17.1, 8×4 @ 16: 30.0 / 18.1, 8×4 @ 8: 32.4 / 17.3, 4×4 @ 4: 33.5 / 18.1. Only measured with
 * one feature: the limits below keep the GEMMs where x is wide (input_grad loops over all units per feature).
 *
 * Confirmation, `--sections=gru-blocks` (whole passes, forward / backward, before then after): default (8×4
 * @ 8, weight_grad 8×4 @ 16) 36.5 / 77.7 and 25.2 / 62.2; steps 4×4 @ 16 42.6 / 78.6 and 32.1 / 69.3; steps
 * 8×4 @ 16 38.0 / 79.3 and 27.4 / 64.6; GEMMs after the loop — / 87.3 and — / 67.6; weight_grad 4×4 @ 16
 * — / 81.3 and — / 72.1. Against the old kernel in the same page (another run): forward 46.6 vs 74.5 and
 * 24.9 vs 44.4, backward 101 vs 125 and 69.4 vs 76.9.
 *
 * GruKernelOptions.tuning overrides the choices, for bench/profile.ts's comparisons.
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
const STEP_WG = 8;
export const GRU_WEIGHT_GRAD_MAX_FEATURES = 32;
export const GRU_INPUT_GRAD_MAX_FEATURES = 4;
const WEIGHT_GRAD_WG = 16;
const WEIGHT_GRAD_ROWS: 4 | 8 = 8;
function stepRows(batch: number, t: GruVec4Tuning): 4 | 8 {
  return t.rows ?? (batch >= 8 ? 8 : 4);
}
const blocks = (batch: number, units: number, rows: number, t: GruVec4Tuning) => grid1d(Math.ceil(batch / rows) * Math.ceil(units / 4), t.wg ?? STEP_WG);

function stepConstants(o: GruKernelOptions) {
  return {
    WG: o.tuning?.wg ?? STEP_WG,
    ACTIVATION: ACTIVATION_IDS[o.activation],
    RECURRENT_ACTIVATION: ACTIVATION_IDS[o.recurrentActivation],
    GO_BACKWARDS: o.goBackwards ? 1 : 0,
    RESET_AFTER: o.resetAfter ? 1 : 0,
  };
}

function checkFloats(ref: BufferRef, floats: number, name: string): void {
  if (ref.size < floats * 4) throw new ValueError(`gru 'vec4' kernel: ${name} holds ${ref.size / 4} floats; it needs ${floats} (gruSizes)`);
}

/** Up, Wp, (reset_before) Uhq and Uht, and (given the bias: the forward pass) bp into the scratch. */
function recordPack(plan: Plan, w: { kernel: BufferRef; recurrentKernel: BufferRef; bias?: BufferRef; recurrentBias?: BufferRef; recurrentBiasOffset?: number }, scratch: BufferRef, dims: CellDims, resetAfter: boolean): void {
  const { batch, units, features } = dims;
  const layout = gruVec4Scratch(batch, units, features, resetAfter);
  const uh = resetAfter ? 0 : units * Math.ceil(units / 4);
  plan.dispatch({
    kernel: gruVec4Kernels.pack,
    constants: { WG, RESET_AFTER: resetAfter ? 1 : 0 },
    // Without a bias the bindings still need (read-only) buffers, and the dispatch stops before bp.
    bindings: {
      recurrent: w.recurrentKernel,
      kernel: w.kernel,
      bias: w.bias ?? w.recurrentKernel,
      recurrent_bias: w.recurrentBias ?? w.bias ?? w.recurrentKernel,
      packed: subRange(scratch, 0, layout.steps),
    },
    uniforms: { units, features, wp: layout.wp.offset / 4, uhq: layout.uhq.offset / 4, uht: layout.uht.offset / 4, bp: layout.bp.offset / 4, uh, rbias_offset: w.recurrentBiasOffset ?? 0 },
    workgroups: grid1d(units * units + features * units + 2 * uh + (w.bias ? units : 0), WG),
  });
}

export function recordGruForwardVec4(plan: Plan, buf: GruForwardBuffers & { scratch: BufferRef }, dims: CellDims, o: GruKernelOptions, xprojFloats: number, gatesFloats: number): void {
  const { batch, timesteps, features, units } = dims;
  const layout = gruVec4Scratch(batch, units, features, o.resetAfter);
  checkFloats(buf.scratch, layout.total, 'scratch');
  checkFloats(buf.xproj, xprojFloats, 'xproj');
  checkFloats(buf.gates, gatesFloats, 'gates');
  const hcat = o.resetAfter ? null : buf.hcat;
  if (!o.resetAfter && !hcat) throw new ValueError("gruStep: reset before needs the 'hcat' buffer; got none");
  const scratch = subRange(buf.scratch, 0, layout.steps);

  recordPack(plan, buf, buf.scratch, dims, o.resetAfter);
  plan.dispatch({
    kernel: gruVec4Kernels.initState,
    constants: { WG },
    bindings: { h_init: buf.h, packed: scratch },
    uniforms: { batch, units, h_offset: initialSlot(timesteps, o.goBackwards) * batch * units, hc: layout.hc.offset / 4 },
    workgroups: grid1d(2 * layout.hc.half, WG),
  });
  const fused = features <= GRU_FUSED_INPUT_MAX_FEATURES;
  if (!fused) {
    const wp = subRange(buf.scratch, layout.wp.offset, layout.wp.floats);
    const bp = subRange(buf.scratch, layout.bp.offset, layout.bp.floats);
    recordGemm(plan, { a: buf.x, aOffset: buf.xOffset ?? 0, b: wp, bias: bp, c: buf.xproj, m: timesteps * batch, n: 4 * units, k: features });
  }
  const constants = { ...stepConstants(o), FUSED_INPUT: fused ? 1 : 0 };
  const hc = layout.hc.offset / 4;
  const cq = hc + 2 * layout.hc.half;
  const fixed = { batch, units, timesteps, cq, uhq: layout.uhq.offset / 4, features, x_offset: buf.xOffset ?? 0, wp: layout.wp.offset / 4, bp: layout.bp.offset / 4 };
  const tuning = o.tuning ?? {};
  const eight = stepRows(batch, tuning) === 8;
  const workgroups = blocks(batch, units, eight ? 8 : 4, tuning);
  // reset before's first dispatch needs only the z and r sums of h_{t−1}·Up (lanes 0, 1): entries forward*_zr.
  const forward = o.resetAfter ? (eight ? gruVec4Kernels.forward8 : gruVec4Kernels.forward) : eight ? gruVec4Kernels.forwardZr8 : gruVec4Kernels.forwardZr;
  const candidate = eight ? gruVec4Kernels.forwardCandidate8 : gruVec4Kernels.forwardCandidate;
  for (let s = 0; s < timesteps; s++) {
    const uniforms = { t: timeOfStep(s, timesteps, o.goBackwards), hc_read: hc + (s % 2) * layout.hc.half, hc_write: hc + ((s + 1) % 2) * layout.hc.half, ...fixed };
    plan.dispatch({ kernel: forward, constants, bindings: { xproj: buf.xproj, x_in: buf.x, h: buf.h, gates: buf.gates, scratch }, uniforms, workgroups });
    if (hcat) {
      plan.dispatch({ kernel: candidate, constants, bindings: { h: buf.h, gates: buf.gates, scratch, hcat }, uniforms, workgroups });
    }
  }
}

export function recordGruBackwardVec4(
  plan: Plan,
  buf: GruBackwardBuffers & { scratch: BufferRef },
  dims: CellDims,
  o: GruKernelOptions,
  dyIsSequence: boolean,
  dgFloats: number,
): void {
  const { batch, timesteps, features, units } = dims;
  const layout = gruVec4Scratch(batch, units, features, o.resetAfter);
  checkFloats(buf.scratch, layout.total, 'scratch');
  checkFloats(buf.dgh, dgFloats, 'dgh');
  const hcat = o.resetAfter ? null : buf.hcat;
  if (!o.resetAfter && !hcat) throw new ValueError("gruStep: reset before needs the 'hcat' buffer; got none");
  const scratch = subRange(buf.scratch, 0, layout.steps);
  const rows = timesteps * batch;
  const u4 = 4 * units;
  // dG [T, B, u] vec4 (dz, dr, dGh_h, da); reset before also writes da into hcat's first block (WGSL header).
  const dg = buf.dgh;

  recordPack(plan, buf, buf.scratch, dims, o.resetAfter);
  const constants = stepConstants(o);
  const fixed = { batch, units, timesteps, dy_is_sequence: dyIsSequence ? 1 : 0, cq: layout.hc.offset / 4 + 2 * layout.hc.half, uht: layout.uht.offset / 4 };
  const tuning = o.tuning ?? {};
  const eight = stepRows(batch, tuning) === 8;
  const workgroups = blocks(batch, units, eight ? 8 : 4, tuning);
  const k = eight
    ? { backward: gruVec4Kernels.backward8, update: gruVec4Kernels.backwardUpdate8, reset: gruVec4Kernels.backwardReset8 }
    : { backward: gruVec4Kernels.backward, update: gruVec4Kernels.backwardUpdate, reset: gruVec4Kernels.backwardReset };
  const stepBindings = { scratch, saved_gates: buf.gates, saved_h: buf.h, carry: buf.carry, dgates: dg };
  for (let s = timesteps - 1; s >= 0; s--) {
    const uniforms = { t: timeOfStep(s, timesteps, o.goBackwards), ...fixed };
    const io = { dy: buf.dy, dh_last: buf.dhLast };
    if (hcat) {
      plan.dispatch({ kernel: k.update, constants, bindings: { ...stepBindings, ...io, hcat }, uniforms, workgroups });
      plan.dispatch({ kernel: k.reset, constants, bindings: stepBindings, uniforms, workgroups });
    } else {
      plan.dispatch({ kernel: k.backward, constants, bindings: { ...stepBindings, ...io }, uniforms, workgroups });
    }
  }
  plan.dispatch({
    kernel: gruVec4Kernels.initialGrad,
    constants,
    bindings: { scratch, carry: buf.carry, dgates: dg, dh0: buf.dh0 },
    uniforms: { t: timeOfStep(0, timesteps, o.goBackwards), ...fixed },
    workgroups: blocks(batch, units, 4, o.tuning ?? {}),
  });

  const wp = subRange(buf.scratch, layout.wp.offset, layout.wp.floats);
  const hPrev = previousStatesSlot(o.goBackwards) * batch * units;
  const wgUniforms = { rows, units, features, h_offset: hPrev, rh_offset: rows * units, x_offset: buf.xOffset ?? 0, wp: layout.wp.offset / 4 };
  if (buf.dx && features <= GRU_INPUT_GRAD_MAX_FEATURES && !o.tuning?.gemm) {
    plan.dispatch({
      kernel: gruVec4Kernels.inputGrad,
      constants: { WG },
      bindings: { dg_sum: dg, scratch, dx_out: buf.dx },
      uniforms: wgUniforms,
      workgroups: grid1d(rows * features, WG),
    });
  } else if (buf.dx) recordGemm(plan, { a: dg, b: wp, c: buf.dx, m: rows, n: features, k: u4, transB: true });
  // dW = Xᵀ·dG and dU = Hᵀ·dG through gt, each then unpacked to Keras columns (the two share gt, which the
  // dispatches' order keeps apart); reset before: dUh = (R ⊙ H)ᵀ·DA into gt_h, taken by unpack_split.
  const unpack = (m: number, out: BufferRef, lane: number) =>
    plan.dispatch({
      kernel: gruVec4Kernels.unpack,
      constants: { WG },
      bindings: { gt: subRange(buf.scratch, layout.gt.offset, m * u4), unpacked: out },
      uniforms: { rows: m, units, lane },
      workgroups: grid1d(m * units, WG),
    });
  const gt = (m: number) => subRange(buf.scratch, layout.gt.offset, m * u4);
  if (features <= GRU_WEIGHT_GRAD_MAX_FEATURES && !o.tuning?.gemm) {
    const quads = Math.ceil(units / 4);
    const ra = o.tuning?.wgRows ?? WEIGHT_GRAD_ROWS;
    const wgWg = o.tuning?.wgWg ?? WEIGHT_GRAD_WG;
    plan.dispatch({
      kernel: ra === 8 ? gruVec4Kernels.weightGrad8 : gruVec4Kernels.weightGrad,
      constants: { WG: wgWg, RESET_AFTER: o.resetAfter ? 1 : 0 },
      bindings: {
        wg_h: buf.h,
        wg_rh: hcat ?? buf.h,
        wg_x: buf.x,
        dg_sum: dg,
        d_recurrent: buf.dRecurrentKernel,
        d_kernel: buf.dKernel,
        db: buf.dBias,
        // reset before has no recurrent bias: the binding takes a spare range of the scratch (gt, unused here).
        db_rec: o.resetAfter ? buf.dRecurrentBias ?? need() : gt(units),
      },
      uniforms: wgUniforms,
      workgroups: grid1d((Math.ceil(units / ra) + Math.ceil((features + 1) / ra)) * quads, wgWg),
    });
    return;
  }
  recordGemm(plan, { a: buf.x, aOffset: buf.xOffset ?? 0, b: dg, c: gt(features), m: features, n: u4, k: rows, transA: true });
  unpack(features, buf.dKernel, 3);
  recordGemm(plan, { a: buf.h, aOffset: hPrev, b: dg, c: gt(units), m: units, n: u4, k: rows, transA: true });
  if (hcat) {
    const gtH = subRange(buf.scratch, layout.gtH.offset, layout.gtH.floats);
    recordGemm(plan, { a: hcat, aOffset: rows * units, b: hcat, c: gtH, m: units, n: units, k: rows, transA: true });
    plan.dispatch({
      kernel: gruVec4Kernels.unpackSplit,
      constants: { WG },
      bindings: { gt: gt(units), gt_h: gtH, unpacked: buf.dRecurrentKernel },
      uniforms: { rows: units, units, lane: 2 },
      workgroups: grid1d(units * units, WG),
    });
  } else {
    unpack(units, buf.dRecurrentKernel, 2);
  }
  const biasBindings: Record<string, BufferRef> = o.resetAfter
    ? { dg_sum: dg, db: buf.dBias, db_rec: buf.dRecurrentBias ?? need() }
    : { dg_sum: dg, db: buf.dBias };
  plan.dispatch({
    kernel: o.resetAfter ? gruVec4Kernels.biasGradAfter : gruVec4Kernels.biasGrad,
    constants: { WG },
    bindings: biasBindings,
    uniforms: { rows, units },
    workgroups: grid1d(units, WG),
  });
}

function need(): never {
  throw new ValueError("gruStep: resetAfter needs the 'dRecurrentBias' buffer; got none");
}
