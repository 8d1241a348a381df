/**
 * The register-blocked, gate-interleaved GRU of shaders/gruStepVec4.wgsl: its scratch layout and the recording
 * of a whole forward or backward pass (pack, compact initial state, the input GEMM when not fused, the steps,
 * then the gradient GEMMs, unpacks and bias sums). src/kernels/gruStep.ts picks the variant; same buffers
 * (sized by gruSizes for the variant) and CPU twin (src/reference/gruStep.ts) as the plain steps.
 */
import source from '../../shaders/gruStepVec4.wgsl?raw';
import { ValueError } from '../errors';
import { defineKernel, grid1d, type BufferRef } from '../gpu/kernel';
import type { Plan } from '../gpu/plan';
import { ACTIVATION_IDS, activationsSource } from './activations';
import { directionSource, initialSlot, previousStatesSlot, timeOfStep } from './direction';
import { recordGemm } from './gemm';
import type { GruBackwardBuffers, GruDims, GruForwardBuffers, GruKernelOptions } from './gruStep';

const kernel = (entry: string) => defineKernel('gruStepVec4', entry, activationsSource, directionSource, source);
export const gruVec4Kernels = {
  pack: kernel('pack'),
  initState: kernel('init_state'),
  forward: kernel('forward'),
  forwardCandidate: kernel('forward_candidate'),
  backward: kernel('backward'),
  backwardUpdate: kernel('backward_update'),
  backwardReset: kernel('backward_reset'),
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

function subRange(ref: BufferRef, offsetFloats: number, floats: number): BufferRef {
  const base = 'buffer' in ref ? ref : { buffer: ref, offset: 0 };
  return { buffer: base.buffer, offset: base.offset + offsetFloats * 4, size: Math.max(floats, 4) * 4 };
}

const blocks = (batch: number, units: number) => grid1d(Math.ceil(batch / 4) * Math.ceil(units / 4), WG);

function stepConstants(o: GruKernelOptions) {
  return {
    WG,
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
function recordPack(plan: Plan, w: { kernel: BufferRef; recurrentKernel: BufferRef; bias?: BufferRef; recurrentBias?: BufferRef; recurrentBiasOffset?: number }, scratch: BufferRef, dims: GruDims, resetAfter: boolean): void {
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

export function recordGruForwardVec4(plan: Plan, buf: GruForwardBuffers & { scratch: BufferRef }, dims: GruDims, o: GruKernelOptions, xprojFloats: number, gatesFloats: number): void {
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
  const workgroups = blocks(batch, units);
  for (let s = 0; s < timesteps; s++) {
    const uniforms = { t: timeOfStep(s, timesteps, o.goBackwards), hc_read: hc + (s % 2) * layout.hc.half, hc_write: hc + ((s + 1) % 2) * layout.hc.half, ...fixed };
    plan.dispatch({ kernel: gruVec4Kernels.forward, constants, bindings: { xproj: buf.xproj, x_in: buf.x, h: buf.h, gates: buf.gates, scratch }, uniforms, workgroups });
    if (hcat) {
      plan.dispatch({ kernel: gruVec4Kernels.forwardCandidate, constants, bindings: { h: buf.h, gates: buf.gates, scratch, hcat }, uniforms, workgroups });
    }
  }
}

export function recordGruBackwardVec4(
  plan: Plan,
  buf: GruBackwardBuffers & { scratch: BufferRef },
  dims: GruDims,
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
  const workgroups = blocks(batch, units);
  const stepBindings = { scratch, saved_gates: buf.gates, saved_h: buf.h, carry: buf.carry, dgates: dg };
  for (let s = timesteps - 1; s >= 0; s--) {
    const uniforms = { t: timeOfStep(s, timesteps, o.goBackwards), ...fixed };
    const io = { dy: buf.dy, dh_last: buf.dhLast };
    if (hcat) {
      plan.dispatch({ kernel: gruVec4Kernels.backwardUpdate, constants, bindings: { ...stepBindings, ...io, hcat }, uniforms, workgroups });
      plan.dispatch({ kernel: gruVec4Kernels.backwardReset, constants, bindings: stepBindings, uniforms, workgroups });
    } else {
      plan.dispatch({ kernel: gruVec4Kernels.backward, constants, bindings: { ...stepBindings, ...io }, uniforms, workgroups });
    }
  }
  plan.dispatch({
    kernel: gruVec4Kernels.initialGrad,
    constants,
    bindings: { scratch, carry: buf.carry, dgates: dg, dh0: buf.dh0 },
    uniforms: { t: timeOfStep(0, timesteps, o.goBackwards), ...fixed },
    workgroups,
  });

  const wp = subRange(buf.scratch, layout.wp.offset, layout.wp.floats);
  if (buf.dx) recordGemm(plan, { a: dg, b: wp, c: buf.dx, m: rows, n: features, k: u4, transB: true });
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
  recordGemm(plan, { a: buf.x, aOffset: buf.xOffset ?? 0, b: dg, c: gt(features), m: features, n: u4, k: rows, transA: true });
  unpack(features, buf.dKernel, 3);
  const hPrev = previousStatesSlot(o.goBackwards) * batch * units;
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
