/**
 * Records a per-sample training metric and adds its sum into a slot of the accumulator. Math:
 * shaders/metrics.wgsl; CPU twin: src/reference/metrics.ts; names users write: src/optim/losses.ts.
 */
import metricsShader from '../../shaders/metrics.wgsl';
import { ValueError } from '../errors';
import { defineKernel, grid1d, type BufferRef } from '../gpu/kernel';
import type { Plan } from '../gpu/plan';
import { checkFits, checkIndex } from './bufferChecks';
import { recordAccumulate } from './losses';

export const METRIC_IDS = { mse: 0, mae: 1, binaryAccuracy: 2, categoricalAccuracy: 3, sparseCategoricalAccuracy: 4 } as const;
export type MetricKind = keyof typeof METRIC_IDS;

/** A resolved metric (src/optim/losses.ts `resolveMetric` builds one from 'accuracy', 'mae'...). */
export interface MetricConfig {
  readonly kind: MetricKind;
  /** binaryAccuracy: a prediction counts as 1 when p > threshold (0.5 on probabilities, 0 on logits). */
  readonly threshold: number;
}

export const metricRowsKernel = defineKernel(metricsShader, 'metric_rows');
const WG = 64;

export interface MetricArgs {
  metric: MetricConfig;
  /** P [rows, cols] from `predictionsOffset`. */
  predictions: BufferRef;
  /** Y [rows, cols]; sparseCategoricalAccuracy: class ids [rows] as f32. */
  targets: BufferRef;
  rows: number;
  cols: number;
  predictionsOffset?: number;
  targetsOffset?: number;
  /** accum[slot] += Σ_rows per-sample metric; the epoch value is that over the row count in the loss slot. */
  accum: BufferRef;
  slot: number;
  /** At least `rows` floats from `scratchOffset`; must not share a GPUBuffer with predictions or targets. */
  scratch: BufferRef;
  scratchOffset?: number;
  /** A masked output's mask (1 real, 0 padding) as row weights; the caller counts the real rows. */
  rowWeights?: BufferRef | null;
}

/** Records two dispatches: metric_rows (per-row values into scratch), then the deterministic accumulate. */
export function recordMetric(plan: Plan, a: MetricArgs): void {
  const label = `metric ${a.metric.kind}`;
  const id = METRIC_IDS[a.metric.kind];
  if (id === undefined) throw new ValueError(`${label}: unknown metric kind; known kinds are ${Object.keys(METRIC_IDS).join(', ')}`);
  const rows = checkIndex(label, 'rows', a.rows, 1);
  const cols = checkIndex(label, 'cols', a.cols, 1);
  const p0 = checkIndex(label, 'predictionsOffset', a.predictionsOffset ?? 0);
  const y0 = checkIndex(label, 'targetsOffset', a.targetsOffset ?? 0);
  const s0 = checkIndex(label, 'scratchOffset', a.scratchOffset ?? 0);
  checkFits(label, 'predictions', a.predictions, p0 + rows * cols);
  checkFits(label, 'targets', a.targets, y0 + (a.metric.kind === 'sparseCategoricalAccuracy' ? rows : rows * cols));
  checkFits(label, 'scratch', a.scratch, s0 + rows);
  checkFits(label, 'accum', a.accum, checkIndex(label, 'slot', a.slot) + 1);
  plan.dispatch({
    kernel: metricRowsKernel,
    constants: { METRIC: id, WEIGHTED: a.rowWeights ? 1 : 0, WG },
    bindings: { p: a.predictions, y: a.targets, row_value: a.scratch, row_weight: a.rowWeights ?? a.predictions },
    uniforms: { rows, cols, p_offset: p0, y_offset: y0, row_offset: s0, threshold: a.metric.threshold },
    workgroups: grid1d(rows, WG),
  });
  recordAccumulate(plan, { values: a.scratch, valuesOffset: s0, count: rows, accum: a.accum, slot: a.slot });
}
