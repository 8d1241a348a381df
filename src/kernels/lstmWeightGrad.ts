/**
 * Records dU, dW and db of an LSTM backward pass in one dispatch from the gate-interleaved gate gradients of
 * shaders/lstmStepVec4.wgsl. Math and layout: shaders/lstmWeightGrad.wgsl; CPU twin: src/reference/lstmWeightGrad.ts.
 */
import lstmWeightGradShader from '../../shaders/lstmWeightGrad.wgsl';
import { defineKernel, grid1d, type BufferRef } from '../gpu/kernel';
import type { Plan } from '../gpu/plan';

/**
 * Rows of A' × units per invocation, and the entry point that computes such a block (shaders/blocks/gemm.ts writes
 * both): 8×4, the default, and 4×4, the same loop at half the rows. The other shapes tried lost or compiled seconds
 * longer for no steady gain (bench/results/gemm-kernels.md, "Weight-gradient blocks").
 */
export type LstmWeightGradBlock = '4x4' | '8x4';
const ENTRIES: Record<LstmWeightGradBlock, string> = { '4x4': 'main4x4', '8x4': 'main8x4' };
const KERNELS = Object.fromEntries(Object.entries(ENTRIES).map(([block, entry]) => [block, defineKernel(lstmWeightGradShader, entry)])) as Record<
  LstmWeightGradBlock,
  ReturnType<typeof defineKernel>
>;
export const LSTM_WEIGHT_GRAD_BLOCKS = Object.keys(ENTRIES) as LstmWeightGradBlock[];

export interface LstmWeightGradArgs {
  /** The states [T+1, B, u]; h_prev's row 0 at float hOffset. */
  h: BufferRef;
  hOffset: number;
  /** The layer input [T·B, F] from float xOffset. */
  x: BufferRef;
  xOffset?: number;
  /** dG [T·B, u] vec4, gate-interleaved (column 4j + gate). */
  dgates: BufferRef;
  dKernel: BufferRef;
  dRecurrentKernel: BufferRef;
  dBias: BufferRef;
  rows: number;
  units: number;
  features: number;
  /** Default LSTM_WEIGHT_GRAD_BLOCK. */
  block?: LstmWeightGradBlock;
  /** Workgroup size; default LSTM_WEIGHT_GRAD_WG. */
  wg?: number;
}

export const LSTM_WEIGHT_GRAD_BLOCK: LstmWeightGradBlock = '8x4';
export const LSTM_WEIGHT_GRAD_WG = 16;
/** recordLstmBackward uses this kernel up to this many units, the GEMMs above (bench/results/lstm-kernels.md, "Weight gradients"). */
export const LSTM_WEIGHT_GRAD_MAX_UNITS = 64;

export function recordLstmWeightGrad(plan: Plan, g: LstmWeightGradArgs): void {
  const block = g.block ?? LSTM_WEIGHT_GRAD_BLOCK;
  const [span, per] = block.split('x').map(Number) as [number, number];
  const wg = g.wg ?? LSTM_WEIGHT_GRAD_WG;
  const rowBlocks = Math.ceil(g.units / span) + Math.ceil((g.features + 1) / span);
  plan.dispatch({
    kernel: KERNELS[block],
    constants: { WG: wg },
    bindings: { h: g.h, x: g.x, dg: g.dgates, du: g.dRecurrentKernel, dw: g.dKernel, db: g.dBias },
    uniforms: { rows: g.rows, units: g.units, features: g.features, h_offset: g.hOffset, x_offset: g.xOffset ?? 0 },
    workgroups: grid1d(rowBlocks * Math.ceil(g.units / per), wg),
  });
}
