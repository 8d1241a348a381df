/**
 * Records Keras's recurrent dropout (shaders/recurrentDropout.wgsl; CPU twin src/reference/recurrentDropout.ts):
 * the keep mask over h_{t−1} that the plain step kernels read (shaders/direction.wgsl, RECURRENT_DROPOUT), and
 * the two places outside the step loop where it applies: the recurrent-kernel gradient's A and dh_0.
 */
import recurrentDropoutShader from '../../shaders/recurrentDropout.wgsl';
import { defineKernel, grid1d, subRange, type BufferRef } from '../gpu/kernel';
import type { Plan } from '../gpu/plan';
import { initialSlot } from './direction';
import { dropoutThreshold } from './dropout';

export const recurrentKeepDrawKernel = defineKernel(recurrentDropoutShader, 'draw_keep');
export const recurrentKeepAdvanceKernel = defineKernel(recurrentDropoutShader, 'advance');
export const recurrentKeepDropRowsKernel = defineKernel(recurrentDropoutShader, 'drop_rows');
export const recurrentKeepScaleKernel = defineKernel(recurrentDropoutShader, 'scale_in_place');
const WG = 64;

/**
 * The buffer a step kernel binds as step_mask under recurrent dropout: the step mask's T·B floats when the pass
 * is masked (copied in by the caller), then keep [B, u] at keepOffset (a multiple of 64 floats, so a binding can
 * start there). The step kernels find keep at the end of the bound range (`floats`).
 */
export interface RecurrentKeep {
  buffer: BufferRef;
  keepOffset: number;
  /** keepOffset + batch·units: the range the step kernels bind. */
  floats: number;
}

/** Floats of a RecurrentKeep buffer, and where keep starts in it. */
export function recurrentKeepLayout(dims: { batch: number; timesteps: number; units: number; masked?: boolean | undefined }): {
  keepOffset: number;
  floats: number;
} {
  const keepOffset = dims.masked ? Math.ceil((dims.timesteps * dims.batch) / 64) * 64 : 0;
  return { keepOffset, floats: keepOffset + dims.batch * dims.units };
}

/** The step_mask range of a step kernel under recurrent dropout. */
export function recurrentKeepBinding(keep: RecurrentKeep): BufferRef {
  return subRange(keep.buffer, 0, keep.floats);
}

function uniforms(keep: RecurrentKeep, dims: { batch: number; units: number }, extra: { rows?: number; xOffset?: number; rate?: number; seed?: number }) {
  const rate = extra.rate ?? 0;
  return {
    batch: dims.batch,
    units: dims.units,
    rows: extra.rows ?? dims.batch,
    keep_offset: keep.keepOffset,
    x_offset: extra.xOffset ?? 0,
    seed: (extra.seed ?? 0) >>> 0,
    threshold: dropoutThreshold(rate),
    keep_scale: 1 / (1 - rate),
  };
}

/**
 * A training batch: a fresh keep from (seed, step counter), then the counter advances. Otherwise (a training
 * program run for evaluation) keep is all ones and the counter stays.
 */
export function recordRecurrentKeep(
  plan: Plan,
  buf: { step: BufferRef; keep: RecurrentKeep },
  dims: { batch: number; units: number },
  draw: { rate: number; seed: number } | null,
): void {
  plan.dispatch({
    kernel: recurrentKeepDrawKernel,
    constants: { WG },
    bindings: { step: buf.step, keep: buf.keep.buffer },
    uniforms: uniforms(buf.keep, dims, draw ?? {}),
    workgroups: grid1d(dims.batch * dims.units, WG),
  });
  if (draw) plan.dispatch({ kernel: recurrentKeepAdvanceKernel, constants: { WG }, bindings: { step: buf.step }, uniforms: {}, workgroups: [1, 1, 1] });
}

