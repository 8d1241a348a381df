/**
 * Records C = op(A)·op(B) (+ bias) with shaders/gemmVec4.wgsl: an 8×4 or 8×8 register block per invocation, read with
 * vec4 loads wherever the layout allows (see the shader header for the conditions, checked here). Same
 * arguments and CPU twin (src/reference/gemm.ts) as src/kernels/gemm.ts, which picks between the two.
 */
import gemmVec4Shader from '../../shaders/gemmVec4.wgsl';
import { defineKernel, grid1d, type BufferRef } from '../gpu/kernel';
import type { Plan } from '../gpu/plan';
import { ACTIVATION_IDS } from './activations';
import type { GemmArgs } from './gemmArgs';

export const gemmVec4Kernel = defineKernel(gemmVec4Shader, 'main');
export const gemmVec4StoreKernel = defineKernel(gemmVec4Shader, 'main_c4');
export const gemmVec4Kernel8 = defineKernel(gemmVec4Shader, 'main8');
export const gemmVec4StoreKernel8 = defineKernel(gemmVec4Shader, 'main8_c4');
/**
 * Columns per invocation (4: 8×4 blocks, entries main/main_c4; 8: 8×8 blocks, main8/main8_c4) and the side of
 * the square workgroup. Rule: 8×8 blocks from n = GEMM_VEC4_WIDE_MIN_N columns (two op(B) tiles per op(A) tile,
 * 16 loads per 256 FMAs instead of 12 per 128, but a 64-column tile wastes invocations on narrow products), in
 * 4×4 workgroups below GEMM_VEC4_MIN_BIG_TILES 64×64 tiles (four times as many workgroups for the cores), else
 * 8×8. Measured: bench/results/gemm-kernels.md, "Block shape and workgroup side".
 */
export const GEMM_VEC4_WIDE_MIN_N = 64;
/** Below this many 64×64 tiles, 8×8 blocks run in 4×4 workgroups (see above). */
export const GEMM_VEC4_MIN_BIG_TILES = 16;
function vec4Block(g: GemmArgs): { cols: 4 | 8; side: 4 | 8 } {
  const cols = g.vec4Cols ?? (g.n >= GEMM_VEC4_WIDE_MIN_N ? 8 : 4);
  const bigTiles = Math.ceil(g.m / 64) * Math.ceil(g.n / (8 * cols));
  return { cols, side: g.vec4Side ?? (cols === 8 && bigTiles < GEMM_VEC4_MIN_BIG_TILES ? 4 : 8) };
}

/** Which operands of `g` can be read (A, B) or written (C) as aligned vec4s. */
export function gemmVec4Layout(g: GemmArgs): { a: boolean; b: boolean; c: boolean } {
  const aligned = (offset: number | undefined) => (offset ?? 0) % 4 === 0;
  return {
    a: aligned(g.aOffset) && (g.transA ? g.m % 4 === 0 : g.k % 4 === 0),
    b: aligned(g.bOffset) && (g.transB ? g.k % 4 === 0 : g.n % 4 === 0),
    c: aligned(g.cOffset) && g.n % 4 === 0 && !g.permuteUnits,
  };
}

/**
 * The same range as a binding of array<vec4<f32>>: whole vec4s. A read-only view may round up into the
 * buffer's slack (bytes the kernel never reads: its vec4 reads stay inside the product's range); a written
 * view rounds down, which still covers every aligned vec4 the kernel stores.
 */
function vec4View(ref: BufferRef, writable: boolean): BufferRef {
  if (!('buffer' in ref)) return ref;
  const down = Math.floor(ref.size / 16) * 16;
  const up = Math.min(Math.ceil(ref.size / 16) * 16, ref.buffer.size - ref.offset);
  const size = writable ? down : Math.max(up, down);
  return size === ref.size ? ref : { buffer: ref.buffer, offset: ref.offset, size: Math.max(size, 16) };
}

export function recordGemmVec4(plan: Plan, g: GemmArgs): void {
  const vec4 = gemmVec4Layout(g);
  const { cols, side } = vec4Block(g);
  plan.dispatch({
    kernel: cols === 8 ? (vec4.c ? gemmVec4StoreKernel8 : gemmVec4Kernel8) : vec4.c ? gemmVec4StoreKernel : gemmVec4Kernel,
    constants: {
      TRANS_A: g.transA ? 1 : 0,
      TRANS_B: g.transB ? 1 : 0,
      HAS_BIAS: g.bias ? 1 : 0,
      A_VEC4: vec4.a ? 1 : 0,
      B_VEC4: vec4.b ? 1 : 0,
      ACTIVATION: ACTIVATION_IDS[g.activation ?? 'linear'],
      BLOCK_COLS: cols,
      WG_SIDE: side,
    },
    // a4 and b4 view the same buffers as a and b (read-only, so the double binding is allowed).
    bindings: {
      a: g.a,
      b: g.b,
      bias: g.bias ?? g.a,
      ...(vec4.c ? { c4: vec4View(g.c, true) } : { c: g.c }),
      a4: vec4View(g.a, false),
      b4: vec4View(g.b, false),
    },
    uniforms: { m: g.m, n: g.n, k: g.k, a_offset: g.aOffset ?? 0, b_offset: g.bOffset ?? 0, c_offset: g.cOffset ?? 0, permute_units: g.permuteUnits ?? 0 },
    workgroups: grid1d(Math.ceil(g.n / (side * cols)) * Math.ceil(g.m / (8 * side)), 1),
  });
}
