/** Harness cases for whole Sequential models built from plain layer specs. */
import {
  initializers,
  layers,
  optimizers,
  sequential,
  type Sequential,
  type Tensor,
  type KernelChoice,
  type Layer,
  type RecurrentLayer,
} from '../../src/index';
import type { LayerSpec } from '../support/referenceModel';
import { seededRandom } from '../../src/layers/initializers';
import { dropoutScale } from '../../src/reference/dropout';
import { maskSeed } from '../../src/layers/dropout';
import { decode, inScope, rt, type Encoded } from './harnessCore';

/**
 * Fits one SGD epoch, then from the same weights compiles again and fits the same epoch: a compile rebuilds the
 * training programs (their mask counters start over), so equal weights would mean the masks were replayed.
 */
async function refitAfterCompile(model: Sequential, x: Tensor, y: Tensor): Promise<{ first: number[][]; second: number[][] }> {
  model.compile({ optimizer: 'sgd', loss: 'mse' });
  const start = await model.getWeights();
  const fitOnce = async () => {
    await model.fit(x, y, { epochs: 1, batchSize: 4, shuffle: false });
    return (await model.getWeights()).map((w) => [...w.data]);
  };
  const first = await fitOnce();
  model.setWeights(start);
  model.compile({ optimizer: 'sgd', loss: 'mse' });
  const second = await fitOnce();
  model.dispose();
  return { first, second };
}

/** A 4-unit recurrent layer over [5, 2] inputs and a Dense(1), Adam and MSE: the dataset and progress cases' model. */
function smallRegressor(r: Awaited<ReturnType<typeof rt>>, cell: 'gru' | 'lstm', seed: number): Sequential {
  const model = sequential(r, { seed });
  model.add(layers[cell]({ units: 4, inputShape: [5, 2] }));
  model.add(layers.dense({ units: 1 }));
  model.compile({ optimizer: 'adam', loss: 'mse' });
  return model;
}

export function buildLayer(spec: LayerSpec): Layer {
  switch (spec.type) {
    case 'lstm':
      return layers.lstm(spec.config);
    case 'gru':
      return layers.gru(spec.config);
    case 'simpleRNN':
      return layers.simpleRNN(spec.config);
    case 'sru':
      return layers.sru(spec.config);
    case 'echoState':
      return layers.echoState(spec.config);
    case 'bidirectional':
      return layers.bidirectional({ ...spec.config, layer: buildLayer(spec.config.layer) as RecurrentLayer });
    case 'dense':
      return layers.dense(spec.config);
    case 'embedding':
      return layers.embedding(spec.config);
  }
}

export const modelCases = {
  predictModel(spec: { layers: LayerSpec[]; x: Encoded; batchSize: number; seed: number; kernels?: KernelChoice }) {
    return inScope(async (r) => {
      const model = sequential(r, { seed: spec.seed });
      for (const l of spec.layers) model.add(buildLayer(l));
      const y = await model.predict(decode(spec.x), { batchSize: spec.batchSize });
      const weights = await model.getWeights();
      const perLayer = await model.layers[0]!.getWeights();
      model.dispose();
      return {
        y,
        firstLayerWeightCount: Float32Array.of(perLayer.length),
        ...Object.fromEntries(weights.map((w, i) => [`w${i}`, w])),
      };
    }, spec.kernels);
  },
};

export const modelTrainingCases = {
  /** Builds a model, reads its initial weights, fits `epochs` full-batch steps without shuffling, reads the weights again. */
  trainModel(spec: {
    layers: LayerSpec[];
    x: Encoded;
    y: Encoded;
    seed: number;
    compile: { optimizer: unknown; loss: unknown; metrics?: string[]; clipNorm?: number; globalClipNorm?: number; clipValue?: number };
    epochs: number;
    batchSize: number;
    /** Pinned kernel variants (RuntimeOptions.kernels), e.g. the GPU defaults on SwiftShader. */
    kernels?: KernelChoice;
  }) {
    return inScope(async (r) => {
      const model = sequential(r, { seed: spec.seed });
      for (const l of spec.layers) model.add(buildLayer(l));
      model.compile(spec.compile as never);
      const initial = await model.getWeights();
      const history = await model.fit(decode(spec.x), decode(spec.y), { epochs: spec.epochs, batchSize: spec.batchSize, shuffle: false });
      const final = await model.getWeights();
      const evaluated = await model.evaluate(decode(spec.x), decode(spec.y), { batchSize: spec.batchSize });
      model.dispose();
      return {
        losses: Float32Array.from(history.history.loss!),
        evaluated: Float32Array.from([evaluated].flat()),
        ...Object.fromEntries(initial.map((w, i) => [`initial${i}`, w])),
        ...Object.fromEntries(final.map((w, i) => [`final${i}`, w])),
      };
    }, spec.kernels);
  },
};

