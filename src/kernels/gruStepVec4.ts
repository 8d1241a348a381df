/**
 * The register-blocked, gate-interleaved GRU (shaders/gruStepVec4*.wgsl; what the files share and the lane
 * layout: shaders/gruStepVec4.wgsl): the recording of a whole forward or backward pass from its kernel files'
 * wrappers (pack and compact initial state, the input GEMM when not fused, the steps, then the gradients after
 * the loop), and the rules that pick block shapes and paths. src/kernels/gruStep.ts picks the variant; same
 * buffers (sized by gruSizes for the variant) and CPU twin (src/reference/gruStep.ts) as the plain steps.
 */
import { ValueError } from '../errors';
import { subRange, type BufferRef } from '../gpu/kernel';
import type { Plan } from '../gpu/plan';
import type { CellDims } from './cell';
import { recordGemm } from './gemm';
import { gruVec4Scratch, type GruBackwardBuffers, type GruForwardBuffers, type GruKernelOptions, type GruVec4StepShape } from './gruPass';
import { gruVec4BackwardKernels, recordGruVec4BackwardSteps } from './gruStepVec4Backward';
import { gruVec4ForwardKernels, recordGruVec4ForwardSteps } from './gruStepVec4Forward';
import { gruVec4PackKernels, recordGruVec4Pack } from './gruStepVec4Pack';
import { compactStateKernel, recordCompactState } from './compactState';
import { previousStatesSlot } from './direction';
import { initialStateInput, recurrentGemmInput } from './recurrentDropout';
import { gruVec4WeightGradKernels, recordGruVec4InputGrad, recordGruVec4WeightGemms, recordGruVec4WeightGrad } from './gruStepVec4WeightGrad';
export { gruVec4Scratch, type GruVec4Tuning } from './gruPass';

/** Every entry point of the family, by the names the host uses (the binding tests walk them all). */
export const gruVec4Kernels = {
  ...gruVec4PackKernels,
  initState: compactStateKernel,
  ...gruVec4ForwardKernels,
  ...gruVec4BackwardKernels,
  ...gruVec4WeightGradKernels,
};

/**
 * Up to this many input features the forward step computes x·W + b itself (FUSED_INPUT) instead of reading an
 * input GEMM's output. The same trade as the LSTM's (src/kernels/lstmStepVec4.ts, where it was measured): per
 * 4×4 block 4·F x scalars and 4·(F+1) Wp/bp vec4 loads against 16 xproj vec4s, and no store-bound GEMM.
 */
export const GRU_FUSED_INPUT_MAX_FEATURES = 32;

/**
 * Block shapes, workgroup sizes and post-loop paths, chosen by measurement on SwiftShader (bench/results/
 * gru-kernels.md, "Block shapes and post-loop paths"): steps in blocks of 8 batch rows × 4 units (each packed-U
 * load feeds twice the FMAs of a 4-row block) in workgroups of 8, 4-row blocks under a batch of 8; after the
 * loop, one weight_grad pass (8 rows of [h | x | 1] × 4 units, workgroups of 16) for up to 32 features and one
 * input_grad pass for up to 4, else GEMMs (input_grad loops over every unit per feature, and only one feature
 * was measured). GruKernelOptions.tuning overrides them, for bench/profile.ts's comparisons.
 */
const STEP_WG = 8;
export const GRU_WEIGHT_GRAD_MAX_FEATURES = 32;
export const GRU_INPUT_GRAD_MAX_FEATURES = 4;
const WEIGHT_GRAD_WG = 16;
const WEIGHT_GRAD_ROWS: 4 | 8 = 8;

function stepShape(batch: number, o: GruKernelOptions): GruVec4StepShape {
  const t = o.tuning ?? {};
  return { rows: t.rows ?? (batch >= 8 ? 8 : 4), wg: t.wg ?? STEP_WG };
}

function checkFloats(ref: BufferRef, floats: number, name: string): void {
  if (ref.size < floats * 4) throw new ValueError(`gru 'vec4' kernel: ${name} holds ${ref.size / 4} floats; it needs ${floats} (gruSizes)`);
}

