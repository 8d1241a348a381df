/**
 * fit and evaluate on the wasm backend, in Node without WebGPU (src/cpu/training.ts): whole training steps against
 * the float64 reference trainer (test/support/referenceModel.ts referenceTrain: float64 forward, loss, BPTT,
 * clipping and optimizer), over the layers, losses, optimizers and clipping modes it trains; then what fit promises
 * on every backend (validation logs equal to evaluate, the non-finite-loss stop with the last good weights, predict
 * on the trained weights) and the typed refusal of what it does not train yet, with nothing changed.
 */
import { describe, expect, it } from 'vitest';
import { createRuntime, layers, loadLayersModel, memorySink, sequential, type Runtime } from '../src/index';
import { NonFiniteLossError, WebGPUUnavailableError } from '../src/errors';
import { clipSpecOf } from '../src/kernels/clipping';
import { resolveLoss } from '../src/optim/losses';
import { resolveOptimizer } from '../src/optim/optimizers';
import type { RecurrentLayer } from '../src/layers/recurrent';
import { expectClose } from './support/compare';
import { rng, uniform } from './support/random';
import { referencePredict, referenceTrain, type LayerSpec } from './support/referenceModel';
import { SEQUENCE } from './support/tolerances';

/** Weights after a few float32 steps vs float64, and each epoch's loss: as test/fit.gpu.test.ts holds the GPU to. */
const WEIGHTS_AFTER_STEPS = { atol: 1e-4, rtol: 1e-4 };
const EPOCH_LOSS = { atol: 1e-5, rtol: 1e-4 };

interface Case {
  name: string;
  layers: LayerSpec[];
  sample: number[];
  n: number;
  target: (random: () => number, n: number) => Float32Array;
  targetShape: number[];
  loss: string;
  optimizer: Record<string, unknown> & { kind: string };
  clip?: { clipNorm?: number; globalClipNorm?: number; clipValue?: number };
  ids?: number;
}

const regression = (cols: number) => (random: () => number, n: number) => uniform(random, n * cols, 1);
const oneHot = (classes: number) => (random: () => number, n: number) => {
  const y = new Float32Array(n * classes);
  for (let r = 0; r < n; r++) y[r * classes + Math.floor(random() * classes)] = 1;
  return y;
};

