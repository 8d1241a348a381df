/**
 * Records a batched product of strided matrices: one [m, k]·[k, n] product per batch row, each operand read
 * through strides, so a time-major sequence is used as it lies, or transposed, without a copy. Math:
 * shaders/batchedMatmul.wgsl; CPU twin: src/reference/batchedMatmul.ts.
 */
import batchedMatmulShader from '../../shaders/batchedMatmul.wgsl';
import { defineKernel, grid1d, type BufferRef } from '../gpu/kernel';
import type { Plan } from '../gpu/plan';

export const matmulKernel = defineKernel(batchedMatmulShader, 'matmul');
const WG = 64;
const NO_SCALE = 0xffffffff;

/** Where element [row, col] of batch row `batch` of an operand lies: offset + batch·batchStride + row·row + col·col. */
export interface Strided {
  offset: number;
  batch: number;
  row: number;
  col: number;
}

export interface MatmulLayout {
  batches: number;
  m: number;
  n: number;
  k: number;
  /** A_b [m, k], B_b [k, n], O_b [m, n]. */
  a: Strided;
  b: Strided;
  o: Strided;
}

/**
 * A time-major sequence [timesteps, batch, cols] from `offset` as one matrix per batch row: [timesteps, cols], or
 * with `transposed` [cols, timesteps]. A vector [batch, cols] is a sequence of one step.
 */
export function sequenceMatrix(offset: number, batch: number, cols: number, transposed = false): Strided {
  return transposed ? { offset, batch: cols, row: 1, col: batch * cols } : { offset, batch: cols, row: batch * cols, col: 1 };
}

export function recordBatchedMatmul(
  plan: Plan,
  buf: { a: BufferRef; b: BufferRef; o: BufferRef; scale?: BufferRef | null },
  l: MatmulLayout,
  options: { alpha?: number; accumulate?: boolean } = {},
): void {
  plan.dispatch({
    kernel: matmulKernel,
    constants: { WG, ACCUMULATE: options.accumulate ? 1 : 0 },
    bindings: { a: buf.a, bm: buf.b, scale: buf.scale ?? buf.a, o: buf.o },
    uniforms: {
      batches: l.batches,
      m: l.m,
      n: l.n,
      k: l.k,
      a_offset: l.a.offset,
      a_sb: l.a.batch,
      a_si: l.a.row,
      a_sk: l.a.col,
      b_offset: l.b.offset,
      b_sb: l.b.batch,
      b_sk: l.b.row,
      b_sj: l.b.col,
      o_offset: l.o.offset,
      o_sb: l.o.batch,
      o_si: l.o.row,
      o_sj: l.o.col,
      scale_index: buf.scale ? 0 : NO_SCALE,
      alpha: options.alpha ?? 1,
    },
    // One invocation per 4×4 block of each batch row's output.
    workgroups: grid1d(l.batches * Math.ceil(l.m / 4) * Math.ceil(l.n / 4), WG),
  });
}
