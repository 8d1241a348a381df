/**
 * Records the scores of Keras's AdditiveAttention, S = Σ_d w_d · tanh(Q_i + K_j), and their gradients for the
 * query, the key and the scale. Math: shaders/additiveAttention.wgsl; CPU twin: src/reference/additiveAttention.ts.
 */
import additiveAttentionShader from '../../shaders/additiveAttention.wgsl';
import { defineKernel, grid1d, type BufferRef } from '../gpu/kernel';
import type { Plan } from '../gpu/plan';

export const scoreKernel = defineKernel(additiveAttentionShader, 'score');
export const gradQueryKernel = defineKernel(additiveAttentionShader, 'grad_query');
export const gradKeyKernel = defineKernel(additiveAttentionShader, 'grad_key');
export const gradScaleKernel = defineKernel(additiveAttentionShader, 'grad_scale');
const WG = 64;

export interface AdditiveDims {
  batch: number;
  tq: number;
  tv: number;
  dim: number;
}

/** Q and K, time-major [T, batch, dim] from their offsets (in floats); the scale [dim], or null for none. */
export interface AdditiveInputs {
  q: BufferRef;
  qOffset: number;
  k: BufferRef;
  kOffset: number;
  scale: BufferRef | null;
}

const uniforms = (x: AdditiveInputs, d: AdditiveDims) => ({ batch: d.batch, tq: d.tq, tv: d.tv, dim: d.dim, q_offset: x.qOffset, k_offset: x.kOffset });

/** S [tq, batch, tv]. */
export function recordAdditiveScores(plan: Plan, x: AdditiveInputs & { scores: BufferRef }, d: AdditiveDims): void {
  plan.dispatch({
    kernel: scoreKernel,
    constants: { WG, USE_SCALE: x.scale ? 1 : 0 },
    bindings: { q: x.q, k: x.k, scale: x.scale ?? x.q, scores: x.scores },
    uniforms: uniforms(x, d),
    workgroups: grid1d(d.tq * d.batch * d.tv, WG),
  });
}

/** From dS [tq, batch, tv]: dQ and dK (compact, like Q and K), and the scale's gradient when there is a scale. */
export function recordAdditiveBackward(
  plan: Plan,
  x: AdditiveInputs & { ds: BufferRef; dq: BufferRef | null; dk: BufferRef | null; dscale: BufferRef | null },
  d: AdditiveDims,
): void {
  const common = { constants: { WG, USE_SCALE: x.scale ? 1 : 0 }, uniforms: uniforms(x, d) };
  const reads = { q: x.q, k: x.k, scale: x.scale ?? x.q, ds: x.ds };
  if (x.dq) plan.dispatch({ kernel: gradQueryKernel, ...common, bindings: { ...reads, dq: x.dq }, workgroups: grid1d(d.tq * d.batch * d.dim, WG) });
  if (x.dk) plan.dispatch({ kernel: gradKeyKernel, ...common, bindings: { ...reads, dk: x.dk }, workgroups: grid1d(d.tv * d.batch * d.dim, WG) });
  // dw_d needs no w: its kernel binds no scale.
  if (x.scale && x.dscale)
    plan.dispatch({ kernel: gradScaleKernel, ...common, bindings: { q: x.q, k: x.k, ds: x.ds, dscale: x.dscale }, workgroups: grid1d(d.dim, WG) });
}
