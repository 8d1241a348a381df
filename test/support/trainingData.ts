/** Seeded predictions and targets for the loss and metric tests, shaped as each loss or metric expects. */
import type { LossConfig } from '../../src/kernels/losses';
import type { MetricConfig } from '../../src/kernels/metrics';
import { rng } from './random';

export interface RowsData {
  p: Float32Array;
  y: Float32Array;
}

/**
 * Probabilities in [0.05, 0.95] (away from the clip) for the crossentropies on probabilities, values in
 * [−scale, scale] otherwise; binary targets 0/1, soft categorical targets that do not sum to 1 (so the Σy
 * factor of the logits gradient matters), class ids for the sparse loss.
 */
export function lossData(seed: number, rows: number, cols: number, c: LossConfig, scale = 2): RowsData {
  const random = rng(seed);
  const probabilities = !c.fromLogits && c.kind.endsWith('Crossentropy');
  const p = Float32Array.from({ length: rows * cols }, () => (probabilities ? 0.05 + 0.9 * random() : scale * (2 * random() - 1)));
  let y: Float32Array;
  if (c.kind === 'sparseCategoricalCrossentropy') y = Float32Array.from({ length: rows }, () => Math.floor(random() * cols));
  else if (c.kind === 'binaryCrossentropy') y = Float32Array.from({ length: rows * cols }, () => (random() < 0.5 ? 0 : 1));
  else if (c.kind === 'categoricalCrossentropy') y = Float32Array.from({ length: rows * cols }, () => random());
  else y = Float32Array.from({ length: rows * cols }, () => 2 * random() - 1);
  return { p, y };
}

/**
 * Metric data: accuracies get exact 0/1 or class-id targets, and every third row of the argmax metrics
 * repeats its largest prediction so ties are decided (first index wins); binary predictions include the
 * threshold itself (a strict > must not count it).
 */
export function metricData(seed: number, rows: number, cols: number, m: MetricConfig): RowsData {
  const random = rng(seed);
  const p = Float32Array.from({ length: rows * cols }, () => random());
  let y: Float32Array;
  if (m.kind === 'binaryAccuracy') {
    for (let i = 0; i < p.length; i += 7) p[i] = m.threshold;
    if (m.threshold === 0) for (let i = 0; i < p.length; i++) p[i] = p[i]! * 2 - 1;
    y = Float32Array.from({ length: rows * cols }, () => (random() < 0.5 ? 0 : 1));
  } else if (m.kind === 'categoricalAccuracy' || m.kind === 'sparseCategoricalAccuracy') {
    for (let r = 0; r < rows; r += 3) {
      const row = p.subarray(r * cols, (r + 1) * cols);
      row[cols - 1] = Math.max(...row);
    }
    const labels = Array.from({ length: rows }, (_, r) => (random() < 0.5 ? Math.floor(random() * cols) : argmaxOf(p.subarray(r * cols, (r + 1) * cols))));
    if (m.kind === 'sparseCategoricalAccuracy') y = Float32Array.from(labels);
    else {
      y = new Float32Array(rows * cols);
      labels.forEach((k, r) => (y[r * cols + k] = 1));
    }
  } else {
    y = Float32Array.from({ length: rows * cols }, () => random());
  }
  return { p, y };
}

function argmaxOf(a: Float32Array): number {
  let arg = 0;
  for (let j = 1; j < a.length; j++) if (a[j]! > a[arg]!) arg = j;
  return arg;
}

/** `data` placed after `offset` leading filler floats (999, which no kernel may read into its result). */
export function withOffset(data: Float32Array, offset: number): Float32Array {
  const out = new Float32Array(offset + data.length).fill(999);
  out.set(data, offset);
  return out;
}
