/**
 * Records a Bidirectional layer's merge of its forward and backward outputs, and the split of the output
 * gradient back into the two. Math: shaders/bidirectionalMerge.wgsl; CPU twin: src/reference/bidirectionalMerge.ts.
 */
import bidirectionalMergeShader from '../../shaders/bidirectionalMerge.wgsl';
import { defineKernel, grid1d, type BufferRef } from '../gpu/kernel';
import type { Plan } from '../gpu/plan';

export const MERGE_MODES = ['concat', 'sum', 'mul', 'ave'] as const;
export type MergeMode = (typeof MERGE_MODES)[number];
const MODE_IDS: Record<MergeMode, number> = { concat: 0, sum: 1, mul: 2, ave: 3 };

export const mergeKernel = defineKernel(bidirectionalMergeShader, 'merge');
export const splitKernel = defineKernel(bidirectionalMergeShader, 'split');
const WG = 64;

/** Width of the merged output for `units` per direction. */
export function mergedWidth(mode: MergeMode, units: number): number {
  return mode === 'concat' ? 2 * units : units;
}

export interface MergeInputs {
  /** Forward output [rows, units] from `aOffset` floats. */
  a: BufferRef;
  aOffset?: number;
  /** Backward output [rows, units] from `bOffset` floats. */
  b: BufferRef;
  bOffset?: number;
  rows: number;
  units: number;
}

export function recordMerge(plan: Plan, mode: MergeMode, x: MergeInputs & { out: BufferRef }): void {
  plan.dispatch({
    kernel: mergeKernel,
    constants: { WG, MODE: MODE_IDS[mode] },
    bindings: { a: x.a, b: x.b, out: x.out },
    uniforms: { rows: x.rows, units: x.units, a_offset: x.aOffset ?? 0, b_offset: x.bOffset ?? 0 },
    workgroups: grid1d(x.rows * x.units, WG),
  });
}

/** dout [rows, mergedWidth] → da, db (compact [rows, units]); a and b are read by `mul` only. */
export function recordSplit(plan: Plan, mode: MergeMode, x: MergeInputs & { dout: BufferRef; da: BufferRef; db: BufferRef }): void {
  plan.dispatch({
    kernel: splitKernel,
    constants: { WG, MODE: MODE_IDS[mode] },
    bindings: { a: x.a, b: x.b, dout: x.dout, da: x.da, db: x.db },
    uniforms: { rows: x.rows, units: x.units, a_offset: x.aOffset ?? 0, b_offset: x.bOffset ?? 0 },
    workgroups: grid1d(x.rows * x.units, WG),
  });
}
