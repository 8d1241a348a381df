/**
 * The layers-model format without a GPU: topologies as TF.js writes them read into webrnn layers, topologies
 * webrnn writes read by TF.js itself (@tensorflow/tfjs in Node), the training config both ways, the optimizer
 * weights convention, and every unsupported construct as a ModelFormatError naming the file, layer and class.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ModelFormatError, ValueError } from '../src/errors';
import type { JsonObject } from '../src/io/types';
import { Bidirectional, Dense, Dropout, Embedding, GRU, LSTM, SimpleRNN, SRU, layers, type Layer } from '../src/layers/index';
import { layoutSegments } from '../src/model/arena';
import { layersFromTopology, sequentialTopology } from '../src/model/kerasLayers';
import { modelArtifacts, type PersistenceView } from '../src/model/save';
import { optimizerWeightList, readOptimizerWeights } from '../src/model/optimizerWeights';
import { compileArgsFromTrainingConfig, trainingConfigJson } from '../src/model/trainingConfig';
import { resolveCompile } from '../src/model/training';
import { optimizers } from '../src/optim/optimizers';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** Builds shapes through the stack, as a model does before it saves. */
function built(list: Layer[]): Layer[] {
  let shape = list[0]!.declaredInputShape!;
  for (const l of list) shape = l.build(shape);
  return list;
}

function tfjsTopology(model: tf.Sequential): JsonObject {
  return model.toJSON(null, false) as JsonObject;
}

