/**
 * Interop on WebGPU against the peers themselves: TF.js (in Node, CPU backend) builds models with random weights
 * and saves them, webrnn loads them in the browser and must predict what TF.js predicted; webrnn saves models
 * that TF.js loads, predicts and saves back; optimizer state survives a save (webrnn's and TF.js's); PyTorch's
 * committed fixtures (real PyTorch outputs) run through the converters and webrnn's layers; and a Keras-form
 * GRU with reset_after, which TF.js refuses, loads in webrnn.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { fromTorchStateDict, readStateDict, toTorchStateDict } from '../src/io/pytorch';
import { encodeWeights } from '../src/io/weights';
import type { EncodedArtifacts, InteropLayerSpec } from './browser/interopCases';
import { decodeFloats, encodeFloats } from './support/base64';
import { expectClose } from './support/compare';
import { openHarness, skipGpu, type HarnessPage } from './support/page';
import { rng, uniform } from './support/random';
import { decodeArtifacts, encodeArtifacts, loadFromMemory, predict, randomizeWeights, saveToMemory, tf, useCpuBackend, weightsOf } from './support/tfjsPeer';
import { modulesOf, torchBytes, torchCases, type TorchCase } from './support/torchFixtures';

/** Files the test server serves to the page for the HTTP loads (git-ignored, written by the tests). */
const SERVED = fileURLToPath(new URL('./served', import.meta.url));

/** webrnn on the GPU vs a peer on its CPU, both float32, different summation orders over ≤ 7 steps. */
const PEER = { atol: 1e-4, rtol: 1e-4 };
/** The same weights in the same webrnn program before and after a save: no arithmetic in between. */
const ROUND_TRIP = { atol: 1e-5, rtol: 0 };
/**
 * One Adam step (lr 0.01) continued by the other implementation: gradients summed in another order, and m̂/√v̂
 * amplifies their relative error for the smallest gradients; the steps agree to a few 1e-6.
 */
const PEER_STEP = { atol: 2e-5, rtol: 0 };

const enc = (data: Float32Array, shape: number[]) => ({ data: encodeFloats(data), shape });
/** The numbered outputs `prefix0, prefix1, ...` in order, from a raw (base64) or decoded case result. */
const outputs = (r: { outputs: Record<string, string | Float32Array> }, prefix: string) =>
  Object.keys(r.outputs)
    .filter((k) => new RegExp(`^${prefix}\\d+$`).test(k))
    .sort((a, b) => Number(a.slice(prefix.length)) - Number(b.slice(prefix.length)))
    .map((k) => {
      const v = r.outputs[k]!;
      return typeof v === 'string' ? decodeFloats(v) : v;
    });

