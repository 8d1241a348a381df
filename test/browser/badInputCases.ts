/**
 * Bad inputs across layers, compile, fit, predict, weights, data utilities and load, each run against a real
 * model on the GPU. Every case must throw; the Node side (test/badInputs.gpu.test.ts) checks the error's name
 * and that its message says what was expected and what was received. Around the cases that touch the model,
 * the harness proves nothing changed: same weights bit for bit, same live buffers, and the model still trains.
 */
import {
  CharVocabulary,
  MinMaxScaler,
  chronologicalSplit,
  createRuntime,
  layers,
  loadArtifacts,
  lstmBackward,
  lstmForward,
  makeWindows,
  memorySink,
  padSequences,
  parseCsv,
  saveArtifacts,
  sequential,
  simpleRnnBackward,
  type ModelArtifacts,
  type Sequential,
  type Tensor,
} from '../../src/index';
import { encodeWeights } from '../../src/io/weights';
import { rt } from './harnessCore';

type Outcome = { id: string; name: string; message: string };

const t = (shape: number[], fill = (i: number) => Math.sin(i)): Tensor => ({
  data: Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => fill(i)),
  shape,
});
const X = t([5, 3, 2]);
const Y = t([5, 1], (i) => 0.1 * i);
// Functional-API weights for X (batch 5, 3 steps, 2 features) and 4 units.
const lstmWeights = { x: X, kernel: t([2, 16]), recurrentKernel: t([4, 16]), bias: t([16]) };
const rnnWeights = { x: X, kernel: t([2, 4]), recurrentKernel: t([4, 4]), bias: t([4]) };
const withValue = (base: Tensor, flatIndex: number, value: number): Tensor => {
  const data = base.data.slice();
  data[flatIndex] = value;
  return { data, shape: [...base.shape] };
};

function tinyModel(r: Awaited<ReturnType<typeof rt>>, seed: number): Sequential {
  const m = sequential(r, { seed });
  m.add(layers.lstm({ units: 4, inputShape: [3, 2] }));
  m.add(layers.dense({ units: 1 }));
  return m;
}

async function outcome(id: string, body: () => unknown): Promise<Outcome> {
  try {
    await body();
    return { id, name: 'no error', message: '' };
  } catch (e) {
    const err = e as Error;
    return { id, name: err.name, message: err.message };
  }
}

function sameBits(a: Tensor[], b: Tensor[]): boolean {
  return a.length === b.length && a.every((w, i) => w.data.length === b[i]!.data.length && w.data.every((v, j) => Object.is(v, b[i]!.data[j])));
}

async function artifactsOf(model: Sequential): Promise<ModelArtifacts> {
  const weights = await model.getWeights();
  const sink = memorySink();
  await saveArtifacts(sink, {
    modelTopology: { class_name: 'Sequential', config: { name: model.name, layers: [] } },
    ...encodeWeights(weights.map((w, i) => ({ name: `w${i}`, tensor: w }))),
    format: 'layers-model',
    generatedBy: 'webrnn test',
    convertedBy: null,
  });
  return sink.artifacts!;
}