describe('reading topologies TF.js writes', () => {
  it('maps every supported layer with its options (Dropout too, a layer now) and takes the InputLayer shape', () => {
    const m = tf.sequential({
      layers: [
        tf.layers.inputLayer({ inputShape: [5] }),
        tf.layers.embedding({ inputDim: 10, outputDim: 3, inputLength: 5 }),
        tf.layers.lstm({ units: 4, returnSequences: true, activation: 'relu' }),
        tf.layers.bidirectional({ layer: tf.layers.gru({ units: 2, returnSequences: true, recurrentActivation: 'sigmoid' }) as never, mergeMode: 'ave' }),
        tf.layers.simpleRNN({ units: 3, goBackwards: true, useBias: false, kernelRegularizer: tf.regularizers.l2({ l2: 0.01 }) }),
        tf.layers.dropout({ rate: 0.5 }),
        tf.layers.dense({ units: 2, activation: 'softmax', useBias: false }),
      ],
    });
    const { layers: read, name } = layersFromTopology(tfjsTopology(m), 'm.json');
    expect(name).toBe(m.name);
    expect(read.map((l) => l.className)).toEqual(['Embedding', 'LSTM', 'Bidirectional', 'SimpleRNN', 'Dropout', 'Dense']);
    const [emb, lstm, bi, rnn, drop, dense] = read as [Embedding, LSTM, Bidirectional, SimpleRNN, Dropout, Dense];
    expect([drop.rate, drop.noiseShape]).toEqual([0.5, null]);
    expect([emb.inputDim, emb.outputDim, emb.declaredInputShape]).toEqual([10, 3, [5]]);
    // TF.js's default recurrent activation is hard_sigmoid, written out in the config.
    expect([lstm.units, lstm.activation, lstm.recurrentActivation, lstm.returnSequences]).toEqual([4, 'relu', 'hardSigmoid', true]);
    expect([bi.mergeMode, bi.forwardLayer.className, (bi.forwardLayer as GRU).resetAfter, (bi.forwardLayer as GRU).recurrentActivation]).toEqual([
      'ave',
      'GRU',
      false,
      'sigmoid',
    ]);
    expect([rnn.goBackwards, rnn.regularizers.kernel, rnn.useBias, lstm.useBias]).toEqual([true, { l1: 0, l2: 0.01 }, false, true]);
    expect(rnn.paramSpecs([5, 4]).map((s) => s.name)).toEqual(['kernel', 'recurrent_kernel']);
    expect(rnn.getConfig().use_bias).toBe(false);
    expect([dense.activation, dense.useBias]).toEqual(['softmax', false]);
  });

  it('reads the Keras converter form (model_config wrapper, InputLayer with batch_shape, cell-scoped GRU reset_after)', () => {
    const topology = {
      keras_version: '2.15.0',
      backend: 'tensorflow',
      model_config: {
        class_name: 'Sequential',
        config: {
          name: 'seq',
          layers: [
            { class_name: 'InputLayer', config: { batch_shape: [null, 7, 2], name: 'in' } },
            { class_name: 'GRU', config: { name: 'gru', units: 3, reset_after: true, recurrent_activation: 'sigmoid', dropout: 0.2, recurrent_dropout: 0.1 } },
          ],
        },
      },
    };
    const { layers: read } = layersFromTopology(topology, 'keras.json');
    const gru = read[0] as GRU;
    expect([gru.resetAfter, gru.declaredInputShape, gru.recurrentActivation]).toEqual([true, [7, 2], 'sigmoid']);
    expect([gru.dropout, gru.recurrentDropout]).toEqual([0.2, 0.1]);
  });

  it.each([
    [
      'an unsupported layer class',
      { class_name: 'Conv1D', config: { name: 'conv', filters: 2 } },
      /^x\.json: layer 'conv' has class Conv1D, which webrnn does not support; it reads InputLayer, LSTM, GRU, SimpleRNN, SRU, EchoState, Dense, Embedding, Bidirectional, Dropout, SpatialDropout1D/,
    ],
    [
      'an unknown activation',
      { class_name: 'Dense', config: { name: 'd', units: 2, activation: 'selu' } },
      /layer 'd' \(Dense\): activation "selu" is not supported; webrnn has linear, relu, tanh, sigmoid, softmax/,
    ],
    [
      'Keras 3 hard_sigmoid',
      { class_name: 'LSTM', config: { name: 'l', units: 2, recurrent_activation: 'hard_sigmoid' } },
      /hard_sigmoid from Keras 3\.1\.0 is relu6/,
    ],
    [
      'a recurrent_dropout outside [0, 1)',
      { class_name: 'LSTM', config: { name: 'l', units: 2, recurrent_dropout: 1 } },
      /layer 'l' \(LSTM\): recurrent_dropout must be a number in \[0, 1\); got 1/,
    ],
    [
      'a mask_zero that is no boolean',
      { class_name: 'Embedding', config: { name: 'e', input_dim: 4, output_dim: 2, input_length: 3, mask_zero: 'yes' } },
      /layer 'e' \(Embedding\): mask_zero/,
    ],
    [
      'a Masking mask_value that is no number',
      { class_name: 'Masking', config: { name: 'm', mask_value: 'pad' } },
      /layer 'm' \(Masking\): mask_value must be a number; got "pad"/,
    ],
    [
      'a constraint',
      { class_name: 'Dense', config: { name: 'd', units: 2, kernel_constraint: { class_name: 'MaxNorm' } } },
      /layer 'd' \(Dense\): kernel_constraint .* is not supported/,
    ],
    [
      'a Bidirectional around a Dense',
      { class_name: 'Bidirectional', config: { name: 'b', layer: { class_name: 'Dense', config: { name: 'd', units: 2 } } } },
      /layer 'b' \(Bidirectional\): wraps Dense/,
    ],
    [
      'a Bidirectional with merge_mode null',
      { class_name: 'Bidirectional', config: { name: 'b', merge_mode: null, layer: { class_name: 'LSTM', config: { name: 'l', units: 2 } } } },
      /merge_mode null returns two outputs/,
    ],
    ['a GRU time_major', { class_name: 'GRU', config: { name: 'g', units: 2, time_major: true } }, /time_major: true is not supported/],
  ])('names the file, layer and class for %s', (_what, layer, message) => {
    const topology = {
      keras_version: '3.1.0',
      class_name: 'Sequential',
      config: { name: 's', layers: [{ class_name: 'InputLayer', config: { batch_input_shape: [null, 3, 2] } }, layer] },
    };
    expect(() => layersFromTopology(topology, 'x.json')).toThrow(ModelFormatError);
    expect(() => layersFromTopology(topology, 'x.json')).toThrow(message);
  });

  it('rejects functional models and empty ones', () => {
    expect(() => layersFromTopology({ class_name: 'Functional', config: {} }, 'f.json')).toThrow(
      /^f\.json: model class check failed: modelTopology\.class_name is "Functional"; webrnn loads Sequential models/,
    );
    expect(() =>
      layersFromTopology({ class_name: 'Sequential', config: { layers: [{ class_name: 'InputLayer', config: { batch_input_shape: [null, 3] } }] } }, 'e.json'),
    ).toThrow(/no layers with weights/);
  });
});

