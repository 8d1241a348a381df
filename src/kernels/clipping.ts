/**
 * Records gradient clipping over the gradient arena, in Keras's three modes. Math and the reduction scheme:
 * shaders/clipping.wgsl; CPU twin: src/reference/clipping.ts.
 */
import clippingShader from '../../shaders/clipping.wgsl';
import { ValueError } from '../errors';
import { defineKernel, grid1d, type BufferRef } from '../gpu/kernel';
import type { Plan } from '../gpu/plan';
import type { GradientClipOptions } from '../optim/optimizers';
import { checkFinite, checkFits, checkIndex } from './bufferChecks';

const kernel = (entry: string) => defineKernel(clippingShader, entry);
export const clipValueKernel = kernel('clip_value');
export const blockSumsqKernel = kernel('block_sumsq');
export const segmentFactorKernel = kernel('segment_factor');
export const globalFactorKernel = kernel('global_factor');
export const scaleBlocksKernel = kernel('scale_blocks');
const WG = 64;
/** Floats per partial sum of squares; segments must start at multiples of it (shaders/clipping.wgsl BLOCK). */
export const CLIP_BLOCK = 64;

/**
 * One clipping mode, Keras semantics:
 * - `value`: every gradient element clamped into [−clipValue, clipValue];
 * - `norm`: EACH segment (gradient tensor) g_s rescaled to g_s · c / max(‖g_s‖₂, c), i.e. to norm ≤ c;
 * - `globalNorm`: every gradient scaled by c / max(N, c) with N the L2 norm of the whole arena (NaN when N
 *   is not finite, as tf.clip_by_global_norm).
 */
export type ClipSpec = { mode: 'value'; clipValue: number } | { mode: 'norm'; clipNorm: number } | { mode: 'globalNorm'; globalClipNorm: number };

/** The clipping an optimizer config asks for (Keras's clipnorm / global_clipnorm / clipvalue), or null. */
export function clipSpecOf(options: GradientClipOptions): ClipSpec | null {
  if (options.clipNorm !== undefined) return { mode: 'norm', clipNorm: options.clipNorm };
  if (options.globalClipNorm !== undefined) return { mode: 'globalNorm', globalClipNorm: options.globalClipNorm };
  if (options.clipValue !== undefined) return { mode: 'value', clipValue: options.clipValue };
  return null;
}

/** A gradient tensor's place in the arena, in floats. */
export interface Segment {
  offset: number;
  length: number;
}

/** Floats of scratch the norm modes need for an arena of `length` floats (partials and factors per block). */
export function clipScratchLength(length: number): number {
  return 2 * Math.ceil(length / CLIP_BLOCK);
}

export interface ClipArgs {
  clip: ClipSpec;
  /** The gradient arena, clipped in place. Its padding between segments must be zero. */
  grads: BufferRef;
  /** Floats of the arena to cover (all of it). */
  length: number;
  /** Mode `norm`: every gradient tensor, offsets multiples of 64, in increasing order, not overlapping. */
  segments?: readonly Segment[];
  /** Modes `norm` and `globalNorm`: at least clipScratchLength(length) floats, another GPUBuffer than grads' range. */
  scratch?: BufferRef;
}

/**
 * Records the clipping: `value` is 1 dispatch; `globalNorm` 3 (block sums, global factor, scale); `norm`
 * 2 + one per segment (block sums, a factor per segment, scale).
 */
export function recordClip(plan: Plan, a: ClipArgs): void {
  const label = `clip ${a.clip.mode}`;
  const length = checkIndex(label, 'length', a.length, 1);
  checkFits(label, 'grads', a.grads, length);
  const blockCount = Math.ceil(length / CLIP_BLOCK);
  const uniforms = { length, block_count: blockCount, first_block: 0, segment_blocks: 0, factor_stride: 0, limit: 0 };
  const elements = grid1d(length, WG);
  if (a.clip.mode === 'value') {
    const limit = checkFinite(label, 'clipValue', a.clip.clipValue, 0, true);
    plan.dispatch({ kernel: clipValueKernel, constants: { WG }, bindings: { grads: a.grads }, uniforms: { ...uniforms, limit }, workgroups: elements });
    return;
  }
  if (!a.scratch) throw new ValueError(`${label}: needs a scratch buffer of clipScratchLength(${length}) = ${clipScratchLength(length)} floats`);
  checkFits(label, 'scratch', a.scratch, clipScratchLength(length));
  const bindings = { grads: a.grads, scratch: a.scratch };
  const reduceBindings = { scratch: a.scratch }; // the factor entries read only the partial sums
  if (a.clip.mode === 'globalNorm') {
    const limit = checkFinite(label, 'globalClipNorm', a.clip.globalClipNorm, 0, true);
    plan.dispatch({ kernel: blockSumsqKernel, constants: { WG }, bindings, uniforms: { ...uniforms, limit }, workgroups: grid1d(blockCount, WG) });
    plan.dispatch({ kernel: globalFactorKernel, bindings: reduceBindings, uniforms: { ...uniforms, limit }, workgroups: [1] });
    plan.dispatch({ kernel: scaleBlocksKernel, constants: { WG }, bindings, uniforms: { ...uniforms, limit }, workgroups: elements });
    return;
  }
  if (a.clip.mode !== 'norm')
    throw new ValueError(`clip: unknown mode ${JSON.stringify((a.clip as { mode: unknown }).mode)}; use 'value', 'norm' or 'globalNorm'`);
  const limit = checkFinite(label, 'clipNorm', a.clip.clipNorm, 0, true);
  const blocks = checkSegments(label, a.segments, length);
  plan.dispatch({ kernel: blockSumsqKernel, constants: { WG }, bindings, uniforms: { ...uniforms, limit }, workgroups: grid1d(blockCount, WG) });
  for (const b of blocks) {
    plan.dispatch({
      kernel: segmentFactorKernel,
      bindings: reduceBindings,
      uniforms: { ...uniforms, limit, first_block: b.first, segment_blocks: b.count },
      workgroups: [1],
    });
  }
  plan.dispatch({ kernel: scaleBlocksKernel, constants: { WG }, bindings, uniforms: { ...uniforms, limit, factor_stride: 1 }, workgroups: elements });
}

/** The block range of each segment; errors for misaligned, unordered, overlapping or out-of-arena segments. */
function checkSegments(label: string, segments: readonly Segment[] | undefined, length: number): { first: number; count: number }[] {
  if (!segments || segments.length === 0) throw new ValueError(`${label}: clipNorm clips each gradient tensor separately and needs their segments`);
  let nextFree = 0;
  return segments.map((s, i) => {
    const offset = checkIndex(label, `segments[${i}].offset`, s.offset);
    const count = checkIndex(label, `segments[${i}].length`, s.length, 1);
    if (offset % CLIP_BLOCK !== 0) throw new ValueError(`${label}: segments[${i}].offset must be a multiple of ${CLIP_BLOCK}; got ${offset}`);
    if (offset < nextFree)
      throw new ValueError(
        `${label}: segments[${i}] starts at ${offset}, inside the previous segment's blocks (up to ${nextFree}); sort them and keep them apart`,
      );
    if (offset + count > length) throw new ValueError(`${label}: segments[${i}] ends at ${offset + count}, past the arena length ${length}`);
    const first = offset / CLIP_BLOCK;
    const blocks = Math.ceil(count / CLIP_BLOCK);
    nextFree = (first + blocks) * CLIP_BLOCK;
    return { first, count: blocks };
  });
}
