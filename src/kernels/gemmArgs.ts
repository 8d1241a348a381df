/**
 * The arguments of a GEMM, C = act(op(A)·op(B) + bias), shared by both kernels that record one: src/kernels/gemm.ts
 * (which picks the kernel, and re-exports these) and src/kernels/gemmVec4.ts. Kept apart so neither imports the other's
 * module for its types.
 */
import type { BufferRef } from '../gpu/kernel';
import type { ActivationName } from './activations';

export type GemmVariant = 'plain' | 'vec4';

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
  /** Which kernel: gemm.wgsl's plain one, or gemmVec4.wgsl (vec4 loads where aligned). Default: defaultGemmVariant in gemm.ts. */
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