describe('topologies webrnn writes, read by TF.js', () => {
  const stack = () =>
    built([
      layers.embedding({ inputDim: 12, outputDim: 4, inputLength: 6, embeddingsRegularizer: { l1: 0.001 } }),
      layers.bidirectional({ layer: layers.lstm({ units: 3, returnSequences: true, recurrentActivation: 'hardSigmoid' }), mergeMode: 'sum' }),
      layers.gru({ units: 3, resetAfter: false, returnSequences: true, kernelRegularizer: { l2: 0.01 } }),
      layers.simpleRNN({ units: 2, activation: 'relu', goBackwards: true }),
      layers.dense({ units: 2, activation: 'sigmoid' }),
    ]);

  it('TF.js builds the same stack from it: classes, units, activations, directions, shapes, weight shapes', async () => {
    const ours = stack();
    const topology = sequentialTopology('my_model', ours);
    const model = (await tf.models.modelFromJSON({ modelTopology: topology as never })) as tf.Sequential;
    expect(model.name).toBe('my_model');
    expect(model.layers.map((l) => l.getClassName())).toEqual(['Embedding', 'Bidirectional', 'GRU', 'SimpleRNN', 'Dense']);
    expect(model.inputs[0]!.shape).toEqual([null, 6]);
    const c = model.layers.map((l) => l.getConfig() as Record<string, unknown>);
    expect(c[1]!.mergeMode).toBe('sum');
    expect((c[1]!.layer as { config: Record<string, unknown> }).config.recurrentActivation).toBe('hardSigmoid');
    expect(c[2]!.kernelRegularizer).toEqual({ className: 'L1L2', config: { l1: 0, l2: 0.01 } });
    expect([c[3]!.activation, c[3]!.goBackwards, c[4]!.activation]).toEqual(['relu', true, 'sigmoid']);
    // Same weight names and shapes as the arena lays out, in the same order.
    const segs = layoutSegments(ours.map((l) => ({ layer: l.name, specs: l.paramSpecs(l.inputShape) }))).segments;
    expect(model.weights.map((w) => [w.originalName, w.shape])).toEqual(segs.map((s) => [s.path, s.spec.shape]));
  });

  it('reads back into the same layers (write → read → write is a fixed point)', () => {
    const topology = sequentialTopology('m', stack());
    const again = sequentialTopology('m', built(layersFromTopology(topology, 'm.json').layers));
    expect(again).toEqual(topology);
  });

  it('an SRU (webrnn only) round-trips under class SRU with its config; TF.js refuses it by that name', async () => {
    const sru = () =>
      built([layers.sru({ units: 3, activation: 'tanh', goBackwards: true, returnSequences: true, inputShape: [4, 2] }), layers.sru({ units: 3 })]);
    const topology = sequentialTopology('s', sru());
    const read = layersFromTopology(topology, 's.json').layers as SRU[];
    expect(read.map((l) => [l.className, l.units, l.activation, l.goBackwards, l.returnSequences])).toEqual([
      ['SRU', 3, 'tanh', true, true],
      ['SRU', 3, 'linear', false, false],
    ]);
    expect(sequentialTopology('s', built(read))).toEqual(topology);
    const segs = layoutSegments(sru().map((l) => ({ layer: l.name, specs: l.paramSpecs(l.inputShape) }))).segments;
    // 2 features ≠ 3 units: 4 kernel blocks; then 3 = 3: the skip is x itself, 3 blocks.
    expect(segs.map((s) => s.spec.shape)).toEqual([
      [2, 12],
      [2, 3],
      [2, 3],
      [3, 9],
      [2, 3],
      [2, 3],
    ]);
    await expect(tf.models.modelFromJSON({ modelTopology: topology as never })).rejects.toThrow(/Unknown layer: SRU/);
  });

  it("TF.js 4.22 refuses a GRU with reset_after true (webrnn's default), which webrnn reads", async () => {
    const topology = sequentialTopology('g', built([layers.gru({ units: 2, inputShape: [3, 1] })]));
    await expect(tf.models.modelFromJSON({ modelTopology: topology as never })).rejects.toThrow(/GRUCell does not support reset_after parameter set to true/);
    expect((layersFromTopology(topology, 'g.json').layers[0] as GRU).resetAfter).toBe(true);
  });
});

