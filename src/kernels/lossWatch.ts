/**
 * Records the non-finite-loss watch after a batch's loss. Math: shaders/lossWatch.wgsl; CPU twin:
 * src/reference/lossWatch.ts. fit turns what it records into a NonFiniteLossError naming epoch and batch.
 */
import lossWatchShader from '../../shaders/lossWatch.wgsl';
import { defineKernel, type BufferRef } from '../gpu/kernel';
import type { Plan } from '../gpu/plan';
import { checkFits, checkIndex } from './bufferChecks';

export const lossWatchKernel = defineKernel(lossWatchShader, 'main');

/** Floats the watch uses from `watchSlot`: the batch count and the first bad batch (1-based, 0 for none). */
export const LOSS_WATCH_SLOTS = 2;

export function recordLossWatch(plan: Plan, a: { accum: BufferRef; lossSlot: number; watchSlot: number }): void {
  const label = 'lossWatch';
  const lossSlot = checkIndex(label, 'lossSlot', a.lossSlot);
  const watchSlot = checkIndex(label, 'watchSlot', a.watchSlot);
  checkFits(label, 'accum', a.accum, Math.max(lossSlot + 1, watchSlot + LOSS_WATCH_SLOTS));
  plan.dispatch({ kernel: lossWatchKernel, bindings: { accum: a.accum }, uniforms: { loss_slot: lossSlot, watch_slot: watchSlot }, workgroups: [1] });
}

/** The 0-based batch whose loss first was not finite, from an accumulator read back; null when none was. */
export function firstNonFiniteBatch(accum: Float32Array, watchSlot: number): number | null {
  const first = accum[watchSlot + 1]!;
  return first > 0 ? first - 1 : null;
}