const CASES: Case[] = [
  {
    name: 'the tutorial model, small: LSTM(8, relu) + Dense(1), MSE, Adam',
    layers: [
      { type: 'lstm', config: { units: 8, activation: 'relu', inputShape: [6, 2] } },
      { type: 'dense', config: { units: 1 } },
    ],
    sample: [6, 2],
    n: 5,
    target: regression(1),
    targetShape: [1],
    loss: 'mse',
    optimizer: { kind: 'adam', learningRate: 0.01 },
  },
  {
    name: 'LSTM → SimpleRNN(relu, goBackwards) → Dense(softmax), categorical crossentropy, SGD with Nesterov momentum, clipNorm',
    layers: [
      { type: 'lstm', config: { units: 6, returnSequences: true, inputShape: [7, 3] } },
      { type: 'simpleRNN', config: { units: 5, activation: 'relu', goBackwards: true } },
      { type: 'dense', config: { units: 3, activation: 'softmax' } },
    ],
    sample: [7, 3],
    n: 6,
    target: oneHot(3),
    targetShape: [3],
    loss: 'categoricalCrossentropy',
    optimizer: { kind: 'sgd', learningRate: 0.2, momentum: 0.9, nesterov: true },
    clip: { clipNorm: 0.05 },
  },
  {
    name: 'Embedding → LSTM → Dense(sigmoid), binary crossentropy, RMSprop centered with momentum, clipValue',
    layers: [
      { type: 'embedding', config: { inputDim: 11, outputDim: 4, inputLength: 5 } },
      { type: 'lstm', config: { units: 6 } },
      { type: 'dense', config: { units: 2, activation: 'sigmoid' } },
    ],
    sample: [5],
    n: 6,
    target: (random, n) => Float32Array.from({ length: n * 2 }, () => (random() < 0.5 ? 0 : 1)),
    targetShape: [2],
    loss: 'binaryCrossentropy',
    optimizer: { kind: 'rmsprop', learningRate: 0.01, momentum: 0.5, centered: true },
    clip: { clipValue: 0.05 },
    ids: 11,
  },
  {
    name: 'stacked LSTMs (the second going backwards) + per-step Dense(tanh), MAE, RMSprop, global clipping',
    layers: [
      { type: 'lstm', config: { units: 5, returnSequences: true, inputShape: [4, 3] } },
      { type: 'lstm', config: { units: 4, returnSequences: true, goBackwards: true } },
      { type: 'dense', config: { units: 2, activation: 'tanh' } },
    ],
    sample: [4, 3],
    n: 3,
    target: (random, n) => uniform(random, n * 4 * 2, 0.9),
    targetShape: [4, 2],
    loss: 'mae',
    optimizer: { kind: 'rmsprop', learningRate: 0.01 },
    clip: { globalClipNorm: 0.02 },
  },
  {
    name: 'Bidirectional LSTM (concat, sequence) → Bidirectional GRU (ave) → Dense(softmax), categorical crossentropy, Adam',
    layers: [
      { type: 'bidirectional', config: { layer: { type: 'lstm', config: { units: 4, returnSequences: true } }, inputShape: [5, 3] } },
      { type: 'bidirectional', config: { layer: { type: 'gru', config: { units: 3 } }, mergeMode: 'ave' } },
      { type: 'dense', config: { units: 3, activation: 'softmax' } },
    ],
    sample: [5, 3],
    n: 6,
    target: oneHot(3),
    targetShape: [3],
    loss: 'categoricalCrossentropy',
    optimizer: { kind: 'adam', learningRate: 0.02 },
  },
  {
    name: 'SRU(4, returnSequences; W_h since 3 features ≠ 4 units) → SRU(4, tanh; the identity skip) → Dense, MSE, RMSprop',
    layers: [
      { type: 'sru', config: { units: 4, returnSequences: true, inputShape: [6, 3] } },
      { type: 'sru', config: { units: 4, activation: 'tanh' } },
      { type: 'dense', config: { units: 2 } },
    ],
    sample: [6, 3],
    n: 5,
    target: regression(2),
    targetShape: [2],
    loss: 'mse',
    optimizer: { kind: 'rmsprop', learningRate: 0.01 },
  },
  {
    name: 'Bidirectional SRU (sum, sequence) → Dense per step, MSE, Adam',
    layers: [
      { type: 'bidirectional', config: { layer: { type: 'sru', config: { units: 3, returnSequences: true } }, mergeMode: 'sum', inputShape: [4, 3] } },
      { type: 'dense', config: { units: 2 } },
    ],
    sample: [4, 3],
    n: 4,
    target: (random, n) => uniform(random, n * 4 * 2, 1),
    targetShape: [4, 2],
    loss: 'mse',
    optimizer: { kind: 'adam', learningRate: 0.02 },
  },
  {
    name: 'SimpleRNN(tanh) + Dense(1), Huber, plain SGD, a batch past the GEMM tiles (33 rows)',
    layers: [
      { type: 'simpleRNN', config: { units: 9, inputShape: [5, 2] } },
      { type: 'dense', config: { units: 1 } },
    ],
    sample: [5, 2],
    n: 33,
    target: regression(1),
    targetShape: [1],
    loss: 'huber',
    optimizer: { kind: 'sgd', learningRate: 0.3 },
  },
];

/** A model from a spec list with seeded weights, on runtime rt. */
async function build(rt: Runtime, specs: LayerSpec[], seed: number) {
  const model = sequential(rt, { seed });
  const factories = layers as unknown as Record<string, (c: unknown) => ReturnType<typeof layers.dense>>;
  const make = (s: { type: string; config: object }): ReturnType<typeof layers.dense> =>
    s.type === 'bidirectional'
      ? factories.bidirectional!({ ...s.config, layer: make((s.config as { layer: LayerSpec }).layer) })
      : factories[s.type]!(s.config);
  for (const s of specs) model.add(make(s));
  const random = rng(seed);
  const weights = (await model.getWeights()).map((w) => ({ data: uniform(random, w.data.length, 0.5), shape: w.shape }));
  model.setWeights(weights);
  return { model, weights: weights.map((w) => w.data) };
}

function inputs(c: Case, random: () => number): Float32Array {
  const size = c.n * c.sample.reduce((a, b) => a * b, 1);
  return c.ids ? Float32Array.from({ length: size }, () => Math.floor(random() * c.ids!)) : uniform(random, size, 1);
}