describe('training config', () => {
  it.each([
    ['adam', { optimizer: optimizers.adam({ learningRate: 0.01, beta1: 0.8, clipNorm: 2 }), loss: 'mse', metrics: ['mae'] }],
    [
      'sgd + nesterov momentum',
      { optimizer: optimizers.sgd({ learningRate: 0.1, momentum: 0.9, nesterov: true }), loss: { kind: 'binaryCrossentropy', fromLogits: true } },
    ],
    [
      'centered rmsprop',
      { optimizer: optimizers.rmsprop({ rho: 0.8, momentum: 0.5, centered: true, globalClipNorm: 1 }), loss: { kind: 'huber', delta: 0.5 } },
    ],
    ['plain sgd', { optimizer: 'sgd', loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] }],
  ])('round-trips %s', (_name, args) => {
    const compiled = resolveCompile(args as never, 3);
    const json = trainingConfigJson(compiled, compiled.optimizer.learningRate);
    expect(resolveCompile(compileArgsFromTrainingConfig(json, 'm.json'), 3)).toEqual(compiled);
  });

  it('writes what TF.js compiles from (TF.js classes Momentum and RMSProp) and reads what TF.js and Keras write', async () => {
    const json = trainingConfigJson(resolveCompile({ optimizer: optimizers.sgd({ momentum: 0.5 }), loss: 'mae' }, 1), 0.01);
    expect(json.optimizer_config).toEqual({ class_name: 'Momentum', config: { learning_rate: 0.01, momentum: 0.5, use_nesterov: false } });
    const m = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [2] })] });
    m.loadTrainingConfig(json as never);
    expect(m.optimizer.getClassName()).toBe('Momentum');
    expect(m.optimizer.getConfig()).toMatchObject({ learningRate: 0.01, momentum: 0.5 });
    m.compile({ optimizer: tf.train.rmsprop(0.02, 0.8, 0.1, 1e-6, true), loss: 'meanSquaredError', metrics: ['mae'] });
    const fromTfjs = resolveCompile(compileArgsFromTrainingConfig((m as unknown as { getTrainingConfig(): never }).getTrainingConfig(), 't.json'), 1);
    expect(fromTfjs.optimizer).toEqual(optimizers.rmsprop({ learningRate: 0.02, rho: 0.8, momentum: 0.1, epsilon: 1e-6, centered: true }));
    expect([fromTfjs.loss.kind, fromTfjs.metrics.map((x) => x.name)]).toEqual(['mse', ['mae']]);
    const keras = {
      loss: { class_name: 'BinaryCrossentropy', config: { from_logits: true } },
      metrics: ['acc'],
      optimizer_config: { class_name: 'RMSprop', config: { learning_rate: 0.005, rho: 0.95, momentum: 0, epsilon: 1e-7, centered: false, decay: 0 } },
    };
    const fromKeras = resolveCompile(compileArgsFromTrainingConfig(keras, 'k.json'), 1);
    expect([fromKeras.loss.fromLogits, fromKeras.optimizer]).toEqual([true, optimizers.rmsprop({ learningRate: 0.005, rho: 0.95 })]);
  });

  it('names what it cannot take', () => {
    const base = { loss: 'mse', optimizer_config: { class_name: 'Adam', config: {} } };
    expect(() => compileArgsFromTrainingConfig({ ...base, optimizer_config: { class_name: 'Adagrad', config: {} } }, 'm.json')).toThrow(
      /^m\.json: trainingConfig\.optimizer_config: class Adagrad is not supported/,
    );
    expect(() => compileArgsFromTrainingConfig({ ...base, optimizer_config: { class_name: 'Adam', config: { amsgrad: true } } }, 'm.json')).toThrow(
      /Adam with amsgrad is not supported; load with \{ compile: false \}/,
    );
    expect(() => compileArgsFromTrainingConfig({ ...base, loss: 'poisson' }, 'm.json')).toThrow(/^m\.json: trainingConfig: Unknown loss "poisson"/);
    expect(() => compileArgsFromTrainingConfig({ ...base, loss_weights: [1] }, 'm.json')).toThrow(/loss_weights is not supported/);
  });
});

