/**
 * Records L1/L2 weight penalties over segments of the parameter arena: gradient terms added into the grads
 * arena and the penalty added into the loss accumulator. Math: shaders/regularizers.wgsl; CPU twin:
 * src/reference/regularizers.ts.
 */
import regularizersShader from '../../shaders/regularizers.wgsl';
import { defineKernel, grid1d, type BufferRef } from '../gpu/kernel';
import type { Plan } from '../gpu/plan';
import { checkFinite, checkFits, checkIndex } from './bufferChecks';
import { recordAccumulate } from './losses';

export const regularizeKernel = defineKernel(regularizersShader, 'regularize');
const WG = 64;
/** Weights per partial sum (shaders/regularizers.wgsl BLOCK). */
export const REGULARIZER_BLOCK = 64;

/** One regularized tensor: its place in the arenas (floats) and its Keras L1L2 factors. */
export interface RegularizedSegment {
  offset: number;
  length: number;
  l1: number;
  l2: number;
}

/** Floats of scratch `recordRegularizers` needs: one partial penalty per 64 weights of each segment. */
export function regularizerScratchLength(segments: readonly RegularizedSegment[]): number {
  return segments.reduce((sum, s) => sum + Math.ceil(s.length / REGULARIZER_BLOCK), 0);
}

export interface RegularizerArgs {
  /** The parameter arena (read). Must be another GPUBuffer than grads and scratch. */
  params: BufferRef;
  /** The gradient arena: grads[seg] += l1·sign(w) + 2·l2·w. */
  grads: BufferRef;
  segments: readonly RegularizedSegment[];
  /** accum[slot] += scale · Σ_segments Σ (l1·|w| + l2·w²). */
  accum: BufferRef;
  /** Default 0: the loss slot, so the epoch loss includes the penalty. */
  slot?: number;
  /** The model passes the batch's row count: accum[0] holds loss sums over rows, so the penalty is counted per row. */
  scale: number;
  /** At least regularizerScratchLength(segments) floats. */
  scratch: BufferRef;
}

/** Records one dispatch per segment (its own l1, l2) plus one accumulate; nothing when `segments` is empty. */
export function recordRegularizers(plan: Plan, a: RegularizerArgs): void {
  const label = 'regularizers';
  if (a.segments.length === 0) return;
  const scale = checkFinite(label, 'scale', a.scale, 0);
  const slot = checkIndex(label, 'slot', a.slot ?? 0);
  // Validate everything before recording anything, so a bad argument leaves the plan as it was.
  const checked = a.segments.map((s, i) => {
    const offset = checkIndex(label, `segments[${i}].offset`, s.offset);
    const length = checkIndex(label, `segments[${i}].length`, s.length, 1);
    checkFits(label, 'params', a.params, offset + length);
    checkFits(label, 'grads', a.grads, offset + length);
    return { offset, length, l1: checkFinite(label, `segments[${i}].l1`, s.l1, 0), l2: checkFinite(label, `segments[${i}].l2`, s.l2, 0) };
  });
  const partials = regularizerScratchLength(checked);
  checkFits(label, 'scratch', a.scratch, partials);
  let partialOffset = 0;
  for (const s of checked) {
    const blocks = Math.ceil(s.length / REGULARIZER_BLOCK);
    plan.dispatch({
      kernel: regularizeKernel,
      constants: { WG },
      bindings: { w: a.params, grads: a.grads, partials: a.scratch },
      uniforms: { offset: s.offset, length: s.length, partial_offset: partialOffset, l1: s.l1, l2: s.l2 },
      workgroups: grid1d(blocks, WG),
    });
    partialOffset += blocks;
  }
  recordAccumulate(plan, { values: a.scratch, count: partials, accum: a.accum, slot, scale });
}