describe('fit on the wasm backend against the float64 reference trainer', () => {
  it.each(CASES.map((c, i) => [c.name, c, i] as const))('%s: 3 full-batch steps', async (_name, c, index) => {
    const rt = await createRuntime({ backend: 'wasm' });
    const { model, weights } = await build(rt, c.layers, 40 + index);
    const random = rng(70 + index);
    const x = inputs(c, random);
    const y = c.target(random, c.n);
    const optimizer = resolveOptimizer({ ...c.optimizer, ...(c.clip ?? {}) } as never);
    model.compile({ optimizer, loss: c.loss });
    const steps = 3;
    const history = await model.fit(
      { data: x, shape: [c.n, ...c.sample] },
      { data: y, shape: [c.n, ...c.targetShape] },
      { epochs: steps, batchSize: c.n, shuffle: false },
    );
    const ref = referenceTrain(c.layers, weights, x, y, c.n, c.sample, resolveLoss(c.loss), optimizer, steps, clipSpecOf(optimizer));
    expectClose(history.history.loss!, ref.losses, EPOCH_LOSS, 'loss of each epoch');
    const trained = await model.getWeights();
    trained.forEach((w, k) => expectClose(w.data, ref.weights[k]!, WEIGHTS_AFTER_STEPS, `weight ${k} after ${steps} steps`));
    // The weights really moved, and predict runs on the new ones.
    expect(weights.some((w, k) => w.some((v, j) => Math.abs(v - ref.weights[k]![j]!) > 1e-3))).toBe(true);
    const got = await model.predict({ data: x, shape: [c.n, ...c.sample] });
    const want = referencePredict(
      c.layers,
      trained.map((w) => w.data),
      x,
      c.n,
      c.sample,
    ).data;
    expectClose(got.data, want, SEQUENCE, 'predict after fit');
    rt.dispose();
  });
});