describe("optimizer weights in TF.js's convention", () => {
  const segs = layoutSegments([{ layer: 'dense', specs: new Dense({ units: 2 }).paramSpecs([3]) }]).segments;
  const values = (seed: number) => segs.map((s) => Float32Array.from({ length: s.length }, (_, i) => (i + 1) * seed));

  it('writes iter (int32) then each slot kind for every weight, and reads it back', () => {
    const adam = optimizers.adam();
    const list = optimizerWeightList(adam, segs, { momentum: values(1), velocity: values(2) }, 7, 0.001);
    expect(list.map((w) => [w.name, w.dtype ?? 'float32'])).toEqual([
      ['iter', 'int32'],
      ['dense/kernel/m', 'float32'],
      ['dense/bias/m', 'float32'],
      ['dense/kernel/v', 'float32'],
      ['dense/bias/v', 'float32'],
    ]);
    const back = readOptimizerWeights(adam, segs, list, 0.001, 'm.json');
    expect(back).toEqual({ iterations: 7, slots: { momentum: values(1), velocity: values(2) } });
  });

  it("stores Keras SGD momentum u as TF.js's accumulation −u/lr, and RMSprop without momentum as zeros", () => {
    const sgd = optimizers.sgd({ momentum: 0.9, learningRate: 0.5 });
    const list = optimizerWeightList(sgd, segs, { momentum: values(1) }, 3, 0.5);
    expect([...list[1]!.tensor.data]).toEqual([...values(1)[0]!].map((v) => -2 * v));
    expect(readOptimizerWeights(sgd, segs, list, 0.5, 'm.json').slots.momentum).toEqual(values(1));
    const rms = optimizerWeightList(optimizers.rmsprop(), segs, { velocity: values(3) }, 1, 0.001);
    expect(rms.map((w) => w.name)).toEqual(['iter', 'dense/kernel/rms', 'dense/bias/rms', 'dense/kernel/momentum', 'dense/bias/momentum']);
    expect(rms[3]!.tensor.data.every((v) => v === 0)).toBe(true);
  });

  it('rejects state saved for another optimizer or model', () => {
    const list = optimizerWeightList(optimizers.adam(), segs, { momentum: values(1), velocity: values(2) }, 7, 0.001);
    expect(() => readOptimizerWeights(optimizers.sgd({ momentum: 0.9 }), segs, list, 0.01, 'm.json')).toThrow(
      /^m\.json: optimizer state check failed: a sgd optimizer over 2 weights saves 3 tensors \(iter, …\/momentum\); the file has 5/,
    );
    const swapped = [list[0]!, list[2]!, list[1]!, list[3]!, list[4]!];
    expect(() => readOptimizerWeights(optimizers.adam(), segs, swapped, 0.001, 'm.json')).toThrow(
      /"dense\/bias\/m" is \[2\] but dense\/kernel\/m must be \[3, 2\]/,
    );
    expect(() =>
      readOptimizerWeights(optimizers.adam(), segs, [{ ...list[0]!, tensor: { data: Float32Array.of(1.5), shape: [] } }, ...list.slice(1)], 0.001, 'm.json'),
    ).toThrow(/the first optimizer weight must be the step count 'iter'/);
  });
});

describe('save options', () => {
  // Checked before anything is read from the GPU, so a view without an arena is enough here.
  const view = { name: 'm', layers: [], compiled: null, optimizer: null } as unknown as PersistenceView;
  it('needs a compiled model for includeOptimizer, and names unknown options', async () => {
    await expect(modelArtifacts(view, { includeOptimizer: true })).rejects.toThrow(
      new ValueError(
        'save({ includeOptimizer: true }) needs a compiled model: there is no optimizer state to save. Compile it first, or save without includeOptimizer',
      ),
    );
    await expect(modelArtifacts(view, { includeOptimiser: true } as never)).rejects.toThrow(
      /save: unknown option 'includeOptimiser'; the option is includeOptimizer/,
    );
    await expect(modelArtifacts(view, { includeOptimizer: 'yes' } as never)).rejects.toThrow(/includeOptimizer must be true or false; got "yes"/);
  });
});
