/**
 * The register-blocked GRU's gradients after the backward loop (shaders/gruStepVec4WeightGrad.wgsl), from the
 * gate gradients dG the steps left in buf.dgh: dX, then dU, dW and the biases, each in one dispatch (few
 * features) or through GEMMs, unpacks and column sums. src/kernels/gruStepVec4.ts decides which.
 */
import gruStepVec4WeightGradShader from '../../shaders/gruStepVec4WeightGrad.wgsl';
import { ValueError } from '../errors';
import { defineKernel, grid1d, subRange, type BufferRef } from '../gpu/kernel';
import type { Plan } from '../gpu/plan';
import type { CellDims } from './cell';
import { previousStatesSlot } from './direction';
import { recordGemm } from './gemm';
import { gruVec4Scratch, type GruBackwardBuffers, type GruKernelOptions } from './gruPass';

const kernel = (entry: string) => defineKernel(gruStepVec4WeightGradShader, entry);
export const gruVec4WeightGradKernels = {
  weightGrad: kernel('weight_grad'),
  weightGrad8: kernel('weight_grad8'),
  inputGrad: kernel('input_grad'),
  biasGrad: kernel('bias_grad'),
  biasGradAfter: kernel('bias_grad_after'),
  unpack: kernel('unpack'),
  unpackSplit: kernel('unpack_split'),
};
const WG = 64;
type Buffers = GruBackwardBuffers & { scratch: BufferRef };

/** The uniforms of weight_grad and input_grad. */
function weightGradUniforms(buf: Buffers, dims: CellDims, o: GruKernelOptions, hOffset: number) {
  const { batch, timesteps, features, units } = dims;
  const rows = timesteps * batch;
  const layout = gruVec4Scratch(batch, units, features, o.resetAfter);
  return {
    rows,
    units,
    features,
    h_offset: hOffset,
    rh_offset: rows * units,
    x_offset: buf.xOffset ?? 0,
    wp: layout.wp.offset / 4,
  };
}

/** dX = dG·Wpᵀ into buf.dx: entry input_grad (one invocation per row and feature), or with `gemm` a GEMM. */
export function recordGruVec4InputGrad(plan: Plan, buf: Buffers & { dx: BufferRef }, dims: CellDims, o: GruKernelOptions, gemm: boolean): void {
  const { batch, timesteps, features, units } = dims;
  const layout = gruVec4Scratch(batch, units, features, o.resetAfter);
  const rows = timesteps * batch;
  if (gemm) {
    recordGemm(plan, { a: buf.dgh, b: subRange(buf.scratch, layout.wp.offset, layout.wp.floats), c: buf.dx, m: rows, n: features, k: 4 * units, transB: true });
    return;
  }
  plan.dispatch({
    kernel: gruVec4WeightGradKernels.inputGrad,
    constants: { WG },
    bindings: { dg_sum: buf.dgh, scratch: subRange(buf.scratch, 0, layout.steps), dx_out: buf.dx },
    uniforms: weightGradUniforms(buf, dims, o, previousStatesSlot(o.goBackwards) * batch * units),
    workgroups: grid1d(rows * features, WG),
  });
}

/** dU, dW and the biases in one dispatch of weight_grad: `rows` rows of [h_prev | x | 1] per block. */
export function recordGruVec4WeightGrad(
  plan: Plan,
  buf: Buffers,
  hcat: BufferRef | null,
  dims: CellDims,
  o: GruKernelOptions,
  shape: { rows: 4 | 8; wg: number },
  /** Where H_{t−1} starts in buf.h (the states' slot before the first step, or 0 in a H̃ scratch). */
  hOffset: number = previousStatesSlot(o.goBackwards) * dims.batch * dims.units,
): void {
  const { batch, features, units } = dims;
  const layout = gruVec4Scratch(batch, units, features, o.resetAfter);
  const quads = Math.ceil(units / 4);
  plan.dispatch({
    kernel: shape.rows === 8 ? gruVec4WeightGradKernels.weightGrad8 : gruVec4WeightGradKernels.weightGrad,
    constants: { WG: shape.wg, RESET_AFTER: o.resetAfter ? 1 : 0 },
    bindings: {
      wg_h: buf.h,
      wg_rh: hcat ?? buf.h,
      wg_x: buf.x,
      dg_sum: buf.dgh,
      d_recurrent: buf.dRecurrentKernel,
      d_kernel: buf.dKernel,
      db: buf.dBias,
      // reset before has no recurrent bias: the binding takes a spare range of the scratch (gt, unused here).
      db_rec: o.resetAfter ? (buf.dRecurrentBias ?? need()) : subRange(buf.scratch, layout.gt.offset, 4 * units * units),
    },
    uniforms: weightGradUniforms(buf, dims, o, hOffset),
    workgroups: grid1d((Math.ceil(units / shape.rows) + Math.ceil((features + 1) / shape.rows)) * quads, shape.wg),
  });
}

/**
 * dW = Xᵀ·dG and dU = Hᵀ·dG through gt, each then unpacked to Keras columns (the two share gt, which the
 * dispatches' order keeps apart); reset before: dUh = (R ⊙ H)ᵀ·DA into gt_h, taken by unpack_split. Then the
 * bias sums.
 */
export function recordGruVec4WeightGemms(
  plan: Plan,
  buf: Buffers,
  hcat: BufferRef | null,
  dims: CellDims,
  o: GruKernelOptions,
  hOffset: number = previousStatesSlot(o.goBackwards) * dims.batch * dims.units,
): void {
  const { batch, timesteps, features, units } = dims;
  const layout = gruVec4Scratch(batch, units, features, o.resetAfter);
  const rows = timesteps * batch;
  const u4 = 4 * units;
  const dg = buf.dgh;
  const k = gruVec4WeightGradKernels;
  const gt = (m: number) => subRange(buf.scratch, layout.gt.offset, m * u4);
  const unpack = (m: number, out: BufferRef, lane: number) =>
    plan.dispatch({
      kernel: k.unpack,
      constants: { WG },
      bindings: { gt: gt(m), unpacked: out },
      uniforms: { rows: m, units, lane },
      workgroups: grid1d(m * units, WG),
    });
  recordGemm(plan, { a: buf.x, aOffset: buf.xOffset ?? 0, b: dg, c: gt(features), m: features, n: u4, k: rows, transA: true });
  unpack(features, buf.dKernel, 3);
  recordGemm(plan, { a: buf.h, aOffset: hOffset, b: dg, c: gt(units), m: units, n: u4, k: rows, transA: true });
  if (hcat) {
    const gtH = subRange(buf.scratch, layout.gtH.offset, layout.gtH.floats);
    recordGemm(plan, { a: hcat, aOffset: rows * units, b: hcat, c: gtH, m: units, n: units, k: rows, transA: true });
    plan.dispatch({
      kernel: k.unpackSplit,
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
    kernel: o.resetAfter ? k.biasGradAfter : k.biasGrad,
    constants: { WG },
    bindings: biasBindings,
    uniforms: { rows, units },
    workgroups: grid1d(units, WG),
  });
}

function need(): never {
  throw new ValueError("gruStep: resetAfter needs the 'dRecurrentBias' buffer; got none");
}