function hcatOf(o: GruKernelOptions, hcat: BufferRef | undefined): BufferRef | null {
  if (o.resetAfter) return null;
  if (!hcat) throw new ValueError("gruStep: reset before needs the 'hcat' buffer; got none");
  return hcat;
}

export function recordGruForwardVec4(
  plan: Plan,
  buf: GruForwardBuffers & { scratch: BufferRef },
  dims: CellDims,
  o: GruKernelOptions,
  xprojFloats: number,
  gatesFloats: number,
): void {
  const { batch, timesteps, features, units } = dims;
  const layout = gruVec4Scratch(batch, units, features, o.resetAfter);
  checkFloats(buf.scratch, layout.total, 'scratch');
  checkFloats(buf.xproj, xprojFloats, 'xproj');
  checkFloats(buf.gates, gatesFloats, 'gates');
  const hcat = hcatOf(o, buf.hcat);

  recordGruVec4Pack(plan, buf, buf.scratch, dims, o.resetAfter);
  // The compact h feeds only products with U: h0 ⊙ keep with recurrent dropout (src/kernels/recurrentDropout.ts).
  const initial = initialStateInput(plan, buf, dims, o.goBackwards);
  recordCompactState(plan, initial.buffer, subRange(buf.scratch, 0, layout.steps), layout.hc.offset / 4, dims, o.goBackwards, initial.offset);
  const fused = features <= GRU_FUSED_INPUT_MAX_FEATURES;
  if (!fused) {
    const wp = subRange(buf.scratch, layout.wp.offset, layout.wp.floats);
    const bp = subRange(buf.scratch, layout.bp.offset, layout.bp.floats);
    recordGemm(plan, { a: buf.x, aOffset: buf.xOffset ?? 0, b: wp, bias: bp, c: buf.xproj, m: timesteps * batch, n: 4 * units, k: features });
  }
  recordGruVec4ForwardSteps(plan, buf, hcat, dims, o, stepShape(batch, o), fused);
}

export function recordGruBackwardVec4(
  plan: Plan,
  buf: GruBackwardBuffers & { scratch: BufferRef },
  dims: CellDims,
  o: GruKernelOptions,
  dyIsSequence: boolean,
  dgFloats: number,
): void {
  const { batch, features, units } = dims;
  const layout = gruVec4Scratch(batch, units, features, o.resetAfter);
  checkFloats(buf.scratch, layout.total, 'scratch');
  checkFloats(buf.dgh, dgFloats, 'dgh');
  const hcat = hcatOf(o, buf.hcat);
  const gemm = o.tuning?.gemm ?? false;

  // dG [T, B, u] vec4 (dz, dr, dGh_h, da) in buf.dgh; reset before also writes da into hcat's first block.
  recordGruVec4Pack(plan, buf, buf.scratch, dims, o.resetAfter);
  recordGruVec4BackwardSteps(plan, buf, hcat, dims, o, stepShape(batch, o), dyIsSequence);
  if (buf.dx) recordGruVec4InputGrad(plan, { ...buf, dx: buf.dx }, dims, o, gemm || features > GRU_INPUT_GRAD_MAX_FEATURES);
  // dU pairs dG with H_{t−1}, or with recurrent dropout H̃ = H ⊙ keep (reset_before's candidate column: hcat's R ⊙ H̃).
  const hIn = recurrentGemmInput(plan, buf, dims, previousStatesSlot(o.goBackwards) * batch * units);
  const weights = { ...buf, h: hIn.buffer };
  if (!gemm && features <= GRU_WEIGHT_GRAD_MAX_FEATURES) {
    recordGruVec4WeightGrad(plan, weights, hcat, dims, o, { rows: o.tuning?.wgRows ?? WEIGHT_GRAD_ROWS, wg: o.tuning?.wgWg ?? WEIGHT_GRAD_WG }, hIn.offset);
  } else {
    recordGruVec4WeightGemms(plan, weights, hcat, dims, o, hIn.offset);
  }
}
