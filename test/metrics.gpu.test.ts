/**
 * Every metric on WebGPU (shaders/metrics.wgsl through recordMetric) against its float64 twin
 * (src/reference/metrics.ts): the per-sample sum ADDED into its accumulator slot, the other slots untouched.
 * Rows are not multiples of the workgroup size; argmax ties and the binary threshold itself are in the data.
 */
import { describe, expect, it } from 'vitest';
import type { MetricConfig, MetricKind } from '../src/kernels/metrics';
import { metricSum } from '../src/reference/metrics';
import { encodeFloats } from './support/base64';
import { expectClose } from './support/compare';
import { skipGpu, useHarness } from './support/page';
import { ACCUMULATED_SUM } from './support/tolerances';
import { metricData, withOffset } from './support/trainingData';

const m = (kind: MetricKind, threshold = 0.5): MetricConfig => ({ kind, threshold });
const enc = (data: Float32Array) => ({ data: encodeFloats(data), shape: [data.length] });

const METRICS = [m('mse'), m('mae'), m('binaryAccuracy'), m('binaryAccuracy', 0), m('categoricalAccuracy'), m('sparseCategoricalAccuracy')];
const CASES = METRICS.flatMap((metric) =>
  [
    { rows: 67, cols: 4 },
    { rows: 1, cols: 3 },
    // one column is the binary case; argmax over one column would always match, so categorical gets two
    { rows: 200, cols: metric.kind.includes('ategorical') ? 2 : 1 },
  ].map((s) => ({ ...s, metric, name: `${metric.kind} (threshold ${metric.threshold}) [${s.rows}, ${s.cols}]` })),
);

describe.skipIf(skipGpu)('metrics on WebGPU', () => {
  const page = useHarness();

  it.each(CASES)('$name', async ({ metric, rows, cols }) => {
    const { p, y } = metricData(rows + 7 * cols, rows, cols, metric);
    const [pOffset, yOffset, outOffset, slot] = [2, 9, 4, 2];
    const accum = Float32Array.of(1, 2, 0.5, 4);
    const result = await page.run('trainingMetric', {
      metric,
      slot,
      p: enc(withOffset(p, pOffset)),
      y: enc(withOffset(y, yOffset)),
      rows,
      cols,
      pOffset,
      yOffset,
      outOffset,
      accum: enc(accum),
    });
    expect(result.validationError).toBeNull();
    expect(result.dispatches).toBe(2);
    const sum = metricSum(metric, p, y, rows, cols);
    expectClose(result.outputs.accum!, [1, 2, 0.5 + sum, 4], ACCUMULATED_SUM, 'accum');
    // The data must make the check meaningful: accuracies neither all right nor all wrong on bigger batches.
    if (metric.kind.endsWith('Accuracy') && rows > 1) expect(sum > 0 && sum < rows).toBe(true);
  });
});
