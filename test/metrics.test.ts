/** The float64 twin of shaders/metrics.wgsl on the values Keras documents, plus argmax ties and thresholds. */
import { describe, expect, it } from 'vitest';
import type { MetricConfig, MetricKind } from '../src/kernels/metrics';
import { metricRows, metricSum } from '../src/reference/metrics';

const m = (kind: MetricKind, threshold = 0.5): MetricConfig => ({ kind, threshold });

describe('reference metrics', () => {
  it('binaryAccuracy: 0.75 on the Keras docstring batch (4 samples)', () => {
    expect(metricSum(m('binaryAccuracy'), [0.98, 1, 0, 0.6], [1, 1, 0, 0], 4, 1) / 4).toBe(0.75);
  });

  it('binaryAccuracy is strict at the threshold and averages over columns', () => {
    expect(Array.from(metricRows(m('binaryAccuracy'), [0.5, 0.51, -0.1, 0.2], [0, 1, 0, 1], 2, 2))).toEqual([1, 0.5]);
    // logits threshold at 0
    expect(Array.from(metricRows(m('binaryAccuracy', 0), [-0.1, 0.2], [0, 1], 1, 2))).toEqual([1]);
  });

  it('categoricalAccuracy and sparseCategoricalAccuracy: 0.5 on the docstring batches', () => {
    const p = [0.1, 0.9, 0.8, 0.05, 0.95, 0];
    expect(metricSum(m('categoricalAccuracy'), p, [0, 0, 1, 0, 1, 0], 2, 3) / 2).toBe(0.5);
    expect(metricSum(m('sparseCategoricalAccuracy'), [0.1, 0.6, 0.3, 0.05, 0.95, 0], [2, 1], 2, 3) / 2).toBe(0.5);
  });

  it('argmax takes the first of tied maxima, as tf.argmax', () => {
    expect(Array.from(metricRows(m('sparseCategoricalAccuracy'), [0.4, 0.4, 0.2, 0.4, 0.4, 0.2], [0, 1], 2, 3))).toEqual([1, 0]);
    expect(Array.from(metricRows(m('categoricalAccuracy'), [0.3, 0.3, 0.4], [0.5, 0.5, 0], 1, 3))).toEqual([0]);
  });

  it('mse and mae are means over the last axis per sample', () => {
    expect(Array.from(metricRows(m('mse'), [1, 2, 0, 0], [0, 0, 0, 3], 2, 2))).toEqual([2.5, 4.5]);
    expect(Array.from(metricRows(m('mae'), [1, 2, 0, 0], [0, 0, 0, 3], 2, 2))).toEqual([1.5, 1.5]);
  });
});