describe('fit on the wasm backend, as on WebGPU', () => {
  const specs: LayerSpec[] = [
    { type: 'lstm', config: { units: 6, inputShape: [5, 2] } },
    { type: 'dense', config: { units: 1 } },
  ];
  const n = 20;
  const x = { data: uniform(rng(1), n * 5 * 2, 1), shape: [n, 5, 2] };
  const y = { data: uniform(rng(2), n, 1), shape: [n, 1] };

  it('validation logs are what evaluate gives on the same rows; a second fit continues the optimizer', async () => {
    const rt = await createRuntime({ backend: 'wasm' });
    const { model } = await build(rt, specs, 5);
    model.compile({ optimizer: 'adam', loss: 'mse', metrics: ['mae'] });
    const first = await model.fit(x, y, { epochs: 2, batchSize: 6, validationSplit: 0.25, seed: 3 });
    expect(Object.keys(first.history).sort()).toEqual(['loss', 'mae', 'val_loss', 'val_mae']);
    const valX = { data: x.data.subarray(15 * 10), shape: [5, 5, 2] };
    const valY = { data: y.data.subarray(15), shape: [5, 1] };
    const [loss, mae] = (await model.evaluate(valX, valY)) as number[];
    expect(loss).toBeCloseTo(first.history.val_loss!.at(-1)!, 6);
    expect(mae).toBeCloseTo(first.history.val_mae!.at(-1)!, 6);
    const second = await model.fit(x, y, { epochs: 3, batchSize: 6, validationSplit: 0.25, seed: 3 });
    expect(second.history.loss!.at(-1)!).toBeLessThan(first.history.loss![0]!);
    rt.dispose();
  });

  it('fitDataset on a generator gives the weights fit gives on the same batches in the same order; evaluateDataset what evaluate gives', async () => {
    const rt = await createRuntime({ backend: 'wasm' });
    const [a, b] = [(await build(rt, specs, 4)).model, (await build(rt, specs, 4)).model];
    for (const m of [a, b]) m.compile({ optimizer: 'rmsprop', loss: 'mse' });
    await a.fit(x, y, { epochs: 2, batchSize: 8, shuffle: false });
    function* batches() {
      for (let start = 0; start < n; start += 8) {
        const end = Math.min(n, start + 8);
        yield {
          xs: { data: x.data.subarray(start * 10, end * 10), shape: [end - start, 5, 2] },
          ys: { data: y.data.subarray(start, end), shape: [end - start, 1] },
        };
      }
    }
    await b.fitDataset({ [Symbol.iterator]: batches }, { epochs: 2 });
    expect(await b.getWeights()).toEqual(await a.getWeights());
    expect(await b.evaluateDataset({ [Symbol.iterator]: batches })).toBeCloseTo((await a.evaluate(x, y, { batchSize: 8 })) as number, 6);
    rt.dispose();
  });

  it('save with the optimizer and load: training continues where it stopped, as one longer fit would', async () => {
    const rt = await createRuntime({ backend: 'wasm' });
    const [straight, first] = [(await build(rt, specs, 12)).model, (await build(rt, specs, 12)).model];
    for (const m of [straight, first]) m.compile({ optimizer: 'adam', loss: 'mse' });
    await straight.fit(x, y, { epochs: 5, batchSize: 8, shuffle: false });
    await first.fit(x, y, { epochs: 3, batchSize: 8, shuffle: false });
    const sink = memorySink();
    await first.save(sink, { includeOptimizer: true });
    const resumed = await loadLayersModel(rt, sink.artifacts!);
    await resumed.fit(x, y, { epochs: 5, initialEpoch: 3, batchSize: 8, shuffle: false });
    expect(await resumed.getWeights()).toEqual(await straight.getWeights());
    rt.dispose();
  });

  it('a loss that turns NaN stops fit with a NonFiniteLossError naming the batch; the last good weights are kept', async () => {
    const rt = await createRuntime({ backend: 'wasm' });
    const { model } = await build(rt, specs, 6);
    model.compile({ optimizer: { kind: 'sgd', learningRate: 1e30 } as never, loss: 'mse' });
    const error = await model.fit(x, y, { epochs: 5, batchSize: 4, shuffle: false }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NonFiniteLossError);
    expect(String(error)).toMatch(/epoch \d+ \(Epoch \d+\/5\), batch \d+ of 5/);
    rt.dispose();
  });

  it.each([
    ['a Dropout layer', { rate: 0.5 }, {}],
    ['the LSTM’s input dropout', null, { dropout: 0.5 }],
    ['the LSTM’s recurrent dropout', null, { recurrentDropout: 0.5 }],
  ])('dropout is on in training and off in predict and evaluate: %s', async (_name, layer, cell) => {
    const rt = await createRuntime({ backend: 'wasm' });
    const model = sequential(rt, { seed: 9 });
    model.add(layers.lstm({ units: 8, inputShape: [5, 2], ...cell }));
    if (layer) model.add(layers.dropout(layer));
    model.add(layers.dense({ units: 1 }));
    model.compile({ optimizer: 'sgd', loss: 'mse' });
    const before = await model.evaluate(x, y);
    expect(await model.evaluate(x, y)).toBe(before);
    // One step with lr 0 changes nothing, but its loss is of a dropped-out forward pass: not evaluate's.
    model.compile({ optimizer: { kind: 'sgd', learningRate: 0 } as never, loss: 'mse' });
    const h = await model.fit(x, y, { epochs: 1, batchSize: n, shuffle: false });
    expect(h.history.loss![0]).not.toBeCloseTo(before as number, 4);
    expect(await model.evaluate(x, y)).toBe(before);
    // And it trains: the loss falls over epochs with the masks redrawn each batch.
    model.compile({ optimizer: { kind: 'adam', learningRate: 0.02 } as never, loss: 'mse' });
    await model.fit(x, y, { epochs: 30, batchSize: 10, shuffle: false });
    expect(await model.evaluate(x, y)).toBeLessThan(before as number);
    rt.dispose();
  });

  it('an echo-state reservoir stays fixed while the Dense readout after it trains as a Dense alone on its outputs would', async () => {
    const rt = await createRuntime({ backend: 'wasm' });
    const esn = (m: ReturnType<typeof sequential>) => m.add(layers.echoState({ units: 12, seed: 5, leakRate: 0.5, returnSequences: true, inputShape: [5, 2] }));
    const [full, reservoir, readout] = [sequential(rt, { seed: 1 }), sequential(rt, { seed: 1 }), sequential(rt, { seed: 1 })];
    esn(full);
    full.add(layers.dense({ units: 1 }));
    esn(reservoir);
    readout.add(layers.dense({ units: 1, inputShape: [5, 14] })); // 2 input columns beside 12 states (includeInput)
    readout.setWeights((await full.getWeights()).slice(-2));
    reservoir.setWeights((await full.getWeights()).slice(0, -2));
    const z = await reservoir.predict(x);
    const ySeq = { data: uniform(rng(4), n * 5, 1), shape: [n, 5, 1] };
    const before = await full.getWeights();
    for (const m of [full, readout]) m.compile({ optimizer: { kind: 'sgd', learningRate: 0.1 } as never, loss: 'mse' });
    const [a, b] = [
      await full.fit(x, ySeq, { epochs: 3, batchSize: n, shuffle: false }),
      await readout.fit(z, ySeq, { epochs: 3, batchSize: n, shuffle: false }),
    ];
    expectClose(a.history.loss!, b.history.loss!, EPOCH_LOSS, 'loss of each epoch');
    const after = await full.getWeights();
    after.slice(0, -2).forEach((w, k) => expect(w.data).toEqual(before[k]!.data)); // the reservoir: not trainable
    (await readout.getWeights()).forEach((w, k) => expectClose(after.at(-2 + k)!.data, w.data, WEIGHTS_AFTER_STEPS, `readout weight ${k}`));
    rt.dispose();
  });

  it('a bad class id on a padded step stops fit in that batch, as on the GPU (its loss is NaN, not masked away)', async () => {
    const rt = await createRuntime({ backend: 'wasm' });
    const model = sequential(rt, { seed: 2 });
    model.add(layers.embedding({ inputDim: 5, outputDim: 3, maskZero: true, inputLength: 4 }));
    model.add(layers.lstm({ units: 4, returnSequences: true }));
    model.add(layers.timeDistributed({ layer: layers.dense({ units: 3, activation: 'softmax' }) }));
    model.compile({ optimizer: 'sgd', loss: 'sparseCategoricalCrossentropy' });
    const ids = { data: Float32Array.of(1, 2, 3, 0, 4, 1, 0, 0), shape: [2, 4] };
    const labels = { data: Float32Array.of(0, 1, 2, -1, 2, 1, 0, 0), shape: [2, 4] }; // -1 where the first sequence is padded
    // Caught in the batch it happens in: before the weights it turned NaN could carry it into epoch 1's loss.
    const error = await model.fit(ids, labels, { epochs: 2, batchSize: 2 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NonFiniteLossError);
    expect(String(error)).toMatch(/epoch 0 \(Epoch 1\/2\), batch 0 of 1/);
    expect(model.getLastGoodWeights()).toBeNull();
    rt.dispose();
  });

  it('a stateful model carries its states from batch to batch in fit as predict does; a batch of another size is refused before anything changes', async () => {
    const rt = await createRuntime({ backend: 'wasm' });
    const build = () => {
      const m = sequential(rt, { seed: 4 });
      m.add(layers.lstm({ units: 6, stateful: true, batchInputShape: [4, 5, 2] }));
      m.add(layers.dense({ units: 1 }));
      m.compile({ optimizer: { kind: 'sgd', learningRate: 0 } as never, loss: 'mse' });
      return m;
    };
    const [trained, predicted] = [build(), build()];
    predicted.setWeights(await trained.getWeights());
    const x8 = { data: x.data.subarray(0, 8 * 10), shape: [8, 5, 2] };
    const y8 = { data: y.data.subarray(0, 8), shape: [8, 1] };
    await trained.fit(x8, y8, { epochs: 1, batchSize: 4, shuffle: false }); // learning rate 0: the states alone move
    await predicted.predict(x8, { batchSize: 4 });
    const states = await (trained.layers[0] as RecurrentLayer).getStates();
    (await (predicted.layers[0] as RecurrentLayer).getStates()).forEach((s, k) => expectClose(states[k]!.data, s.data, SEQUENCE, `state ${k}`));
    expect(states[0]!.data.some((v) => v !== 0)).toBe(true);

    const weights = await trained.getWeights();
    const x6 = { data: x.data.subarray(0, 6 * 10), shape: [6, 5, 2] };
    const y6 = { data: y.data.subarray(0, 6), shape: [6, 1] };
    for (const call of [
      () => trained.fit(x6, y6, { batchSize: 4 }),
      () => trained.fit(x8, y8, { batchSize: 8 }),
      () => trained.evaluate(x6, y6, { batchSize: 4 }),
    ])
      await expect(call()).rejects.toThrow(/fixed batch size of 4; got a batch of (2|8) samples/);
    expect(await trained.getWeights()).toEqual(weights);
    expect(await (trained.layers[0] as RecurrentLayer).getStates()).toEqual(states);
    rt.dispose();
  });

  it('what it does not train yet (an EchoState after a trainable layer): a WebGPUUnavailableError naming it, before anything changes', async () => {
    const rt = await createRuntime({ backend: 'wasm' });
    const model = sequential(rt, { seed: 3 });
    model.add(layers.timeDistributed({ layer: layers.dense({ units: 3 }), inputShape: [5, 2] }));
    model.add(layers.echoState({ units: 6, seed: 2, connectivity: 0.5 }));
    model.add(layers.dense({ units: 1 }));
    model.compile({ optimizer: 'adam', loss: 'mse' });
    const before = await model.getWeights();
    await expect(model.fit(x, y)).rejects.toThrow(
      /model.fit: layer 'echo_state\w*' \(EchoState\) after a layer with trainable weights \('time_distributed\w*'\) does not train on the wasm backend yet.*backend: 'webgpu'/,
    );
    await expect(model.evaluate(x, y)).rejects.toThrow(WebGPUUnavailableError);
    expect(await model.getWeights()).toEqual(before);
    rt.dispose();
  });
});