describe.skipIf(skipGpu)('interop with TF.js and PyTorch on WebGPU', () => {
  let page: HarnessPage;
  beforeAll(async () => {
    await useCpuBackend();
    page = await openHarness();
  });
  afterAll(async () => {
    expect(page.errors).toEqual([]);
    await page.close();
  });

  // Sequence-to-sequence and pooling stacks, as TF.js builds them (tanh units: max pooling meets no ties, where
  // TF.js's gradient would differ from Keras's even split).
  const ENCODER_DECODER = () => [
    tf.layers.lstm({ units: 4, inputShape: [5, 3] }),
    tf.layers.repeatVector({ n: 3 }),
    tf.layers.gru({ units: 4, returnSequences: true }),
    tf.layers.timeDistributed({ layer: tf.layers.dense({ units: 2 }) }),
  ];
  const POOLING = () => [
    tf.layers.lstm({ units: 5, returnSequences: true, inputShape: [6, 2] }),
    tf.layers.layerNormalization({}),
    tf.layers.globalMaxPooling1d({}),
    tf.layers.repeatVector({ n: 4 }),
    tf.layers.simpleRNN({ units: 3, returnSequences: true }),
    tf.layers.globalAveragePooling1d({}),
    tf.layers.dense({ units: 2 }),
  ];

  const TFJS_MODELS: { name: string; build: () => tf.Sequential; sample: number[]; ids?: number }[] = [
    {
      name: 'LSTM with TF.js default hard-sigmoid gates + Dense',
      build: () => tf.sequential({ layers: [tf.layers.lstm({ units: 6, inputShape: [7, 3] }), tf.layers.dense({ units: 2 })] }),
      sample: [7, 3],
    },
    {
      name: 'stacked relu GRUs (reset_after false) + Dense on every step',
      build: () =>
        tf.sequential({
          layers: [
            tf.layers.gru({ units: 5, activation: 'relu', recurrentActivation: 'sigmoid', returnSequences: true, inputShape: [6, 2] }),
            tf.layers.gru({ units: 4, returnSequences: true, recurrentDropout: 0.25 }),
            tf.layers.dense({ units: 2, activation: 'tanh' }),
          ],
        }),
      sample: [6, 2],
    },
    {
      name: 'InputLayer + Embedding + Bidirectional LSTM (concat, dropout and recurrentDropout) + Dropout + Dense(softmax)',
      build: () =>
        tf.sequential({
          layers: [
            tf.layers.inputLayer({ inputShape: [6] }),
            tf.layers.embedding({ inputDim: 20, outputDim: 5 }),
            tf.layers.bidirectional({ layer: tf.layers.lstm({ units: 4, recurrentActivation: 'sigmoid', dropout: 0.2, recurrentDropout: 0.3 }) as never }),
            tf.layers.dropout({ rate: 0.5 }),
            tf.layers.dense({ units: 3, activation: 'softmax' }),
          ],
        }),
      sample: [6],
      ids: 20,
    },
    {
      name: 'SimpleRNN (relu, goBackwards) + Bidirectional GRU (mul) + Bidirectional SimpleRNN (ave) + Dense',
      build: () =>
        tf.sequential({
          layers: [
            tf.layers.simpleRNN({ units: 4, activation: 'relu', goBackwards: true, returnSequences: true, inputShape: [5, 2] }),
            tf.layers.bidirectional({ layer: tf.layers.gru({ units: 3, returnSequences: true }) as never, mergeMode: 'mul' }),
            tf.layers.bidirectional({ layer: tf.layers.simpleRNN({ units: 3 }) as never, mergeMode: 'ave' }),
            tf.layers.dense({ units: 2 }),
          ],
        }),
      sample: [5, 2],
    },
    {
      name: 'encoder–decoder: LSTM → RepeatVector → GRU sequences → TimeDistributed(Dense)',
      build: () => tf.sequential({ layers: ENCODER_DECODER() }),
      sample: [5, 3],
    },
    {
      name: 'LSTM sequences → LayerNormalization → GlobalMaxPooling1D → RepeatVector → SimpleRNN sequences → GlobalAveragePooling1D → Dense',
      build: () => tf.sequential({ layers: POOLING() }),
      sample: [6, 2],
    },
    {
      name: 'LSTM, GRU and SimpleRNN without biases (useBias false) + Dense without bias',
      build: () =>
        tf.sequential({
          layers: [
            tf.layers.lstm({ units: 4, useBias: false, returnSequences: true, inputShape: [5, 3] }),
            tf.layers.gru({ units: 3, useBias: false, returnSequences: true }),
            tf.layers.simpleRNN({ units: 3, useBias: false }),
            tf.layers.dense({ units: 2, useBias: false }),
          ],
        }),
      sample: [5, 3],
    },
  ];

  it.each(TFJS_MODELS.map((m, i) => [m.name, m, i] as const))('TF.js → webrnn: %s predicts as TF.js does', async (_name, m, i) => {
    const model = m.build();
    randomizeWeights(model, 300 + i);
    const random = rng(400 + i);
    const n = 4;
    const size = n * m.sample.reduce((a, b) => a * b, 1);
    const x = m.ids ? Float32Array.from({ length: size }, () => Math.floor(random() * m.ids!)) : uniform(random, size, 1);
    const expected = predict(model, x, [n, ...m.sample]);
    const artifacts = encodeArtifacts(await saveToMemory(model));
    const r = await page.run('loadAndPredict', { artifacts, x: enc(x, [n, ...m.sample]) });
    expect(r.validationError).toBeNull();
    expect(r.liveBuffersAfter, 'dispose() frees the loaded model').toBe(0);
    // Every weight landed where TF.js had it, bit for bit (names matched, not positions guessed).
    expect(outputs(r, 'w')).toEqual(weightsOf(model));
    expectClose(r.outputs.y!, expected, PEER, `${m.name}: webrnn vs TF.js`);
    model.dispose();
  });

  it('TF.js → webrnn over HTTP: a model.json and its weights file served by the test server, by absolute, root-relative and relative URL (failures: test/io.test.ts)', async () => {
    const model = tf.sequential({ layers: [tf.layers.lstm({ units: 5, inputShape: [4, 3] }), tf.layers.dense({ units: 2 })] });
    randomizeWeights(model, 320);
    const x = uniform(rng(420), 2 * 4 * 3, 1);
    const expected = predict(model, x, [2, 4, 3]);
    // What TF.js's browserDownloads writes: model.json naming its weights file, beside it.
    const artifacts = await saveToMemory(model);
    const dir = join(SERVED, 'tfjs-lstm');
    await mkdir(dir, { recursive: true });
    const { weightData, weightSpecs, ...rest } = artifacts;
    await writeFile(join(dir, 'model.json'), JSON.stringify({ ...rest, weightsManifest: [{ paths: ['./group1-shard1of1.bin'], weights: weightSpecs }] }));
    await writeFile(join(dir, 'group1-shard1of1.bin'), new Uint8Array(weightData));
    for (const url of [
      `${new URL(inject('harnessUrl')).origin}/test/served/tfjs-lstm/model.json`,
      '/test/served/tfjs-lstm/model.json',
      '../served/tfjs-lstm/model.json',
    ]) {
      const r = await page.run('loadUrlAndPredict', { url, x: enc(x, [2, 4, 3]) });
      expectClose(r.outputs.y!, expected, PEER, `${url}: webrnn vs TF.js`);
    }
    model.dispose();
  });

  const WEBRNN_MODELS: { name: string; layers: InteropLayerSpec[]; sample: number[]; ids?: number }[] = [
    {
      name: 'LSTM sequences + Bidirectional GRU (reset_after false) + Dense(softmax)',
      layers: [
        { kind: 'lstm', config: { units: 5, returnSequences: true, inputShape: [6, 3] } },
        { kind: 'bidirectional', config: { mergeMode: 'concat' }, inner: { kind: 'gru', config: { units: 3, resetAfter: false } } },
        { kind: 'dense', config: { units: 2, activation: 'softmax' } },
      ],
      sample: [6, 3],
    },
    {
      name: 'Embedding + SimpleRNN (relu, goBackwards) + Dense(sigmoid)',
      layers: [
        { kind: 'embedding', config: { inputDim: 15, outputDim: 4, inputLength: 5 } },
        { kind: 'simpleRNN', config: { units: 6, activation: 'relu', goBackwards: true } },
        { kind: 'dense', config: { units: 1, activation: 'sigmoid' } },
      ],
      sample: [5],
      ids: 15,
    },
    {
      name: 'GRU → RepeatVector → LSTM sequences → TimeDistributed(Dense), and GlobalMaxPooling1D',
      layers: [
        { kind: 'gru', config: { units: 4, resetAfter: false, inputShape: [5, 2] } },
        { kind: 'repeatVector', config: { n: 3 } },
        { kind: 'lstm', config: { units: 3, returnSequences: true } },
        { kind: 'timeDistributed', config: {}, inner: { kind: 'dense', config: { units: 4, activation: 'tanh' } } },
        { kind: 'globalMaxPooling1d', config: {} },
      ],
      sample: [5, 2],
    },
    {
      name: 'LSTM and Bidirectional GRU without biases (useBias false), SpatialDropout1D and Dropout + Dense',
      layers: [
        { kind: 'lstm', config: { units: 4, useBias: false, returnSequences: true, inputShape: [5, 2] } },
        { kind: 'spatialDropout1d', config: { rate: 0.2 } },
        { kind: 'bidirectional', config: { mergeMode: 'sum' }, inner: { kind: 'gru', config: { units: 3, resetAfter: false, useBias: false } } },
        { kind: 'dropout', config: { rate: 0.3, seed: 5 } },
        { kind: 'dense', config: { units: 2 } },
      ],
      sample: [5, 2],
    },
  ];

  it.each(WEBRNN_MODELS.map((m, i) => [m.name, m, i] as const))('webrnn → TF.js → webrnn: %s', async (_name, m, i) => {
    const random = rng(500 + i);
    const n = 3;
    const shape = [n, ...m.sample];
    const size = shape.reduce((a, b) => a * b, 1);
    const x = m.ids ? Float32Array.from({ length: size }, () => Math.floor(random() * m.ids!)) : uniform(random, size, 1);
    const { result, artifacts } = await page.call('buildSaveLoad', { layers: m.layers, seed: 60 + i, x: enc(x, shape) });
    expect(result.validationError).toBeNull();
    const y = decodeFloats(result.outputs.y!);
    expectClose(decodeFloats(result.outputs.yLoaded!), y, ROUND_TRIP, 'webrnn save → load');
    const ours = outputs(result, 'w');
    // TF.js loads our save, computes the same function, and saves it back.
    const model = await loadFromMemory(decodeArtifacts(artifacts));
    expect(weightsOf(model)).toEqual(ours);
    expectClose(predict(model, x, shape), y, PEER, 'TF.js on the webrnn save');
    const back = encodeArtifacts(await saveToMemory(model));
    model.dispose();
    const r = await page.run('loadAndPredict', { artifacts: back, x: enc(x, shape) });
    expect(outputs(r, 'w')).toEqual(ours);
    expectClose(r.outputs.y!, y, ROUND_TRIP, 'webrnn → TF.js → webrnn');
  });

  const sine = (n: number, steps: number) => {
    const random = rng(77);
    const x = uniform(random, n * steps, 1);
    const y = Float32Array.from({ length: n }, (_, b) => Math.sin(x[b * steps]! * 3) * 0.5);
    return { x: enc(x, [n, steps, 1]), y: enc(y, [n, 1]), raw: { x, y } };
  };
  const TUTORIAL: InteropLayerSpec[] = [
    { kind: 'lstm', config: { units: 6, inputShape: [5, 1] } },
    { kind: 'dense', config: { units: 1 } },
  ];

  it.each([
    ['adam', { optimizer: { kind: 'adam', learningRate: 0.01 }, loss: 'mse' }, 0],
    ['rmsprop (centered, momentum)', { optimizer: { kind: 'rmsprop', learningRate: 0.01, momentum: 0.5, centered: true }, loss: 'mae' }, 0],
    // Momentum is stored as TF.js's accumulation −u/lr: one float32 division and product on the way back.
    ['sgd (nesterov momentum)', { optimizer: { kind: 'sgd', learningRate: 0.1, momentum: 0.9, nesterov: true }, loss: 'mse' }, 1e-7],
  ])('a save with the optimizer continues training as if never saved: %s', async (_name, compile, atol) => {
    const data = sine(8, 5);
    const { result } = await page.call('continueTraining', { layers: TUTORIAL, seed: 9, x: data.x, y: data.y, compile, epochs: 3 });
    expect(result.validationError).toBeNull();
    const [saved, a, b] = [outputs(result, 's'), outputs(result, 'a'), outputs(result, 'b')];
    a.forEach((w, i) => {
      expect(Math.max(...w.map((v, j) => Math.abs(v - saved[i]![j]!))), 'the step after the save moved the weights').toBeGreaterThan(1e-4);
      if (atol === 0) expect(b[i], `weight ${i}`).toEqual(w);
      else expectClose(b[i]!, w, { atol, rtol: 1e-6 }, `weight ${i}`);
    });
  });

  it.each([
    ['encoder–decoder (RepeatVector, TimeDistributed)', ENCODER_DECODER, [5, 3], [3, 2]],
    ['pooling and normalization (LayerNormalization, GlobalMaxPooling1D, GlobalAveragePooling1D)', POOLING, [6, 2], [2]],
  ] as const)('one SGD step of a TF.js %s model lands in webrnn where it lands in TF.js', async (_name, stack, sample, out) => {
    const model = tf.sequential({ layers: stack() });
    randomizeWeights(model, 77);
    model.compile({ optimizer: tf.train.sgd(0.5), loss: 'meanSquaredError' });
    const random = rng(78);
    const n = 4;
    const x = uniform(random, n * sample[0] * sample[1], 1);
    const y = uniform(random, n * out.reduce((a: number, b: number) => a * b, 1), 1);
    const save = await saveToMemory(model, true);
    const initial = weightsOf(model);
    const [xs, ys] = [tf.tensor(x, [n, ...sample]), tf.tensor(y, [n, ...out])];
    await model.fit(xs, ys, { batchSize: n, epochs: 1, shuffle: false });
    const expected = weightsOf(model);
    const r = await page.run('trainLoaded', { artifacts: encodeArtifacts(save), x: enc(x, [n, ...sample]), y: enc(y, [n, ...out]) });
    expected.forEach((w, i) => expect(Math.max(...w.map((v, j) => Math.abs(v - initial[i]![j]!))), `the step moved weight ${i}`).toBeGreaterThan(1e-5));
    outputs(r, 'w').forEach((w, i) => expectClose(w, expected[i]!, PEER_STEP, `weight ${i} after one step`));
    tf.dispose([xs, ys]);
    model.dispose();
  });

  it("TF.js continues training from webrnn's Adam state, and webrnn from TF.js's", async () => {
    const data = sine(8, 5);
    // ε tiny on both sides: Keras's ε̂ (webrnn) and TF.js's ε sit on different sides of the bias correction.
    const compile = { optimizer: { kind: 'adam', learningRate: 0.01, epsilon: 1e-12 }, loss: 'mse' };
    const { result, artifacts } = await page.call('continueTraining', { layers: TUTORIAL, seed: 11, x: data.x, y: data.y, compile, epochs: 3 });
    const webrnnNext = outputs(result, 'a');
    const tfModel = await loadFromMemory(decodeArtifacts(artifacts));
    const xs = tf.tensor(data.raw.x, [8, 5, 1]);
    const ys = tf.tensor(data.raw.y, [8, 1]);
    await tfModel.fit(xs, ys, { batchSize: 8, epochs: 1, shuffle: false });
    weightsOf(tfModel).forEach((w, i) => expectClose(w, webrnnNext[i]!, PEER_STEP, `TF.js step after webrnn's save, weight ${i}`));

    // The other way: TF.js trains and saves with its optimizer, webrnn continues.
    const theirs = tf.sequential({ layers: [tf.layers.lstm({ units: 6, inputShape: [5, 1], recurrentActivation: 'sigmoid' }), tf.layers.dense({ units: 1 })] });
    randomizeWeights(theirs, 12);
    theirs.compile({ optimizer: tf.train.adam(0.01, 0.9, 0.999, 1e-12), loss: 'meanSquaredError' });
    await theirs.fit(xs, ys, { batchSize: 8, epochs: 3, shuffle: false });
    const save = await saveToMemory(theirs, true);
    await theirs.fit(xs, ys, { batchSize: 8, epochs: 1, shuffle: false });
    const expected = weightsOf(theirs);
    const r = await page.run('trainLoaded', { artifacts: encodeArtifacts(save), x: data.x, y: data.y });
    outputs(r, 'w').forEach((w, i) => expectClose(w, expected[i]!, PEER_STEP, `webrnn step after TF.js's save, weight ${i}`));
    // Without the saved slots and step count the same step lands elsewhere: the state was used.
    const fresh = { ...save, weightSpecs: save.weightSpecs.filter((s) => s.group !== 'optimizer') };
    fresh.weightData = save.weightData.slice(
      0,
      fresh.weightSpecs.reduce((a, s) => a + 4 * s.shape.reduce((p, d) => p * d, 1), 0),
    );
    const r2 = await page.run('trainLoaded', { artifacts: encodeArtifacts(fresh), x: data.x, y: data.y });
    const gap = Math.max(...outputs(r2, 'w').flatMap((w, i) => [...w].map((v, j) => Math.abs(v - expected[i]![j]!))));
    expect(gap).toBeGreaterThan(10 * PEER_STEP.atol);
    xs.dispose();
    ys.dispose();
    tfModel.dispose();
    theirs.dispose();
  });

  /** webrnn layers for a PyTorch fixture: one per PyTorch layer, Bidirectional for both directions, then the head. */
  function torchLayers(c: TorchCase): InteropLayerSpec[] {
    const kind = c.module === 'LSTM' ? 'lstm' : c.module === 'GRU' ? 'gru' : 'simpleRNN';
    const specs: InteropLayerSpec[] = [];
    for (let k = 0; k < c.numLayers; k++) {
      const config: Record<string, unknown> = { units: c.hiddenSize, returnSequences: k < c.numLayers - 1 };
      if (c.module === 'RNN') config.activation = c.nonlinearity;
      const inputShape = k === 0 ? { inputShape: c.x.shape.slice(1) } : {};
      specs.push(c.bidirectional ? { kind: 'bidirectional', config: inputShape, inner: { kind, config } } : { kind, config: { ...config, ...inputShape } });
    }
    specs.push({ kind: 'dense', config: { units: c.y.shape[1]! } });
    return specs;
  }

  it.each(Object.entries(torchCases.cases))('PyTorch %s → webrnn predicts as PyTorch did, saves, loads, and converts back', async (_name, c) => {
    const sd = readStateDict(torchBytes(c), c.file);
    const modules = modulesOf(c);
    const weights = fromTorchStateDict(sd, modules);
    const x = Float32Array.from(c.x.data);
    const { result } = await page.call('buildSaveLoad', {
      layers: torchLayers(c),
      seed: 1,
      x: enc(x, c.x.shape),
      weights: weights.map((w) => enc(w.data, w.shape)),
    });
    expect(result.validationError).toBeNull();
    expectClose(decodeFloats(result.outputs.y!), c.y.data, PEER, `${c.file}: webrnn vs PyTorch`);
    expectClose(decodeFloats(result.outputs.yLoaded!), decodeFloats(result.outputs.y!), ROUND_TRIP, 'after save → load');
    const back = toTorchStateDict(
      outputs(result, 'w').map((data, i) => ({ data, shape: weights[i]!.shape })),
      modules,
    );
    for (const [key, t] of Object.entries(sd)) {
      if (c.module === 'GRU' || !key.includes('.bias_')) expect(back[key]!.data, key).toEqual(t.data);
    }
  });

  it('loads a Keras-form GRU with reset_after true (which TF.js refuses) and predicts as PyTorch did', async () => {
    const c = torchCases.cases.gru!;
    const weights = fromTorchStateDict(readStateDict(torchBytes(c), c.file), modulesOf(c));
    const gru = (name: string, returnSequences: boolean) => ({
      class_name: 'GRU',
      config: {
        name,
        units: c.hiddenSize,
        return_sequences: returnSequences,
        reset_after: true,
        recurrent_activation: 'sigmoid',
        activation: 'tanh',
        use_bias: true,
      },
    });
    const modelTopology = {
      keras_version: '2.15.0',
      backend: 'tensorflow',
      model_config: {
        class_name: 'Sequential',
        config: {
          name: 'torch_gru',
          layers: [
            { class_name: 'InputLayer', config: { batch_input_shape: [null, ...c.x.shape.slice(1)], name: 'input' } },
            gru('gru', true),
            gru('gru_1', false),
            { class_name: 'Dense', config: { name: 'dense', units: 2 } },
          ],
        },
      },
    };
    // Names as Keras 2.2+ writes them, with the cell scope.
    const names = [
      'gru/gru_cell/kernel',
      'gru/gru_cell/recurrent_kernel',
      'gru/gru_cell/bias',
      'gru_1/gru_cell/kernel',
      'gru_1/gru_cell/recurrent_kernel',
      'gru_1/gru_cell/bias',
      'dense/kernel',
      'dense/bias',
    ];
    const encoded = encodeWeights(weights.map((tensor, i) => ({ name: names[i]!, tensor })));
    const artifacts = {
      modelTopology,
      ...encoded,
      format: 'layers-model' as const,
      generatedBy: 'keras v2.15.0',
      convertedBy: 'TensorFlow.js Converter v4.22.0',
    };
    await expect(loadFromMemory(artifacts)).rejects.toThrow(/GRUCell does not support reset_after parameter set to true/);
    const r = await page.run('loadAndPredict', { artifacts: encodeArtifacts(artifacts), x: enc(Float32Array.from(c.x.data), c.x.shape) });
    expectClose(r.outputs.y!, c.y.data, PEER, 'Keras-form GRU reset_after vs PyTorch');
  });

  it('a model it cannot load is a ModelFormatError naming the source, the layer and its class', async () => {
    const model = tf.sequential({
      layers: [tf.layers.conv1d({ filters: 2, kernelSize: 2, inputShape: [5, 1], name: 'conv' }), tf.layers.flatten(), tf.layers.dense({ units: 1 })],
    });
    const artifacts: EncodedArtifacts = encodeArtifacts(await saveToMemory(model));
    model.dispose();
    expect(await page.call('loadError', { artifacts })).toEqual({
      name: 'ModelFormatError',
      message: expect.stringMatching(/^in-memory artifacts: layer 'conv' has class Conv1D, which webrnn does not support/),
    });
    const lstm = tf.sequential({ layers: [tf.layers.lstm({ units: 2, inputShape: [3, 1], name: 'lstm' })] });
    const renamed = await saveToMemory(lstm);
    lstm.dispose();
    renamed.weightSpecs = renamed.weightSpecs.map((s) => ({ ...s, name: s.name.replace('lstm/', 'other/') }));
    expect(await page.call('loadError', { artifacts: encodeArtifacts(renamed) })).toEqual({
      name: 'ModelFormatError',
      message: expect.stringMatching(
        /^in-memory artifacts: weights check failed: the model needs "lstm\/kernel" \[1, 8\], which the weights manifest does not have; it has "other\/kernel"/,
      ),
    });
  });
});