export const badInputCases = {
  async badInputs() {
    const r = await rt();
    const model = tinyModel(r, 11);
    model.compile({ optimizer: 'adam', loss: 'mse' });

    // Models other cases need, made before the snapshot so their own buffers do not count.
    const uncompiled = tinyModel(r, 12);
    uncompiled.countParams(); // built, never compiled
    const disposed = tinyModel(r, 13);
    disposed.compile({ optimizer: 'sgd', loss: 'mse' });
    disposed.dispose();
    const deadRuntime = await createRuntime({ backend: 'webgpu' });
    deadRuntime.dispose();
    const words = sequential(r, { seed: 14 });
    words.add(layers.embedding({ inputDim: 10, outputDim: 3, inputLength: 4 }));
    words.add(layers.dense({ units: 2 }));
    words.countParams();
    const saved = await artifactsOf(model);

    // A second fit while one runs, and dispose() during fit: the running fit must finish normally.
    const busy = tinyModel(r, 15);
    busy.compile({ optimizer: 'sgd', loss: 'mse' });
    const running = busy.fit(X, Y, { epochs: 2, batchSize: 5 });
    const concurrency = [
      await outcome('fit while fit runs', () => busy.fit(X, Y)),
      await outcome('dispose while fit runs', () => busy.dispose()),
      await outcome('compile while fit runs', () => busy.compile({ optimizer: 'adam', loss: 'mse' })),
    ];
    const runningFitLoss = (await running).history.loss!;
    busy.dispose();

    const before = await model.getWeights();
    const statsBefore = r.stats;
    const cases: [string, () => unknown][] = [
      // layers
      ['lstm units 0', () => layers.lstm({ units: 0, inputShape: [3, 2] })],
      ['dense units 2.5', () => layers.dense({ units: 2.5 })],
      ['unknown activation', () => layers.lstm({ units: 4, activation: 'swish' as never })],
      ['misspelled layer option', () => layers.dense({ unit: 3 } as never)],
      ['inputShape with a zero', () => layers.lstm({ units: 4, inputShape: [0, 2] })],
      ['add a non-layer', () => sequential(r).add({} as never)],
      ['add after build', () => model.add(layers.dense({ units: 1 }))],
      ['first layer without inputShape', () => sequential(r).add(layers.dense({ units: 1 }))],
      [
        'duplicate layer name',
        () =>
          sequential(r)
            .add(layers.dense({ units: 1, inputShape: [2], name: 'twin' }))
            .add(layers.dense({ units: 1, name: 'twin' })),
      ],
      [
        'lstm on rank-1 input',
        () =>
          sequential(r)
            .add(layers.dense({ units: 3, inputShape: [2] }))
            .add(layers.lstm({ units: 2 }))
            .countParams(),
      ],
      // compile
      ['unknown optimizer', () => model.compile({ optimizer: 'adamw', loss: 'mse' })],
      ['unknown loss', () => model.compile({ optimizer: 'adam', loss: 'msee' })],
      ['unknown metric', () => model.compile({ optimizer: 'adam', loss: 'mse', metrics: ['accuracy2'] })],
      ['clipNorm with clipValue', () => model.compile({ optimizer: 'adam', loss: 'mse', clipNorm: 1, clipValue: 1 })],
      ['misspelled compile option', () => model.compile({ optimizer: 'adam', loss: 'mse', lr: 0.1 } as never)],
      ['negative learning rate', () => model.compile({ optimizer: { kind: 'adam', learningRate: -1 } as never, loss: 'mse' })],
      ['compile without loss', () => model.compile({ optimizer: 'adam' } as never)],
      // fit
      ['fit before compile', () => uncompiled.fit(X, Y)],
      ['x of rank 2', () => model.fit(t([5, 6]), Y)],
      ['x with 4 timesteps', () => model.fit(t([5, 4, 2]), Y)],
      ['x with 3 features', () => model.fit(t([5, 3, 3]), Y)],
      ['x and y counts differ', () => model.fit(X, t([4, 1]))],
      ['empty x and y', () => model.fit(t([0, 3, 2]), t([0, 1]))],
      ['NaN in x', () => model.fit(withValue(X, 2 * 6 + 1 * 2 + 0, Number.NaN), Y)],
      ['Infinity in y', () => model.fit(X, withValue(Y, 3, Number.POSITIVE_INFINITY))],
      ['y of wrong width', () => model.fit(X, t([5, 2]))],
      ['batchSize 0', () => model.fit(X, Y, { batchSize: 0 })],
      ['batchSize -4', () => model.fit(X, Y, { batchSize: -4 })],
      ['batchSize 2.5', () => model.fit(X, Y, { batchSize: 2.5 })],
      ['batchSize NaN', () => model.fit(X, Y, { batchSize: Number.NaN })],
      ['epochs 0', () => model.fit(X, Y, { epochs: 0 })],
      ['initialEpoch past epochs', () => model.fit(X, Y, { epochs: 2, initialEpoch: 2 })],
      ['misspelled fit option', () => model.fit(X, Y, { epoch: 3 } as never)],
      ['validationSplit with validationData', () => model.fit(X, Y, { validationSplit: 0.2, validationData: [X, Y] })],
      ['validationSplit 1.5', () => model.fit(X, Y, { validationSplit: 1.5 })],
      ['validationData of wrong shape', () => model.fit(X, Y, { validationData: [t([2, 3, 3]), t([2, 1])] })],
      ['callback that is not an object', () => model.fit(X, Y, { callbacks: 5 as never })],
      ['callback hook that is not a function', () => model.fit(X, Y, { callbacks: { onEpochEnd: 'log' } as never })],
      ['stopOnNonFinite not a boolean', () => model.fit(X, Y, { stopOnNonFinite: 'yes' as never })],
      ['x as BigInt64Array', () => model.fit({ data: new BigInt64Array(30) as never, shape: [5, 3, 2] }, Y)],
      ['x as strings', () => model.fit([[['a', 'b']]] as never, Y)],
      [
        'ragged x',
        () =>
          model.predict([
            [
              [1, 2],
              [3, 4],
              [5, 6],
            ],
            [
              [1, 2],
              [3, 4],
            ],
          ]),
      ],
      ['token ids out of range', () => words.predict(t([2, 4], (i) => (i === 5 ? 10 : i % 10)))],
      ['fractional token ids', () => words.predict(t([2, 4], (i) => (i === 6 ? 2.5 : i % 10)))],
      // predict and evaluate
      ['predict x of rank 2', () => model.predict(t([5, 6]))],
      ['predict NaN in x', () => model.predict(withValue(X, 29, Number.NaN))],
      ['predict batchSize 0', () => model.predict(X, { batchSize: 0 })],
      ['predict a string', () => model.predict('hello' as never)],
      ['evaluate counts differ', () => model.evaluate(X, t([3, 1]))],
      // weights
      ['setWeights with too few tensors', () => model.setWeights(before.slice(1))],
      ['setWeights with a wrong shape', () => model.setWeights([t([3, 16]), ...before.slice(1)])],
      ['setWeights with NaN', () => model.setWeights([withValue(before[0]!, 7, Number.NaN), ...before.slice(1)])],
      // after dispose
      ['predict after dispose', () => disposed.predict(X)],
      ['fit after dispose', () => disposed.fit(X, Y)],
      ['getWeights after dispose', () => disposed.getWeights()],
      ['a model on a disposed runtime', () => sequential(deadRuntime).add(layers.dense({ units: 1, inputShape: [2] }))],
      // the functional API: every input and gradient is checked for finite numbers, named as the API names it
      ['lstmForward with NaN in c0', () => lstmForward(r, { ...lstmWeights, initialState: [t([5, 4]), withValue(t([5, 4]), 6, Number.NaN)] })],
      ['lstmBackward with Infinity in dc', () => lstmBackward(r, lstmWeights, { dOutput: t([5, 4]), dc: withValue(t([5, 4]), 3, Infinity) })],
      ['simpleRnnBackward with NaN in dOutput', () => simpleRnnBackward(r, rnnWeights, { dOutput: withValue(t([5, 4]), 0, Number.NaN) })],
      // data utilities
      ['makeWindows window 0', () => makeWindows([1, 2, 3, 4], { window: 0 })],
      ['makeWindows on NaN', () => makeWindows([1, 2, Number.NaN, 4, 5], { window: 2 })],
      ['scaler transform before fit', () => new MinMaxScaler().transform([1, 2])],
      ['CSV column that does not exist', () => parseCsv('a,b\n1,2\n', { column: 'c' })],
      ['split fractions over 1', () => chronologicalSplit(10, { train: 0.8, validation: 0.3 } as never)],
      ['padSequences with NaN', () => padSequences([[1, Number.NaN]])],
      ['vocabulary id out of range', () => CharVocabulary.fromText('abc').decode([99])],
      // load
      ['truncated weights', () => loadArtifacts({ ...saved, weightData: saved.weightData.slice(0, -4) })],
      ['bit-flipped weights', () => loadArtifacts({ ...saved, weightData: flipBit(saved.weightData, 21) })],
      ['HTML for weights', () => loadArtifacts({ ...saved, weightData: new TextEncoder().encode('<!DOCTYPE html><html>404</html>').buffer as ArrayBuffer })],
      [
        'unknown format version',
        () => loadArtifacts({ ...saved, userDefinedMetadata: { webrnn: { ...(saved.userDefinedMetadata!.webrnn as object), formatVersion: 9 } } }),
      ],
      ['weight shape edited', () => loadArtifacts({ ...saved, weightSpecs: saved.weightSpecs.map((s, i) => (i === 0 ? { ...s, shape: [1, 16] } : s)) })],
    ];
    const results = [...concurrency];
    for (const [id, body] of cases) results.push(await outcome(id, body));
    const statsAfter = r.stats;
    const after = await model.getWeights();

    // The model still trains: the loss is finite and the weights move. A failure here is reported, not
    // thrown, so the Node side still sees which case let it happen.
    let training: { lossAfter: number[]; weightsMoved: boolean; predictionFinite: boolean } | { error: string };
    try {
      const history = await model.fit(X, Y, { epochs: 2, batchSize: 5, shuffle: false });
      const trained = await model.getWeights();
      const prediction = await model.predict(X);
      training = {
        lossAfter: history.history.loss!,
        weightsMoved: !sameBits(before, trained),
        predictionFinite: Array.from(prediction.data).every(Number.isFinite),
      };
    } catch (e) {
      training = { error: String(e) };
    }
    for (const m of [model, uncompiled, words]) m.dispose();
    return {
      results,
      runningFitLoss,
      weightsUnchanged: sameBits(before, after),
      buffers: [statsBefore.buffers, statsAfter.buffers],
      bytes: [statsBefore.bytes, statsAfter.bytes],
      training,
    };
  },
};

function flipBit(buffer: ArrayBuffer, byte: number): ArrayBuffer {
  const copy = new Uint8Array(buffer.slice(0));
  copy[byte]! ^= 0x10;
  return copy.buffer;
}