export const learningCases = {
  /**
   * The Keras tutorial's model, LSTM(units, relu) + Dense(1), Adam, MSE, on a noisy sine wave: windows of
   * `window` steps predict the next value; validationSplit takes the last 20 % (held out in time).
   */
  async learnSine(spec: { points: number; window: number; units: number; epochs: number; seed: number }) {
    const r = await rt();
    const random = seededRandom(spec.seed);
    const series = Array.from({ length: spec.points }, (_, t) => Math.sin((2 * Math.PI * t) / 25) + 0.1 * (random() * 2 - 1));
    const n = spec.points - spec.window;
    const x = new Float32Array(n * spec.window);
    const y = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      x.set(series.slice(i, i + spec.window), i * spec.window);
      y[i] = series[i + spec.window]!;
    }
    const model = sequential(r, { seed: spec.seed });
    model.add(layers.lstm({ units: spec.units, activation: 'relu', inputShape: [spec.window, 1] }));
    model.add(layers.dense({ units: 1 }));
    model.compile({ optimizer: 'adam', loss: 'mse' });
    const history = await model.fit(
      { data: x, shape: [n, spec.window, 1] },
      { data: y, shape: [n, 1] },
      { epochs: spec.epochs, batchSize: 32, validationSplit: 0.2 },
    );
    // The baseline a model must beat: always predicting the mean of the training targets.
    const split = Math.floor(n * 0.8);
    const mean = y.subarray(0, split).reduce((a, b) => a + b, 0) / split;
    const baseline = y.subarray(split).reduce((a, v) => a + (v - mean) ** 2, 0) / (n - split);
    model.dispose();
    return { valLoss: history.history.val_loss!, loss: history.history.loss!, baseline };
  },
};