/** y = H_{t−1} ⊙ keep over `timesteps` state slots from xOffset: the A of dU = H̃ᵀ·dG. */
export function recordDroppedStates(
  plan: Plan,
  buf: { keep: RecurrentKeep; x: BufferRef; xOffset: number; y: BufferRef },
  dims: { batch: number; units: number; timesteps: number },
): void {
  const rows = dims.timesteps * dims.batch;
  plan.dispatch({
    kernel: recurrentKeepDropRowsKernel,
    constants: { WG },
    bindings: { keep: buf.keep.buffer, x: buf.x, y: buf.y },
    uniforms: uniforms(buf.keep, dims, { rows, xOffset: buf.xOffset }),
    workgroups: grid1d(rows * dims.units, WG),
  });
}

/** dh_0 ⊙= keep: the part of dh_0 that came back through U (before a mask's carry is added). */
export function recordKeepInPlace(plan: Plan, buf: { keep: RecurrentKeep; y: BufferRef }, dims: { batch: number; units: number }): void {
  plan.dispatch({
    kernel: recurrentKeepScaleKernel,
    constants: { WG },
    bindings: { keep: buf.keep.buffer, y: buf.y },
    uniforms: uniforms(buf.keep, dims, {}),
    workgroups: grid1d(dims.batch * dims.units, WG),
  });
}

/** What a backward recorder needs for recurrent dropout outside its step loop. */
interface KeepUsers {
  h: BufferRef;
  mask?: { recurrentKeep?: RecurrentKeep | null } | null;
  /** [T, B, u] scratch for H̃ (the cells ask for it with recurrent dropout: ./cell.ts, recurrentKeepScratch). */
  droppedStates?: BufferRef | undefined;
}

/**
 * The A of the recurrent-kernel gradient dU = Aᵀ·dG: H_{t−1} (h from `hPrev`), or with recurrent dropout
 * H̃ = H_{t−1} ⊙ keep, written into the droppedStates scratch first.
 */
export function recurrentGemmInput(
  plan: Plan,
  buf: KeepUsers,
  dims: { batch: number; units: number; timesteps: number },
  hPrev: number,
): { buffer: BufferRef; offset: number } {
  const keep = buf.mask?.recurrentKeep;
  if (!keep) return { buffer: buf.h, offset: hPrev };
  if (!buf.droppedStates) throw new Error('recurrent dropout needs the droppedStates scratch (cell.ts, recurrentKeepScratch)');
  recordDroppedStates(plan, { keep, x: buf.h, xOffset: hPrev, y: buf.droppedStates }, dims);
  return { buffer: buf.droppedStates, offset: 0 };
}

/** dh_0 after its GEMM through U: ⊙ keep with recurrent dropout, else unchanged. */
export function recordKeepOnInitialGrad(plan: Plan, mask: KeepUsers['mask'], dh0: BufferRef, dims: { batch: number; units: number }): void {
  if (mask?.recurrentKeep) recordKeepInPlace(plan, { keep: mask.recurrentKeep, y: dh0 }, dims);
}

/**
 * The initial state a register-blocked pass compacts for its first recurrent product: h's initial slot, or with
 * recurrent dropout h0 ⊙ keep, written into the keptInitialState scratch first.
 */
export function initialStateInput(
  plan: Plan,
  buf: { h: BufferRef; mask?: KeepUsers['mask']; keptInitialState?: BufferRef | undefined },
  dims: { batch: number; units: number; timesteps: number },
  goBackwards: boolean,
): { buffer: BufferRef; offset: number } {
  const slot = initialSlot(dims.timesteps, goBackwards) * dims.batch * dims.units;
  const keep = buf.mask?.recurrentKeep;
  if (!keep) return { buffer: buf.h, offset: slot };
  if (!buf.keptInitialState) throw new Error('recurrent dropout in a register-blocked pass needs the keptInitialState scratch (cell.ts)');
  recordDroppedStates(plan, { keep, x: buf.h, xOffset: slot, y: buf.keptInitialState }, { ...dims, timesteps: 1 });
  return { buffer: buf.keptInitialState, offset: 0 };
}
