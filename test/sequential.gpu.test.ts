/** Whole Sequential models on WebGPU: predict against a float64 composition of the reference layers. */
import { describe, expect, it } from 'vitest';
import { encodeFloats } from './support/base64';
import { expectClose } from './support/compare';
import { skipGpu, useHarness } from './support/page';
import { rng, uniform } from './support/random';
import { referencePredict, type LayerSpec } from './support/referenceModel';
import { SEQUENCE } from './support/tolerances';

const MODELS: { name: string; layers: LayerSpec[]; sample: number[]; n: number; batchSize: number; ids?: number }[] = [
  {
    name: 'the tutorial model, LSTM(50, relu) + Dense(1), with a partial last batch',
    layers: [
      { type: 'lstm', config: { units: 50, activation: 'relu', inputShape: [60, 1] } },
      { type: 'dense', config: { units: 1 } },
    ],
    sample: [60, 1],
    n: 37,
    batchSize: 32,
  },
  {
    name: 'stacked LSTMs (the upper one reads h slots of the lower) + per-step Dense',
    layers: [
      { type: 'lstm', config: { units: 6, returnSequences: true, inputShape: [5, 3] } },
      { type: 'lstm', config: { units: 4, returnSequences: true } },
      { type: 'dense', config: { units: 2, activation: 'tanh' } },
    ],
    sample: [5, 3],
    n: 7,
    batchSize: 3,
  },
  {
    name: 'Embedding + LSTM + Dense(softmax)',
    layers: [
      { type: 'embedding', config: { inputDim: 20, outputDim: 8, inputLength: 6 } },
      { type: 'lstm', config: { units: 9 } },
      { type: 'dense', config: { units: 5, activation: 'softmax' } },
    ],
    sample: [6],
    n: 10,
    batchSize: 4,
    ids: 20,
  },
];

describe.skipIf(skipGpu)('Sequential.predict on WebGPU vs the float64 reference', () => {
  const page = useHarness();

  it.each(MODELS.map((m, i) => [m.name, m, i] as const))('%s', async (_name, m, i) => {
    const random = rng(50 + i);
    const size = m.n * m.sample.reduce((a, b) => a * b, 1);
    const x = m.ids ? Float32Array.from({ length: size }, () => Math.floor(random() * m.ids!)) : uniform(random, size, 1);
    const result = await page.run('predictModel', {
      layers: m.layers,
      x: { data: encodeFloats(x), shape: [m.n, ...m.sample] },
      batchSize: m.batchSize,
      seed: 7 + i,
    });
    expect(result.validationError).toBeNull();
    expect(result.liveBuffersAfter, 'dispose() frees every buffer of the model').toBe(0);
    const weights = Object.keys(result.outputs)
      .filter((k) => /^w\d+$/.test(k))
      .sort((a, b) => Number(a.slice(1)) - Number(b.slice(1)))
      .map((k) => result.outputs[k]!);
    expect(result.outputs.firstLayerWeightCount![0]).toBe(m.layers[0]!.type === 'embedding' ? 1 : 3);
    const ref = referencePredict(m.layers, weights, x, m.n, m.sample);
    expectClose(result.outputs.y!, ref.data, SEQUENCE, 'predictions');
  });

  it("logs 'accuracy' under TF.js's names too (history.acc, val_acc), listing each metric once", async () => {
    const r = await page.call('tfjsMetricAliases');
    expect(r.keys.sort()).toEqual(['accuracy', 'loss', 'val_accuracy', 'val_loss']);
    expect(r.accuracy).toHaveLength(2);
    expect(r.acc).toEqual(r.accuracy);
    expect(r.valAccuracy).toHaveLength(2);
    expect(r.valAcc).toEqual(r.valAccuracy);
    for (const [epoch, logs] of r.seen.entries()) {
      expect(logs.acc).toBe(r.accuracy![epoch]);
      expect(logs.val_acc).toBe(r.valAccuracy![epoch]);
      expect(logs.keys.sort()).toEqual(['accuracy', 'loss', 'val_accuracy', 'val_loss']);
    }
  });

  it("starts from the layers' initializers (names, Keras JSON, initializers.*); a seeded one is the same in any model", async () => {
    const { first, second } = await page.call('initializedWeights');
    const [kernel, recurrent, bias, denseKernel] = first;
    expect(kernel).toEqual({ shape: [2, 8], data: Array(16).fill(0.5) });
    expect(recurrent).toEqual({ shape: [2, 8], data: [2, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0] });
    expect(bias).toEqual({ shape: [8], data: Array(8).fill(1) });
    expect(denseKernel!.shape).toEqual([2, 3]);
    expect(second[3]).toEqual(denseKernel); // glorotNormal({ seed: 9 }) ignores the model's seed
    expect(new Set(denseKernel!.data).size).toBe(6);
  });

  it.each([
    ['lstm', true, 3],
    ['gru', true, 3],
    ['gru', false, 3],
    ['simpleRNN', true, 3],
    ['bidirectional', false, 6],
  ] as const)('%s (resetAfter %s) with useBias false: no bias weight, and it predicts and trains as a zero bias does', async (kind, resetAfter, biased) => {
    const r = await page.call('noBiasAsZeroBias', kind, resetAfter);
    expect(r.counts).toEqual([biased - (kind === 'bidirectional' ? 2 : 1) + 2, biased + 2]);
    expectClose(Float32Array.from(r.before[0]!), Float32Array.from(r.before[1]!), { atol: 1e-6, rtol: 0 }, 'predictions before training');
    r.after[0]!.forEach((w, i) =>
      expectClose(Float32Array.from(w), Float32Array.from(r.after[1]![i]!), { atol: 1e-6, rtol: 0 }, `weight ${i} after one SGD step`),
    );
    expect(r.changed.every(Boolean), 'the step moved every weight of the model without biases').toBe(true);
  });

  it('keeps GPU programs for at most four batch sizes, so many sizes do not grow memory without bound', async () => {
    const { buffers, afterDispose } = await page.call('predictManyBatchSizes');
    // sizes 1..7 leave a remainder batch, so most calls bind two sizes; the cache holds four
    expect(buffers[7]).toBe(buffers[3]);
    expect(Math.max(...buffers.slice(3))).toBe(buffers[3]);
    expect(afterDispose).toBeLessThan(buffers[0]!);
  });
});