export const programCacheCases = {
  /** Predicts with batch sizes 1..8 (one size per call) and reports live GPU buffers after each call. */
  async predictManyBatchSizes() {
    const r = await rt();
    const model = sequential(r, { seed: 1 });
    model.add(layers.lstm({ units: 4, inputShape: [3, 2] }));
    model.add(layers.dense({ units: 1 }));
    const x = { data: new Float32Array(8 * 3 * 2).fill(0.5), shape: [8, 3, 2] };
    const buffers: number[] = [];
    for (let size = 1; size <= 8; size++) {
      await model.predict(x, { batchSize: size === 8 ? 8 : size });
      buffers.push(r.stats.buffers);
    }
    model.dispose();
    return { buffers, afterDispose: r.stats.buffers };
  },

  /**
   * A classifier compiled with metrics ['accuracy'] as TF.js's examples compile it, fitted with a validation split:
   * what history and the epoch-end logs hold under Keras's names and TF.js's ('acc', 'val_acc').
   */
  async tfjsMetricAliases() {
    const r = await rt();
    const model = sequential(r, { seed: 3 });
    model.add(layers.dense({ units: 1, activation: 'sigmoid', inputShape: [2] }));
    model.compile({ optimizer: 'adam', loss: 'binaryCrossentropy', metrics: ['accuracy'] });
    const x = { data: Float32Array.from({ length: 16 }, (_, i) => ((i * 7) % 5) - 2), shape: [8, 2] };
    const y = { data: Float32Array.from({ length: 8 }, (_, i) => i % 2), shape: [8, 1] };
    const seen: { acc: unknown; val_acc: unknown; accuracy: unknown; keys: string[] }[] = [];
    const history = await model.fit(x, y, {
      epochs: 2,
      batchSize: 4,
      validationSplit: 0.5,
      callbacks: [
        {
          onEpochEnd: (_: number, logs: Record<string, number>) =>
            void seen.push({ acc: logs.acc, val_acc: logs.val_acc, accuracy: logs.accuracy, keys: Object.keys(logs) }),
        },
      ],
    });
    const h = history.history as Record<string, number[] | undefined>;
    model.dispose();
    return { keys: Object.keys(h), accuracy: h.accuracy, acc: h.acc, valAccuracy: h.val_accuracy, valAcc: h.val_acc, seen };
  },

  /** Weights as the layers' initializers set them, read back from the GPU; a seeded one twice alike. */
  async initializedWeights() {
    const r = await rt();
    const build = async (seed: number) => {
      const model = sequential(r, { seed });
      model.add(
        layers.lstm({
          units: 2,
          inputShape: [3, 2],
          kernelInitializer: initializers.constant({ value: 0.5 }),
          recurrentInitializer: { className: 'Identity', config: { gain: 2 } },
          biasInitializer: 'ones',
          unitForgetBias: false,
        }),
      );
      model.add(layers.dense({ units: 3, kernelInitializer: initializers.glorotNormal({ seed: 9 }) }));
      model.compile({ optimizer: 'sgd', loss: 'mse' });
      const weights = (await model.getWeights()).map((w) => ({ shape: w.shape, data: [...w.data] }));
      model.dispose();
      return weights;
    };
    return { first: await build(1), second: await build(2) };
  },

  /**
   * A recurrent layer with useBias false against the same layer with a zero bias: the same predictions, and after
   * one SGD step on one batch the same kernels (the bias gradient goes nowhere; the kernels' does not depend on it).
   * Returns the biased model's weights with its recurrent biases (Keras order: index 2, and 5 in a Bidirectional)
   * taken out, so the two lists line up.
   */
  async noBiasAsZeroBias(kind: 'lstm' | 'gru' | 'simpleRNN' | 'bidirectional', resetAfter = true) {
    const r = await rt();
    const make = (useBias: boolean) => {
      const cell = { units: 3, useBias, returnSequences: true };
      const layer =
        kind === 'bidirectional'
          ? layers.bidirectional({ layer: layers.gru({ ...cell, resetAfter }), inputShape: [4, 2] })
          : kind === 'gru'
            ? layers.gru({ ...cell, resetAfter, inputShape: [4, 2] })
            : layers[kind]({ ...cell, inputShape: [4, 2] });
      const model = sequential(r, { seed: 4 });
      model.add(layer);
      model.add(layers.dense({ units: 1 }));
      model.compile({ optimizer: 'sgd', loss: 'mse' });
      return model;
    };
    const [plain, biased] = [make(false), make(true)];
    const biasAt = kind === 'bidirectional' ? [2, 5] : [2];
    const shapes = (await biased.getWeights()).map((w) => w.shape);
    const initial = await plain.getWeights();
    const given = [...initial];
    for (const i of biasAt) given.splice(i, 0, { data: new Float32Array(shapes[i]!.reduce((a, b) => a * b, 1)), shape: shapes[i]! });
    biased.setWeights(given);
    const x = { data: Float32Array.from({ length: 24 }, (_, i) => Math.sin(i * 1.3)), shape: [3, 4, 2] };
    const y = { data: Float32Array.from({ length: 12 }, (_, i) => Math.cos(i)), shape: [3, 4, 1] };
    const before = [[...(await plain.predict(x)).data], [...(await biased.predict(x)).data]];
    for (const m of [plain, biased]) await m.fit(x, y, { epochs: 1, batchSize: 3, shuffle: false });
    const plainAfter = (await plain.getWeights()).map((w) => [...w.data]);
    const biasedAfter = (await biased.getWeights()).map((w) => [...w.data]).filter((_, i) => !biasAt.includes(i));
    const counts = [plainAfter.length, shapes.length];
    plain.dispose();
    biased.dispose();
    const changed = plainAfter.map((w, i) => w.some((v, j) => v !== initial[i]!.data[j]));
    return { counts, before, after: [plainAfter, biasedAfter], changed };
  },

  /**
   * The same LSTM model with and without dropout layers, from the same seed (dropout has no weights, so both
   * start alike): predictions and evaluate, the training losses, the validation loss against evaluate after
   * fit, and the weights after two identical fits.
   */
  async dropoutModels() {
    const r = await rt();
    const build = (dropout: boolean, seed = 21) => {
      const model = sequential(r, { seed });
      model.add(layers.lstm({ units: 4, returnSequences: true, inputShape: [5, 3] }));
      if (dropout) model.add(layers.spatialDropout1d({ rate: 0.3 }));
      model.add(layers.lstm({ units: 4 }));
      if (dropout) model.add(layers.dropout({ rate: 0.5 }));
      model.add(layers.dense({ units: 2 }));
      model.compile({ optimizer: 'adam', loss: 'mse' });
      return model;
    };
    const x = { data: Float32Array.from({ length: 8 * 15 }, (_, i) => Math.sin(i * 0.7)), shape: [8, 5, 3] };
    const y = { data: Float32Array.from({ length: 16 }, (_, i) => Math.cos(i * 0.3)), shape: [8, 2] };
    const [plain, dropped, again] = [build(false), build(true), build(true)];
    const predictions = [[...(await plain.predict(x)).data], [...(await dropped.predict(x)).data]];
    const evaluated = [await plain.evaluate(x, y), await dropped.evaluate(x, y)];
    const fitArgs = { epochs: 3, batchSize: 4, shuffle: false, validationData: [x, y] as [typeof x, typeof y] };
    const histories = [(await plain.fit(x, y, fitArgs)).history, (await dropped.fit(x, y, fitArgs)).history, (await again.fit(x, y, fitArgs)).history];
    const evaluatedAfter = await dropped.evaluate(x, y);
    const weights = async (m: typeof plain) => (await m.getWeights()).map((w) => [...w.data]);
    const result = {
      predictions,
      evaluated,
      losses: histories.map((h) => h.loss!),
      valLoss: histories[1]!.val_loss!,
      evaluatedAfter,
      weights: [await weights(dropped), await weights(again)],
      predictAfter: [[...(await dropped.predict(x)).data], [...(await dropped.predict(x)).data]],
      recompiled: await refitAfterCompile(build(true, 5), x, y),
    };
    for (const m of [plain, dropped, again]) m.dispose();
    return result;
  },

  /**
   * One SGD step of [recurrent layer with input dropout → Dense] on one batch, and of the same model without
   * dropout on x·mask, where the mask is the float64 twin's for the seed the layer derives (src/model/program.ts:
   * model seed + (index + 1)·0x9e3779b9; then maskSeed of src/layers/dropout.ts). The first layer needs no
   * dx, so the two steps must agree; and predict is unchanged by the rate.
   */
  async inputDropoutStep(kind: 'lstm' | 'gru' | 'simpleRNN', rate: number) {
    const r = await rt();
    const [n, T, F] = [4, 5, 3];
    const seed = 17;
    const make = (dropout: number) => {
      const model = sequential(r, { seed });
      model.add(layers[kind]({ units: 3, dropout, inputShape: [T, F] }));
      model.add(layers.dense({ units: 1 }));
      model.compile({ optimizer: optimizers.sgd(0.5), loss: 'mse' });
      return model;
    };
    const [dropped, plain] = [make(rate), make(0)];
    const x = Float32Array.from({ length: n * T * F }, (_, i) => Math.sin(i * 0.9) + 0.2);
    const y = { data: Float32Array.from({ length: n }, (_, i) => 0.3 * i - 0.4), shape: [n, 1] };
    // the model's first compile: its training seed is the model seed (src/model/sequential.ts, trainProgram)
    const layerSeed = maskSeed((seed + Math.imul(1, 0x9e3779b9)) >>> 0, n);
    const scale = dropoutScale({ rows: T * n, cols: F, batch: n }, { rate, seed: layerSeed, noise: { timesteps: false, batch: true, features: true } }, 0);
    // x is batch-major [b][t][f]; the kernels' rows are time-major t·n + b.
    const masked = x.map((v, i) => {
      const [b, t, f] = [Math.floor(i / (T * F)), Math.floor(i / F) % T, i % F];
      return v * scale[(t * n + b) * F + f]!;
    });
    const predictions = [[...(await dropped.predict({ data: x, shape: [n, T, F] })).data], [...(await plain.predict({ data: x, shape: [n, T, F] })).data]];
    const lossDropped = (await dropped.fit({ data: x, shape: [n, T, F] }, y, { epochs: 1, batchSize: n, shuffle: false })).history.loss![0]!;
    const lossPlain = (await plain.fit({ data: masked, shape: [n, T, F] }, y, { epochs: 1, batchSize: n, shuffle: false })).history.loss![0]!;
    const weights = [(await dropped.getWeights()).map((w) => [...w.data]), (await plain.getWeights()).map((w) => [...w.data])];
    dropped.dispose();
    plain.dispose();
    return { predictions, losses: [lossDropped, lossPlain], weights, dropped: scale.filter((s) => s === 0).length };
  },

  /**
   * One SGD step of [recurrent layer with recurrentDropout → Dense(1)] on one batch, with its weights before and
   * after, so the test can replay the step on the twin with the keep the layer draws (its seed: the layer seed of
   * src/model/program.ts, maskSeed of src/layers/dropout.ts, then RECURRENT_KEEP_SALT). Also: a second model from
   * the same seed trains alike; predict and evaluate equal those of the same model with rate 0.
   */
  async recurrentDropoutStep(kind: 'lstm' | 'gru' | 'simpleRNN', rate: number) {
    const r = await rt();
    const [n, T, F, U] = [4, 5, 3, 3];
    const seed = 17;
    const make = (recurrentDropout: number) => {
      const model = sequential(r, { seed });
      model.add(layers[kind]({ units: U, recurrentDropout, inputShape: [T, F] }));
      model.add(layers.dense({ units: 1 }));
      model.compile({ optimizer: optimizers.sgd(0.5), loss: 'mse' });
      return model;
    };
    const [dropped, again, plain] = [make(rate), make(rate), make(0)];
    const x = { data: Float32Array.from({ length: n * T * F }, (_, i) => Math.sin(i * 0.9) + 0.2), shape: [n, T, F] };
    const y = { data: Float32Array.from({ length: n }, (_, i) => 0.3 * i - 0.4), shape: [n, 1] };
    const weights = async (m: typeof plain) => (await m.getWeights()).map((w) => ({ data: [...w.data], shape: [...w.shape] }));
    const before = await weights(dropped);
    const predictions = [[...(await dropped.predict(x)).data], [...(await plain.predict(x)).data]];
    const evaluated = [await dropped.evaluate(x, y), await plain.evaluate(x, y)];
    const fitArgs = { epochs: 1, batchSize: n, shuffle: false };
    const losses = [
      (await dropped.fit(x, y, fitArgs)).history.loss![0]!,
      (await again.fit(x, y, fitArgs)).history.loss![0]!,
      (await plain.fit(x, y, fitArgs)).history.loss![0]!,
    ];
    const after = [await weights(dropped), await weights(again)];
    for (const m of [dropped, again, plain]) m.dispose();
    return { x: [...x.data], y: [...y.data], n, before, after, losses, predictions, evaluated };
  },

  /**
   * Embedding(maskZero) + Bidirectional(LSTM, recurrentDropout) + Dense, from one seed, trained for two epochs on
   * ids of length 4 padded with two zeros at the end, and on the same ids unpadded without maskZero: the keep
   * depends on the batch and units only, so both draw the same, and masked steps must change nothing.
   */
  async recurrentDropoutPadded() {
    const r = await rt();
    const [n, L] = [6, 4];
    const make = (T: number) => {
      const model = sequential(r, { seed: 9 });
      model.add(layers.embedding({ inputDim: 12, outputDim: 3, maskZero: T > L, inputShape: [T] }));
      model.add(layers.bidirectional({ layer: layers.lstm({ units: 4, recurrentDropout: 0.4 }) }));
      model.add(layers.dense({ units: 1 }));
      model.compile({ optimizer: optimizers.sgd(0.3), loss: 'mse' });
      return model;
    };
    const ids = Array.from({ length: n * L }, (_, i) => 1 + ((i * 7) % 11));
    const padded = Float32Array.from({ length: n * (L + 2) }, (_, i) => (i % (L + 2) < L ? ids[Math.floor(i / (L + 2)) * L + (i % (L + 2))]! : 0));
    const y = { data: Float32Array.from({ length: n }, (_, i) => Math.sin(i)), shape: [n, 1] };
    const results = [];
    for (const [T, data] of [
      [L + 2, padded],
      [L, Float32Array.from(ids)],
    ] as const) {
      const model = make(T);
      const history = await model.fit({ data, shape: [n, T] }, y, { epochs: 2, batchSize: 3, shuffle: false });
      results.push({ losses: history.history.loss!, weights: (await model.getWeights()).map((w) => [...w.data]) });
      model.dispose();
    }
    return results;
  },

  /**
   * Batches cropped to their real steps (src/model/timeWindow.ts): ids whose 4 real steps sit at a different offset
   * in 16 padded steps, three samples a batch, so the batches run windows of 8, 4 and all 16 steps. The same model
   * unpadded (4 steps, no mask, same seed) is the reference: fit (input and recurrent dropout included: one step
   * counter per batch size, whatever the window), then predict. Also the dispatches of one predict batch whose real
   * steps span 4 of the 16 and of one whose span all 16.
   */
  async croppedWindows(cell: 'lstm' | 'gru' | 'simpleRNN', bidirectional: boolean) {
    // The SimpleRNN's default for 3 rows is its one-dispatch sequence kernel, which runs a shorter window in the same
    // one dispatch: the per-step kernel is pinned so that the saving shows as dispatches.
    const r = await rt(cell === 'simpleRNN' ? { simpleRnn: 'step' } : {});
    const [L, T] = [4, 16];
    const offsets = [0, 1, 2, 12, 12, 12, 0, 6, 12];
    const n = offsets.length;
    const make = (steps: number) => {
      const model = sequential(r, { seed: 21 });
      model.add(layers.embedding({ inputDim: 12, outputDim: 3, maskZero: steps > L, inputShape: [steps] }));
      const rnn = layers[cell]({ units: 4, dropout: 0.3, recurrentDropout: 0.4 });
      model.add(bidirectional ? layers.bidirectional({ layer: rnn }) : rnn);
      model.add(layers.dense({ units: 1 }));
      model.compile({ optimizer: optimizers.sgd(0.3), loss: 'mse' });
      return model;
    };
    const ids = Array.from({ length: n * L }, (_, i) => 1 + ((i * 7) % 11));
    const padded = new Float32Array(n * T);
    offsets.forEach((o, b) => padded.set(ids.slice(b * L, (b + 1) * L), b * T + o));
    const y = { data: Float32Array.from({ length: n }, (_, i) => Math.sin(i)), shape: [n, 1] };
    const results = [];
    for (const [steps, data] of [
      [T, padded],
      [L, Float32Array.from(ids)],
    ] as const) {
      const model = make(steps);
      const x = { data, shape: [n, steps] };
      const history = await model.fit(x, y, { epochs: 2, batchSize: 3, shuffle: false });
      const predicted = await model.predict(x, { batchSize: 3 });
      results.push({ losses: history.history.loss!, weights: (await model.getWeights()).map((w) => [...w.data]), predicted: [...predicted.data] });
      if (steps === T) {
        const dispatches = async (from: number) => {
          await model.predict({ data: padded.subarray(from * T, (from + 3) * T), shape: [3, T] });
          const before = r.stats.dispatches;
          await model.predict({ data: padded.subarray(from * T, (from + 3) * T), shape: [3, T] });
          return r.stats.dispatches - before;
        };
        results.push({ short: await dispatches(3), full: await dispatches(6) });
      }
      model.dispose();
    }
    return results;
  },

  /** predictStep on a stateful model whose output pools or repeats over time: the error, by layer. */
  async predictStepThroughTime(kind: 'globalAveragePooling1d' | 'repeatVector') {
    const r = await rt();
    const model = sequential(r, { seed: 1 });
    model.add(layers.lstm({ units: 3, returnSequences: kind !== 'repeatVector', stateful: true, batchInputShape: [1, 4, 2] }));
    model.add(kind === 'repeatVector' ? layers.repeatVector({ n: 2, name: 'rv' }) : layers.globalAveragePooling1d({ name: 'pool' }));
    model.add(layers.dense({ units: 1 }));
    try {
      await model.predictStep([[0.5, -0.5]]);
      return { error: null };
    } catch (e) {
      return { error: `${(e as Error).name}: ${(e as Error).message}` };
    } finally {
      model.dispose();
    }
  },

  /**
   * fitDataset against fit on the same batches in the same order (no shuffle), with every kind of dataset; its
   * validation, evaluateDataset, a stream that ends early, and the errors of a bad batch and a throwing iterator.
   */
  async fitDatasetCases() {
    const r = await rt();
    const build = () => smallRegressor(r, 'gru', 12);
    const n = 12;
    const x = Float32Array.from({ length: n * 10 }, (_, i) => Math.sin(i * 0.37));
    const y = Float32Array.from({ length: n }, (_, i) => Math.cos(i * 0.5));
    // batches of 4, 4, 3 and 1 samples: the last sizes differ, as a stream's may
    const cuts = [0, 4, 8, 11, 12];
    const batches = cuts.slice(0, -1).map((start, i) => ({
      xs: { data: x.slice(start * 10, cuts[i + 1]! * 10), shape: [cuts[i + 1]! - start, 5, 2] },
      ys: { data: y.slice(start, cuts[i + 1]!), shape: [cuts[i + 1]! - start, 1] },
    }));
    const weights = async (m: Sequential) => (await m.getWeights()).map((w) => [...w.data]);
    const fitted = build();
    const fitHistory = (await fitted.fit({ data: x, shape: [n, 5, 2] }, { data: y, shape: [n, 1] }, { batchSize: 4, epochs: 2, shuffle: false })).history;
    // fit's batches are 4, 4, 4: a dataset with the same three batches must land on the same weights
    const same = [batches[0]!, batches[1]!, { xs: { data: x.slice(80), shape: [4, 5, 2] }, ys: { data: y.slice(8), shape: [4, 1] } }];
    async function* stream() {
      for (;;) yield* same; // endless: batchesPerEpoch cuts the epochs
    }
    const tfDataLike = { iterator: async () => same[Symbol.iterator]() };
    const results: Record<string, { weights: number[][]; loss: number[] }> = {};
    for (const [name, dataset, extra] of [
      ['array', same, {}],
      ['async generator with batchesPerEpoch', stream(), { batchesPerEpoch: 3 }],
      ['tf.data-like iterator()', tfDataLike, {}],
    ] as const) {
      const m = build();
      const h = await m.fitDataset(dataset as never, { epochs: 2, ...extra });
      results[name] = { weights: await weights(m), loss: h.history.loss! };
      m.dispose();
    }
    // validation arrays, evaluateDataset, and uneven batch sizes
    const v = build();
    const vh = await v.fitDataset(batches, {
      epochs: 2,
      validationData: [
        { data: x, shape: [n, 5, 2] },
        { data: y, shape: [n, 1] },
      ],
    });
    const evaluated = await v.evaluate({ data: x, shape: [n, 5, 2] }, { data: y, shape: [n, 1] });
    const evaluatedDataset = await v.evaluateDataset(batches);
    const valDataset = (await v.fitDataset(batches, { epochs: 1, validationData: batches })).history.val_loss![0]!;
    const afterValDataset = await v.evaluate({ data: x, shape: [n, 5, 2] }, { data: y, shape: [n, 1] });
    v.dispose();
    // a stream that ends after 5 batches, 3 per epoch: two epochs (the second short), then training stops
    const short = build();
    const shortHistory = await short.fitDataset(same.concat(same.slice(0, 2)), { epochs: 4, batchesPerEpoch: 3 });
    short.dispose();
    // errors: a bad batch in epoch 1, an iterator that throws, not a dataset
    const errors: Record<string, string> = {};
    const bad = build();
    let call = 0;
    const badData = {
      iterator: async () => {
        const epoch = call++;
        return (epoch === 0 ? same : [same[0]!, { xs: { data: new Float32Array(12), shape: [2, 3, 2] }, ys: same[0]!.ys }])[Symbol.iterator]();
      },
    };
    try {
      await bad.fitDataset(badData, { epochs: 2 });
    } catch (e) {
      errors.shape = `${(e as Error).name}: ${(e as Error).message}`;
    }
    const lastGood = bad.getLastGoodWeights();
    const lastGoodEpoch = lastGood?.epoch ?? null;
    bad.dispose();
    const throwing = build();
    async function* failing() {
      yield same[0]!;
      throw new Error('disk read failed');
    }
    try {
      await throwing.fitDataset(failing(), { epochs: 1 });
    } catch (e) {
      errors.thrown = `${(e as Error).name}: ${(e as Error).message}`;
    }
    try {
      await throwing.fitDataset({ xs: 1, ys: 2 } as never);
    } catch (e) {
      errors.notDataset = `${(e as Error).name}: ${(e as Error).message}`;
    }
    throwing.dispose();
    const result = {
      fit: { weights: await weights(fitted), loss: fitHistory.loss! },
      results,
      valLoss: vh.history.val_loss!,
      evaluated,
      evaluatedDataset,
      valDataset,
      afterValDataset,
      shortEpochs: shortHistory.epoch,
      errors,
      lastGoodEpoch,
    };
    fitted.dispose();
    return result;
  },
};

