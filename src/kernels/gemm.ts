/** Records C = op(A)·op(B) (+ bias) into a plan. Math and layout: shaders/gemm.wgsl; CPU twin: src/reference/gemm.ts. */
import gemmShader from '../../shaders/gemm.wgsl';
import { ValueError } from '../errors';
import { defineKernel, grid1d, type BufferRef } from '../gpu/kernel';
import type { Plan } from '../gpu/plan';
import { ACTIVATION_IDS, type ActivationName } from './activations';
import { recordGemmVec4 } from './gemmVec4';

export const gemmKernel = defineKernel(gemmShader, 'main');

export interface GemmArgs {
  a: BufferRef;
  b: BufferRef;
  c: BufferRef;
  bias?: BufferRef;
  m: number;
  n: number;
  k: number;
  transA?: boolean;
  transB?: boolean;
  /** Applied to every output element after the bias (softmax is row-wise: see dense.ts). Default linear. */
  activation?: ActivationName;
  /** Element offsets into a, b and c. */
  aOffset?: number;
  bOffset?: number;
  cOffset?: number;
  /** Which kernel: this file's plain one, or gemmVec4.wgsl (vec4 loads where aligned). Default: GEMM_VARIANT. */
  variant?: GemmVariant;
  /**
   * Set to u when op(B)'s columns are in lstmStepVec4.wgsl's gate-interleaved order (4j+gate, n = 4u): C is then
   * stored in Keras order (column gate·u + j). gemmVec4.wgsl only: setting it selects that variant.
   */
  permuteUnits?: number;
  /** gemmVec4.wgsl's columns per invocation (8×4 or 8×8 blocks); default: see GEMM_VEC4_WIDE_MIN_N in gemmVec4.ts. */
  vec4Cols?: 4 | 8;
  /** gemmVec4.wgsl's workgroup side (side × side invocations); default 8, or 4 for 8×8 blocks on few tiles. */
  vec4Side?: 4 | 8;
}

export type GemmVariant = 'plain' | 'vec4';
export const GEMM_VARIANTS: readonly GemmVariant[] = ['plain', 'vec4'];
/**
 * The variant recordGemm uses by default: vec4, faster than the plain kernel at every shape measured, on SwiftShader
 * and on a GPU (bench/results/gemm-kernels.md, "Variant"). The plain kernel stays as the reference and the fallback.
 */
export const GEMM_VARIANT: GemmVariant = 'vec4';

const TILE = 32; // 8×8 invocations × 4×4 outputs each

export function recordGemm(plan: Plan, g: GemmArgs): void {
  if (g.permuteUnits) {
    if (g.variant === 'plain' || g.n !== 4 * g.permuteUnits) throw new ValueError(`gemm: permuteUnits needs the vec4 variant and n = 4·units; got variant ${g.variant}, n ${g.n}, units ${g.permuteUnits}`);
    return recordGemmVec4(plan, g);
  }
  if ((g.variant ?? GEMM_VARIANT) === 'vec4') return recordGemmVec4(plan, g);
  plan.dispatch({
    kernel: gemmKernel,
    constants: {
      TRANS_A: g.transA ? 1 : 0,
      TRANS_B: g.transB ? 1 : 0,
      HAS_BIAS: g.bias ? 1 : 0,
      ACTIVATION: ACTIVATION_IDS[g.activation ?? 'linear'],
    },
    // Without a bias the binding still needs a buffer; `a` is read-only here too, so it may be bound twice.
    bindings: { a: g.a, b: g.b, bias: g.bias ?? g.a, c: g.c },
    uniforms: { m: g.m, n: g.n, k: g.k, a_offset: g.aOffset ?? 0, b_offset: g.bOffset ?? 0, c_offset: g.cOffset ?? 0 },
    // One workgroup per 32×32 tile, numbered row by row and split over x and y past 65 535 (see gemm.wgsl).
    workgroups: grid1d(Math.ceil(g.n / TILE) * Math.ceil(g.m / TILE), 1),
  });
}
