/** Records C = op(A)·op(B) (+ bias) into a plan. Math and layout: shaders/gemm.wgsl; CPU twin: src/reference/gemm.ts. */
import source from '../../shaders/gemm.wgsl?raw';
import { defineKernel, type BufferRef } from '../gpu/kernel';
import type { Plan } from '../gpu/plan';
import { ACTIVATION_IDS, activationsSource, type ActivationName } from './activations';

export const gemmKernel = defineKernel('gemm', 'main', activationsSource, source);

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
}

const TILE = 32; // 8×8 invocations × 4×4 outputs each

export function recordGemm(plan: Plan, g: GemmArgs): void {
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
    workgroups: [Math.ceil(g.n / TILE), Math.ceil(g.m / TILE)],
  });
}
