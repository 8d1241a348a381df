/**
 * Masking in models on WebGPU: layers.masking and embedding maskZero make a timestep mask that the layers after
 * them respect, as Keras 3 does.
 * - Against TF.js (in Node, CPU backend): masked LSTM, GRU, SimpleRNN and Bidirectional models TF.js builds and
 *   saves load here and predict what TF.js predicts, and one SGD epoch on a padded batch lands on TF.js's weights.
 * - Keras's own semantics, where TF.js has none to compare with: a padded sequence predicts what the unpadded one
 *   does, wherever the padding sits; a masked sequence loss is the mean over real steps, and padded targets change
 *   nothing; a Bidirectional sequence is 0 at masked steps; average pooling takes the real steps only.
 * The mask kernels themselves are tested under their name, test/sequenceMask.gpu.test.ts.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { InteropLayerSpec } from './browser/interopCases';
import { encodeFloats } from './support/base64';
import { expectClose } from './support/compare';
import { skipGpu, useHarness } from './support/page';
import { rng, uniform } from './support/random';
import { encodeArtifacts, predict, randomizeWeights, saveToMemory, tf, useCpuBackend, weightsOf } from './support/tfjsPeer';
import { SEQUENCE, STEP } from './support/tolerances';
import { stepMask } from './support/maskCases';
import { lstmForward } from '../src/reference/lstmStep';

/** webrnn on the GPU vs TF.js on its CPU, both float32, different summation orders over ≤ 8 steps. */
const PEER = { atol: 1e-4, rtol: 1e-4 };
/** One SGD step continued from the same weights: gradients summed in another order. */
const PEER_STEP = { atol: 2e-5, rtol: 0 };
/** The same float32 program on different data layouts (padded vs unpadded): only the summation order may differ. */
const SAME_PROGRAM = { atol: 1e-6, rtol: 1e-5 };

const enc = (data: Float32Array, shape: number[]) => ({ data: encodeFloats(data), shape });
const numbered = (outputs: Record<string, Float32Array>, prefix: string) =>
  Object.keys(outputs)
    .filter((k) => new RegExp(`^${prefix}\\d+$`).test(k))
    .sort((a, b) => Number(a.slice(prefix.length)) - Number(b.slice(prefix.length)))
    .map((k) => outputs[k]!);

/**
 * Token ids [n, T] with padding id 0 everywhere padding occurs in practice: row 0 post-padded, row 1 pre-padded
 * (Keras pad_sequences' default), row 2 with holes, row 3 all padding, the rest full.
 */
function paddedIds(n: number, T: number, vocabulary: number, seed: number): Float32Array {
  const random = rng(seed);
  const ids = Float32Array.from({ length: n * T }, () => 1 + Math.floor(random() * (vocabulary - 1)));
  for (let t = 0; t < T; t++) {
    if (t >= 3) ids[0 * T + t] = 0;
    if (t < T - 4) ids[1 * T + t] = 0;
    if (t % 3 === 1) ids[2 * T + t] = 0;
    ids[3 * T + t] = 0;
  }
  return ids;
}

/** Features [n, T, F] with the same padding pattern as paddedIds, padded steps all `value`. */
function paddedFeatures(n: number, T: number, F: number, value: number, seed: number): Float32Array {
  const x = uniform(rng(seed), n * T * F, 1);
  const ids = paddedIds(n, T, 2, seed);
  for (let r = 0; r < n * T; r++) if (ids[r] === 0) x.fill(value, r * F, (r + 1) * F);
  return x;
}

