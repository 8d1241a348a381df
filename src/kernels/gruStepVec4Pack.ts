/**
 * The register-blocked GRU's setup dispatch (shaders/gruStepVec4Pack.wgsl): the weights packed into the
 * scratch's interleaved layout, once per pass. src/kernels/gruStepVec4.ts records it at the start of its passes
 * (with src/kernels/compactState.ts's initial state in a forward pass).
 */
import gruStepVec4PackShader from '../../shaders/gruStepVec4Pack.wgsl';
import { defineKernel, grid1d, subRange, type BufferRef } from '../gpu/kernel';
import type { Plan } from '../gpu/plan';
import type { CellDims } from './cell';
import { gruVec4Scratch } from './gruPass';

const kernel = (entry: string) => defineKernel(gruStepVec4PackShader, entry);
export const gruVec4PackKernels = {
  pack: kernel('pack'),
};
const WG = 64;

export interface GruVec4Weights {
  kernel: BufferRef;
  recurrentKernel: BufferRef;
  /** Absent in a backward pass: the steps there need no bias, and the dispatch stops before bp. */
  bias?: BufferRef;
  recurrentBias?: BufferRef;
  recurrentBiasOffset?: number;
}

/** Up, Wp, (reset_before) Uhq and Uht, and (given the bias: the forward pass) bp into the scratch. */
export function recordGruVec4Pack(plan: Plan, w: GruVec4Weights, scratch: BufferRef, dims: CellDims, resetAfter: boolean): void {
  const { batch, units, features } = dims;
  const layout = gruVec4Scratch(batch, units, features, resetAfter);
  const uh = resetAfter ? 0 : units * Math.ceil(units / 4);
  plan.dispatch({
    kernel: gruVec4PackKernels.pack,
    constants: { WG, RESET_AFTER: resetAfter ? 1 : 0 },
    // Without a bias the bindings still need (read-only) buffers, and the dispatch stops before bp.
    bindings: {
      recurrent: w.recurrentKernel,
      kernel: w.kernel,
      bias: w.bias ?? w.recurrentKernel,
      recurrent_bias: w.recurrentBias ?? w.bias ?? w.recurrentKernel,
      packed: subRange(scratch, 0, layout.steps),
    },
    uniforms: {
      units,
      features,
      wp: layout.wp.offset / 4,
      uhq: layout.uhq.offset / 4,
      uht: layout.uht.offset / 4,
      bp: layout.bp.offset / 4,
      uh,
      rbias_offset: w.recurrentBiasOffset ?? 0,
    },
    workgroups: grid1d(units * units + features * units + 2 * uh + (w.bias ? units : 0), WG),
  });
}