export const batchProgressCases = {
  /**
   * fit and fitDataset with onBatchBegin and onBatchProgress: the order and sizes of the events, that the weights
   * are those of a fit without the hooks, and that the hooks cost no readback.
   */
  async batchProgress() {
    const r = await rt();
    const build = () => smallRegressor(r, 'lstm', 21);
    const n = 10; // batches of 4, 4 and 2
    const x = { data: Float32Array.from({ length: n * 10 }, (_, i) => Math.sin(i * 0.3)), shape: [n, 5, 2] };
    const y = { data: Float32Array.from({ length: n }, (_, i) => Math.cos(i)), shape: [n, 1] };
    const weights = async (m: Sequential) => (await m.getWeights()).map((w) => [...w.data]);
    const plain = build();
    await plain.fit(x, y, { epochs: 2, batchSize: 4, shuffle: false });
    const watched = build();
    const events: string[] = [];
    const ms: number[] = [];
    const hooks = {
      onBatchBegin: (b: number, logs: Record<string, number>) => void events.push(`begin ${b} size ${logs.size}`),
      onBatchProgress: (b: number, p: Record<string, number>) => {
        events.push(`done ${b} size ${p.size}`);
        ms.push(p.ms!);
      },
      onEpochEnd: (e: number) => void events.push(`epochEnd ${e}`),
    };
    const readbacksBefore = r.stats.readbacks;
    await watched.fit(x, y, { epochs: 2, batchSize: 4, shuffle: false, callbacks: hooks });
    const readbacks = r.stats.readbacks - readbacksBefore;
    const batches = [0, 4, 8].map((s) => ({
      xs: { data: x.data.slice(s * 10, Math.min(n, s + 4) * 10), shape: [Math.min(n, s + 4) - s, 5, 2] },
      ys: { data: y.data.slice(s, Math.min(n, s + 4)), shape: [Math.min(n, s + 4) - s, 1] },
    }));
    const fromDataset = build();
    const datasetEvents: string[] = [];
    await fromDataset.fitDataset(batches, {
      epochs: 1,
      callbacks: {
        onBatchBegin: (b, logs) => void datasetEvents.push(`begin ${b} size ${logs.size}`),
        onBatchProgress: (b, p) => void datasetEvents.push(`done ${b} size ${p.size}`),
      },
    });
    const same = JSON.stringify(await weights(plain)) === JSON.stringify(await weights(watched));
    // with onBatchEnd too (a readback per batch): each batch's progress comes before its end
    const withEnd: string[] = [];
    await watched.fit(x, y, {
      epochs: 1,
      batchSize: 4,
      shuffle: false,
      callbacks: {
        onBatchBegin: (b) => void withEnd.push(`begin ${b}`),
        onBatchProgress: (b) => void withEnd.push(`done ${b}`),
        onBatchEnd: (b) => void withEnd.push(`end ${b}`),
      },
    });
    const result = { events, ms, readbacks, same, datasetEvents, withEnd };
    [plain, watched, fromDataset].forEach((m) => m.dispose());
    return result;
  },
};
