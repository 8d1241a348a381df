/**
 * Records a training loss (value and gradient in one pass) and the deterministic accumulation into the loss
 * accumulator. Math: shaders/losses.wgsl; CPU twin: src/reference/losses.ts; names and aliases users write:
 * src/optim/losses.ts.
 */
import lossesShader from '../../shaders/losses.wgsl';
import { ValueError } from '../errors';
import { defineKernel, grid1d, type BufferRef } from '../gpu/kernel';
import type { Plan } from '../gpu/plan';
import { checkFits, checkIndex } from './bufferChecks';

export const LOSS_IDS = {
  mse: 0,
  mae: 1,
  huber: 2,
  binaryCrossentropy: 3,
  categoricalCrossentropy: 4,
  sparseCategoricalCrossentropy: 5,
} as const;
export type LossKind = keyof typeof LOSS_IDS;

/** A resolved loss (src/optim/losses.ts `resolveLoss` builds one from a name). */
export interface LossConfig {
  readonly kind: LossKind;
  /** Predictions are logits (binary and categorical crossentropies); false means probabilities. */
  readonly fromLogits: boolean;
  /** Huber's δ (Keras default 1.0); ignored by the other losses. */
  readonly delta: number;
}

export const lossRowsKernel = defineKernel(lossesShader, 'loss_rows');
export const accumulateKernel = defineKernel(lossesShader, 'accumulate');
const WG = 64;

export interface LossArgs {
  loss: LossConfig;
  /** P [rows, cols], row-major, from `predictionsOffset` (elements). */
  predictions: BufferRef;
  /** Y [rows, cols]; for sparseCategoricalCrossentropy one class id per row, [rows], stored as f32. */
  targets: BufferRef;
  /** Receives ∂(batch-mean loss)/∂P, [rows, cols]. Must not share a GPUBuffer with predictions or targets. */
  dPredictions: BufferRef;
  rows: number;
  cols: number;
  predictionsOffset?: number;
  targetsOffset?: number;
  dPredictionsOffset?: number;
  /** The loss accumulator: accum[lossSlot] += Σ_rows per-sample loss, accum[lossSlot + 1] += rows (float32: exact up to 2^24 rows per epoch). */
  accum: BufferRef;
  /** Default 0, so the epoch loss is accum[0] / accum[1], the value Keras reports. */
  lossSlot?: number;
  /** At least `rows` floats (from `scratchOffset`) for the per-row losses; free again after this call. */
  scratch: BufferRef;
  scratchOffset?: number;
  /** A masked output's row weights [rows] (recordLossWeights in ./sequenceMask): Keras's loss over the real steps. */
  rowWeights?: BufferRef | null;
}

/**
 * Records two dispatches: loss_rows (one invocation per row writes dP and its row's loss into scratch) and
 * accumulate (adds Σ row losses and the row count into accum). Nothing is read back.
 */
export function recordLoss(plan: Plan, a: LossArgs): void {
  const label = `loss ${a.loss.kind}`;
  const id = LOSS_IDS[a.loss.kind];
  if (id === undefined) throw new ValueError(`${label}: unknown loss kind; known kinds are ${Object.keys(LOSS_IDS).join(', ')}`);
  const rows = checkIndex(label, 'rows', a.rows, 1);
  const cols = checkIndex(label, 'cols', a.cols, 1);
  const p0 = checkIndex(label, 'predictionsOffset', a.predictionsOffset ?? 0);
  const y0 = checkIndex(label, 'targetsOffset', a.targetsOffset ?? 0);
  const d0 = checkIndex(label, 'dPredictionsOffset', a.dPredictionsOffset ?? 0);
  const s0 = checkIndex(label, 'scratchOffset', a.scratchOffset ?? 0);
  const slot = checkIndex(label, 'lossSlot', a.lossSlot ?? 0);
  const sparse = a.loss.kind === 'sparseCategoricalCrossentropy';
  checkFits(label, 'predictions', a.predictions, p0 + rows * cols);
  checkFits(label, 'targets', a.targets, y0 + (sparse ? rows : rows * cols));
  checkFits(label, 'dPredictions', a.dPredictions, d0 + rows * cols);
  checkFits(label, 'scratch', a.scratch, s0 + rows);
  checkFits(label, 'accum', a.accum, slot + 2);
  plan.dispatch({
    kernel: lossRowsKernel,
    constants: { LOSS: id, FROM_LOGITS: a.loss.fromLogits ? 1 : 0, WEIGHTED: a.rowWeights ? 1 : 0, WG },
    bindings: { p: a.predictions, y: a.targets, dp: a.dPredictions, row_loss: a.scratch, row_weight: a.rowWeights ?? a.predictions },
    uniforms: { rows, cols, p_offset: p0, y_offset: y0, d_offset: d0, row_offset: s0, delta: a.loss.delta },
    workgroups: grid1d(rows, WG),
  });
  recordAccumulate(plan, { values: a.scratch, valuesOffset: s0, count: rows, accum: a.accum, slot, countSlot: slot + 1 });
}

export interface AccumulateArgs {
  values: BufferRef;
  valuesOffset?: number;
  count: number;
  accum: BufferRef;
  /** accum[slot] += scale · Σ values[valuesOffset ..+ count). */
  slot: number;
  /** Default 1. */
  scale?: number;
  /** When given, accum[countSlot] += count as well. */
  countSlot?: number;
}

/** Records one single-workgroup dispatch: a deterministic (fixed-order) sum added into the accumulator. */
export function recordAccumulate(plan: Plan, a: AccumulateArgs): void {
  const label = 'accumulate';
  const count = checkIndex(label, 'count', a.count);
  const offset = checkIndex(label, 'valuesOffset', a.valuesOffset ?? 0);
  const slot = checkIndex(label, 'slot', a.slot);
  const countSlot = a.countSlot === undefined ? undefined : checkIndex(label, 'countSlot', a.countSlot);
  checkFits(label, 'values', a.values, offset + count);
  checkFits(label, 'accum', a.accum, Math.max(slot, countSlot ?? 0) + 1);
  plan.dispatch({
    kernel: accumulateKernel,
    bindings: { values: a.values, accum: a.accum },
    uniforms: { count, values_offset: offset, slot, count_slot: countSlot ?? 0, add_count: countSlot === undefined ? 0 : 1, scale: a.scale ?? 1 },
    workgroups: [1],
  });
}