describe.skipIf(skipGpu)('masking on WebGPU', () => {
  const page = useHarness();
  beforeAll(useCpuBackend);

  const TFJS_MODELS: { name: string; build: () => tf.Sequential; sample: number[]; ids?: number }[] = [
    {
      name: 'Embedding(maskZero) + LSTM + Dense',
      build: () =>
        tf.sequential({
          layers: [
            tf.layers.embedding({ inputDim: 12, outputDim: 4, maskZero: true, inputLength: 7 }),
            tf.layers.lstm({ units: 5, recurrentActivation: 'sigmoid' }),
            tf.layers.dense({ units: 2 }),
          ],
        }),
      sample: [7],
      ids: 12,
    },
    {
      name: 'Masking + GRU sequences + GRU + Dense',
      build: () =>
        tf.sequential({
          layers: [
            tf.layers.masking({ maskValue: 0, inputShape: [7, 3] }),
            tf.layers.gru({ units: 4, returnSequences: true, recurrentActivation: 'sigmoid' }),
            tf.layers.gru({ units: 3, recurrentActivation: 'sigmoid' }),
            tf.layers.dense({ units: 2 }),
          ],
        }),
      sample: [7, 3],
    },
    {
      name: 'Masking(−1) + Bidirectional LSTM (concat) + Dense',
      build: () =>
        tf.sequential({
          layers: [
            tf.layers.masking({ maskValue: -1, inputShape: [7, 2] }),
            tf.layers.bidirectional({ layer: tf.layers.lstm({ units: 3, recurrentActivation: 'sigmoid' }) as never }),
            tf.layers.dense({ units: 2 }),
          ],
        }),
      sample: [7, 2],
    },
    {
      name: 'Embedding(maskZero) + SimpleRNN (goBackwards, sequences) + Bidirectional GRU (sum) + Dense',
      build: () =>
        tf.sequential({
          layers: [
            tf.layers.embedding({ inputDim: 9, outputDim: 3, maskZero: true, inputLength: 7 }),
            tf.layers.simpleRNN({ units: 4, goBackwards: true, returnSequences: true }),
            tf.layers.bidirectional({ layer: tf.layers.gru({ units: 3, recurrentActivation: 'sigmoid' }) as never, mergeMode: 'sum' }),
            tf.layers.dense({ units: 2 }),
          ],
        }),
      sample: [7],
      ids: 9,
    },
  ];

  it.each(TFJS_MODELS.map((m, i) => [m.name, m, i] as const))('TF.js → webrnn: %s predicts as TF.js does on padded input', async (_name, m, i) => {
    const model = m.build();
    randomizeWeights(model, 800 + i);
    const n = 6;
    const [T] = m.sample as [number];
    const x = m.ids ? paddedIds(n, T, m.ids, 810 + i) : paddedFeatures(n, T, m.sample[1]!, i === 2 ? -1 : 0, 810 + i);
    const expected = predict(model, x, [n, ...m.sample]);
    const r = await page.run('loadAndPredict', { artifacts: encodeArtifacts(await saveToMemory(model)), x: enc(x, [n, ...m.sample]) });
    expect(r.validationError).toBeNull();
    expect(r.liveBuffersAfter).toBe(0);
    expectClose(r.outputs.y!, expected, PEER, `${m.name}: webrnn vs TF.js`);
    model.dispose();
  });

  it('one SGD epoch on a padded batch (Embedding maskZero + LSTM + Dense sigmoid, binary cross-entropy) lands on TF.js’s weights', async () => {
    const build = () =>
      tf.sequential({
        layers: [
          tf.layers.embedding({ inputDim: 10, outputDim: 4, maskZero: true, inputLength: 8 }),
          tf.layers.lstm({ units: 5, recurrentActivation: 'sigmoid' }),
          tf.layers.dense({ units: 1, activation: 'sigmoid' }),
        ],
      });
    const model = build();
    randomizeWeights(model, 820);
    model.compile({ optimizer: tf.train.sgd(0.5), loss: 'binaryCrossentropy' });
    const n = 6;
    const x = paddedIds(n, 8, 10, 821);
    const y = Float32Array.from({ length: n }, (_, i) => i % 2);
    const save = await saveToMemory(model, true);
    const initial = weightsOf(model);
    const [xs, ys] = [tf.tensor(x, [n, 8]), tf.tensor(y, [n, 1])];
    await model.fit(xs, ys, { batchSize: n, epochs: 1, shuffle: false });
    const expected = weightsOf(model);
    const r = await page.run('trainLoaded', { artifacts: encodeArtifacts(save), x: enc(x, [n, 8]), y: enc(y, [n, 1]) });
    expect(r.validationError).toBeNull();
    expected.forEach((w, i) => expect(Math.max(...w.map((v, j) => Math.abs(v - initial[i]![j]!))), `the step moved weight ${i}`).toBeGreaterThan(1e-4));
    numbered(r.outputs, 'w').forEach((w, i) => expectClose(w, expected[i]!, PEER_STEP, `weight ${i} after one masked SGD epoch`));
    tf.dispose([xs, ys]);
    model.dispose();
  });

  const LSTM_HEAD = (T: number, maskZero = true): InteropLayerSpec[] => [
    { kind: 'embedding', config: { inputDim: 10, outputDim: 4, maskZero, inputShape: [T] } },
    { kind: 'lstm', config: { units: 5 } },
    { kind: 'dense', config: { units: 2 } },
  ];

  it.each(['lstm', 'gru', 'simpleRNN', 'sru'] as const)(
    '%s: a padded sequence predicts what the same tokens unpadded do, wherever the padding sits',
    async (kind) => {
      const layers = (T: number): InteropLayerSpec[] => LSTM_HEAD(T).map((l) => (l.kind === 'lstm' ? { kind, config: { units: 5 } } : l));
      // Three rows of the same four tokens: padded after, before, and in holes.
      const tokens = [3, 7, 1, 9];
      const padded = Float32Array.from([3, 7, 1, 9, 0, 0, 0, 0, 0, 0, 3, 7, 1, 9, 0, 3, 0, 7, 1, 0, 9]);
      const first = await page.run('maskedModel', { layers: layers(7), seed: 5, x: enc(padded, [3, 7]) });
      expect(first.validationError).toBeNull();
      const weights = numbered(first.outputs, 'initial').map((w, i) => enc(w, SHAPES[kind][i]!));
      const compact = await page.run('maskedModel', { layers: layers(4), seed: 5, weights, x: enc(Float32Array.from(tokens), [1, 4]) });
      for (let row = 0; row < 3; row++) expectClose(first.outputs.y!.subarray(2 * row, 2 * row + 2), compact.outputs.y!, SAME_PROGRAM, `row ${row}`);
      // Without the mask the padding is input like any other: the rows differ.
      const unmasked = await page.run('maskedModel', {
        layers: LSTM_HEAD(7, false).map((l) => (l.kind === 'lstm' ? { kind, config: { units: 5 } } : l)),
        seed: 5,
        weights,
        x: enc(padded, [3, 7]),
      });
      expect(Math.abs(unmasked.outputs.y![0]! - compact.outputs.y![0]!)).toBeGreaterThan(1e-4);
    },
  );

  const SEQUENCE_HEADS: [string, InteropLayerSpec][] = [
    ['LSTM', { kind: 'lstm', config: { units: 4, returnSequences: true } }],
    [
      'Bidirectional GRU (resetAfter false)',
      { kind: 'bidirectional', config: {}, inner: { kind: 'gru', config: { units: 3, returnSequences: true, resetAfter: false } } },
    ],
  ];
  it.each(SEQUENCE_HEADS)(
    '%s: a masked sequence loss and metric over unevenly padded batches are Keras 3’s, and padded targets change no weight',
    async (_name, recurrent) => {
      const layers: InteropLayerSpec[] = [
        { kind: 'masking', config: { inputShape: [6, 2] } },
        recurrent,
        { kind: 'timeDistributed', config: {}, inner: { kind: 'dense', config: { units: 1 } } },
      ];
      // Batches of 2, 2 and 1 rows with different padding (row 3, all padding, shares a batch with row 2's holes).
      const [n, batchSize] = [5, 2];
      const x = paddedFeatures(n, 6, 2, 0, 830);
      const y = uniform(rng(831), n * 6, 1);
      const compile = { optimizer: { kind: 'sgd', learningRate: 0.3 }, loss: 'mse', metrics: ['mae'] };
      const a = await page.run('maskedModel', { layers, seed: 3, x: enc(x, [n, 6, 2]), y: enc(y, [n, 6, 1]), compile, train: true, batchSize });
      expect(a.validationError).toBeNull();
      const real = paddedIds(n, 6, 2, 830).map((id) => (id === 0 ? 0 : 1));
      // Keras 3: each batch's loss is its mean over its real steps, the epoch's the batches' mean weighted by their
      // sizes; a metric is the mean over every real step of the epoch.
      let lossSum = 0;
      let [maeSum, realSteps] = [0, 0];
      for (let b0 = 0; b0 < n; b0 += batchSize) {
        let [sum, count] = [0, 0];
        for (let i = b0 * 6; i < Math.min(n, b0 + batchSize) * 6; i++) {
          if (!real[i]) continue;
          sum += (a.outputs.y![i]! - y[i]!) ** 2;
          maeSum += Math.abs(a.outputs.y![i]! - y[i]!);
          count++;
        }
        lossSum += (Math.min(n, b0 + batchSize) - b0) * (count > 0 ? sum / count : 0);
        realSteps += count;
      }
      expectClose(a.outputs.loss!, Float32Array.of(lossSum / n, maeSum / realSteps), STEP, 'evaluate: [loss, mae]');
      // The targets at padded steps are noise to the loss: changing them changes nothing.
      const noisy = y.map((v, i) => (real[i] ? v : v + 100));
      const b = await page.run('maskedModel', { layers, seed: 3, x: enc(x, [n, 6, 2]), y: enc(noisy, [n, 6, 1]), compile, train: true, batchSize });
      expect(numbered(b.outputs, 'w')).toEqual(numbered(a.outputs, 'w'));
      expect(Array.from(b.outputs.trainLoss!)).toEqual(Array.from(a.outputs.trainLoss!));
      expect(numbered(a.outputs, 'w')[0]).not.toEqual(numbered(a.outputs, 'initial')[0]);
    },
  );

  it('a masked Bidirectional sequence is 0 at the masked steps (Keras 3), and average pooling takes the real steps only', async () => {
    const n = 5;
    const x = paddedFeatures(n, 6, 2, 0, 840);
    const real = paddedIds(n, 6, 2, 840).map((id) => (id === 0 ? 0 : 1));
    const bi: InteropLayerSpec[] = [
      { kind: 'masking', config: { inputShape: [6, 2] } },
      { kind: 'bidirectional', config: {}, inner: { kind: 'gru', config: { units: 3, returnSequences: true } } },
    ];
    const seq = await page.run('maskedModel', { layers: bi, seed: 4, x: enc(x, [n, 6, 2]) });
    expect(seq.validationError).toBeNull();
    for (let i = 0; i < n * 6; i++) {
      const step = seq.outputs.y!.subarray(6 * i, 6 * i + 6);
      if (real[i])
        expect(
          step.some((v) => v !== 0),
          `step ${i} is real`,
        ).toBe(true);
      else expect(Array.from(step), `step ${i} is masked`).toEqual([0, 0, 0, 0, 0, 0]);
    }
    const weights = numbered(seq.outputs, 'initial').map((w) => enc(w, [w.length]));
    const pooled = await page.run('maskedModel', {
      layers: [...bi, { kind: 'globalAveragePooling1d', config: {} }],
      seed: 4,
      weights: weights.map((w, i) => ({ ...w, shape: BI_GRU_SHAPES[i]! })),
      x: enc(x, [n, 6, 2]),
    });
    const expected = new Float32Array(n * 6);
    for (let b = 0; b < n; b++) {
      const steps = real.subarray(6 * b, 6 * b + 6).reduce((s, v) => s + v, 0);
      for (let t = 0; t < 6; t++) for (let c = 0; c < 6; c++) if (steps > 0) expected[b * 6 + c] += seq.outputs.y![(b * 6 + t) * 6 + c]! / steps;
    }
    expectClose(pooled.outputs.y!, expected, STEP, 'pooled over real steps (row 3, all padding, pools to 0)');
  });

  it('streaming (predictStep) through a stateful Embedding(maskZero) + LSTM: a padding id leaves the state as it was', async () => {
    const layers: InteropLayerSpec[] = [
      { kind: 'embedding', config: { inputDim: 10, outputDim: 4, maskZero: true, batchInputShape: [1, 1] } },
      { kind: 'lstm', config: { units: 5, stateful: true } },
      { kind: 'dense', config: { units: 2 } },
    ];
    const r = await page.run('streamIds', {
      layers,
      seed: 8,
      sequences: [
        [3, 7, 1],
        [3, 0, 7, 0, 0, 1],
        [0, 0, 3, 7, 1],
      ],
    });
    expect(r.validationError).toBeNull();
    expect(Array.from(r.outputs.y1!)).toEqual(Array.from(r.outputs.y0!));
    expect(Array.from(r.outputs.y2!)).toEqual(Array.from(r.outputs.y0!));
  });

  it('layer.apply(x, { mask }) runs one layer under a mask, as the float64 twin does', async () => {
    const [B, T, F, U] = [4, 5, 3, 4];
    const x = uniform(rng(860), B * T * F, 1);
    const mask = stepMask(B, T, 861);
    const layers: InteropLayerSpec[] = [{ kind: 'lstm', config: { units: U, returnSequences: true, goBackwards: true, inputShape: [T, F] } }];
    const r = await page.run('applyMasked', { layers, seed: 6, x: enc(x, [B, T, F]), mask: enc(mask, [B, T]) });
    expect(r.validationError).toBeNull();
    const [kernel, recurrentKernel, bias] = numbered(r.outputs, 'w') as [Float32Array, Float32Array, Float32Array];
    const ref = lstmForward(
      {
        x: { data: x, shape: [B, T, F] },
        kernel: { data: kernel, shape: [F, 4 * U] },
        recurrentKernel: { data: recurrentKernel, shape: [U, 4 * U] },
        bias: { data: bias, shape: [4 * U] },
        mask: { data: mask, shape: [B, T] },
      },
      { returnSequences: true, goBackwards: true },
    );
    expectClose(r.outputs.y!, ref.output.data, SEQUENCE, 'apply with a mask (goBackwards: processing order)');
  });
});

/** getWeights shapes of the models built above (setWeights checks them). */
const SHAPES: Record<'lstm' | 'gru' | 'simpleRNN' | 'sru', number[][]> = {
  lstm: [[10, 4], [4, 20], [5, 20], [20], [5, 2], [2]],
  gru: [[10, 4], [4, 15], [5, 15], [2, 15], [5, 2], [2]],
  simpleRNN: [[10, 4], [4, 5], [5, 5], [5], [5, 2], [2]],
  sru: [[10, 4], [4, 20], [2, 5], [2, 5], [5, 2], [2]],
};
const BI_GRU_SHAPES = [
  [2, 9],
  [3, 9],
  [2, 9],
  [2, 9],
  [3, 9],
  [2, 9],
];
