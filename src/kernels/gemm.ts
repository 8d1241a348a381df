/** Records C = op(A)·op(B) (+ bias) into a plan. Math and layout: shaders/gemm.wgsl; CPU twin: src/reference/gemm.ts. */
import gemmShader from '../../shaders/gemm.wgsl';
import { ValueError } from '../errors';
import { defineKernel, grid1d } from '../gpu/kernel';
import type { Plan } from '../gpu/plan';
import { ACTIVATION_IDS } from './activations';
import type { GemmArgs, GemmVariant } from './gemmArgs';
import { recordGemmVec4 } from './gemmVec4';

export const gemmKernel = defineKernel(gemmShader, 'main');

export type { GemmArgs, GemmVariant } from './gemmArgs';

export const GEMM_VARIANTS: readonly GemmVariant[] = ['plain', 'vec4'];
/**
 * The variant recordGemm uses by default above GEMM_PLAIN_MAX_MACS: vec4, faster than the plain kernel at every shape
 * measured, on SwiftShader and on a GPU (bench/results/gemm-kernels.md, "Variant"). The plain kernel stays as the
 * reference and the fallback.
 */
export const GEMM_VARIANT: GemmVariant = 'vec4';

/**
 * Products of at most this many multiply-adds (m·n·k) run on the plain kernel by default: at that size either kernel
 * takes a dispatch's time, and gemm.wgsl's pipeline compiles in ≈ 80 ms on SwiftShader against ≈ 220 ms for
 * gemmVec4's, which a page's first fit waits for (a Dense(1) head needs three: bench/results/gemm-kernels.md,
 * "Tiny products").
 */
export const GEMM_PLAIN_MAX_MACS = 1 << 16;

/** The kernel recordGemm runs for a product when its arguments name none. */
export function defaultGemmVariant(g: Pick<GemmArgs, 'm' | 'n' | 'k'>): GemmVariant {
  return g.m * g.n * g.k <= GEMM_PLAIN_MAX_MACS ? 'plain' : GEMM_VARIANT;
}

const TILE = 32; // 8×8 invocations × 4×4 outputs each

export function recordGemm(plan: Plan, g: GemmArgs): void {
  if (g.permuteUnits) {
    if (g.variant === 'plain' || g.n !== 4 * g.permuteUnits)
      throw new ValueError(`gemm: permuteUnits needs the vec4 variant and n = 4·units; got variant ${g.variant}, n ${g.n}, units ${g.permuteUnits}`);
    return recordGemmVec4(plan, g);
  }
  if ((g.variant ?? defaultGemmVariant(g)) === 'vec4') return recordGemmVec4(plan, g);
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
