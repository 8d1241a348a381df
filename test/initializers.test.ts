/**
 * Weight initializers without a GPU: every name in TF.js's and Keras's spellings, TF.js's own initializer objects,
 * the statistics each draws (Keras's fans and scales), seeds, the LSTM's unit forget bias over a given bias
 * initializer, and the errors for what is not an initializer.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { ValueError, initializers, layers } from '../src/index';
import { readInitializer } from '../src/layers/initializerConfig';
import { initialize, seededRandom, type Initializer } from '../src/layers/initializers';

const FALLBACK: Initializer = { kind: 'zeros' };
const read = (value: unknown) => readInitializer("lstm 'l'", 'kernelInitializer', value, FALLBACK);
const draw = (value: unknown, shape: number[], seed = 1) => initialize(read(value), shape, seededRandom(seed));

function stats(a: Float32Array): { mean: number; std: number; maxAbs: number } {
  const mean = a.reduce((s, v) => s + v, 0) / a.length;
  const variance = a.reduce((s, v) => s + (v - mean) ** 2, 0) / a.length;
  return { mean, std: Math.sqrt(variance), maxAbs: a.reduce((m, v) => Math.max(m, Math.abs(v)), 0) };
}

describe('initializer names', () => {
  it("read TF.js's camelCase, Keras's snake_case and both class names as one initializer", () => {
    for (const spelling of ['heNormal', 'he_normal', 'HeNormal', { className: 'HeNormal' }, { class_name: 'HeNormal', config: { seed: null } }]) {
      expect(read(spelling)).toEqual({ kind: 'varianceScaling', scale: 2, mode: 'fanIn', distribution: 'truncatedNormal' });
    }
    expect(read('glorot_uniform')).toEqual({ kind: 'varianceScaling', scale: 1, mode: 'fanAvg', distribution: 'uniform' });
    expect(read('Zeros')).toEqual({ kind: 'zeros' });
    expect(read('zero')).toEqual({ kind: 'zeros' });
    expect(read({ class_name: 'VarianceScaling', config: { scale: 3, mode: 'fan_out', distribution: 'untruncated_normal', seed: 7 } })).toEqual({
      kind: 'varianceScaling',
      scale: 3,
      mode: 'fanOut',
      distribution: 'untruncatedNormal',
      seed: 7,
    });
    // Keras 3's form: module and registered_name beside class_name and config.
    expect(read({ module: 'keras.initializers', class_name: 'Orthogonal', config: { gain: 1.5, seed: null }, registered_name: null })).toEqual({
      kind: 'orthogonal',
      gain: 1.5,
    });
    expect(read(undefined)).toBe(FALLBACK);
    expect(read(null)).toBe(FALLBACK);
  });

  it('initializers.* return what the layers read', () => {
    expect(initializers.randomUniform({ minval: -1, maxval: 2, seed: 3 })).toEqual({ className: 'RandomUniform', config: { minval: -1, maxval: 2, seed: 3 } });
    expect(read(initializers.randomUniform({ minval: -1, maxval: 2, seed: 3 }))).toEqual({ kind: 'randomUniform', min: -1, max: 2, seed: 3 });
    expect(read(initializers.orthogonal({ gain: 2 }))).toEqual({ kind: 'orthogonal', gain: 2 });
    expect(read(initializers.constant({ value: 0.25 }))).toEqual({ kind: 'constant', value: 0.25 });
  });

  it("take TF.js's own initializer objects through getClassName() and getConfig()", () => {
    expect(read(tf.initializers.heNormal({ seed: 5 }))).toEqual({ kind: 'varianceScaling', scale: 2, mode: 'fanIn', distribution: 'truncatedNormal', seed: 5 });
    expect(read(tf.initializers.glorotUniform({}))).toEqual({ kind: 'varianceScaling', scale: 1, mode: 'fanAvg', distribution: 'uniform' });
    expect(read(tf.initializers.orthogonal({ gain: 1.5 }))).toEqual({ kind: 'orthogonal', gain: 1.5 });
    expect(read(tf.initializers.randomNormal({ mean: 1, stddev: 0.5 }))).toEqual({ kind: 'randomNormal', mean: 1, stddev: 0.5 });
    expect(read(tf.initializers.constant({ value: 3 }))).toEqual({ kind: 'constant', value: 3 });
    expect(read(tf.initializers.zeros())).toEqual({ kind: 'zeros' });
    expect(read(tf.initializers.identity({ gain: 2 }))).toEqual({ kind: 'identity', gain: 2 });
  });
});

describe('what each initializer draws', () => {
  it('variance scaling: Keras fans and scales, truncation at two standard deviations', () => {
    // [in, out] = [400, 600]: He's fanIn 400, Glorot's fanAvg 500.
    const he = stats(draw('heNormal', [400, 600]));
    expect(he.std).toBeCloseTo(Math.sqrt(2 / 400), 3);
    expect(he.maxAbs).toBeLessThanOrEqual((2 * Math.sqrt(2 / 400)) / 0.87962566103423978 + 1e-6);
    expect(Math.abs(he.mean)).toBeLessThan(1e-3);
    const glorotNormal = stats(draw('glorotNormal', [400, 600]));
    expect(glorotNormal.std).toBeCloseTo(Math.sqrt(1 / 500), 3);
    const leCunUniform = draw('leCunUniform', [400, 600]);
    expect(stats(leCunUniform).maxAbs).toBeLessThanOrEqual(Math.sqrt(3 / 400));
    expect(stats(leCunUniform).std).toBeCloseTo(Math.sqrt(1 / 400), 3);
    const untruncated = stats(draw({ className: 'VarianceScaling', config: { scale: 4, mode: 'fanOut', distribution: 'untruncatedNormal' } }, [400, 600]));
    expect(untruncated.std).toBeCloseTo(Math.sqrt(4 / 600), 3);
    expect(untruncated.maxAbs).toBeGreaterThan(2 * Math.sqrt(4 / 600)); // not truncated: 240k draws reach beyond 2σ
  });

  it('random normal, truncated normal and uniform use their own parameters; constant, ones and identity are exact', () => {
    const normal = stats(draw({ className: 'RandomNormal', config: { mean: 1, stddev: 0.5 } }, [300, 300]));
    expect(normal.mean).toBeCloseTo(1, 2);
    expect(normal.std).toBeCloseTo(0.5, 2);
    const truncated = draw('truncatedNormal', [300, 300]);
    expect(stats(truncated).maxAbs).toBeLessThanOrEqual(0.1 + 1e-7);
    const uniform = draw({ class_name: 'RandomUniform', config: { minval: 2, maxval: 3 } }, [1000]);
    expect(Math.min(...uniform)).toBeGreaterThanOrEqual(2);
    expect(Math.max(...uniform)).toBeLessThanOrEqual(3);
    expect([...draw({ className: 'Constant', config: { value: 0.5 } }, [2, 2])]).toEqual([0.5, 0.5, 0.5, 0.5]);
    expect([...draw('ones', [3])]).toEqual([1, 1, 1]);
    expect([...draw({ className: 'Identity', config: { gain: 2 } }, [2, 3])]).toEqual([2, 0, 0, 0, 2, 0]);
  });

  it('orthogonal with a gain: gain² times the identity for the rows of a wide matrix', () => {
    const q = draw({ className: 'Orthogonal', config: { gain: 2 } }, [3, 8]);
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 3; j++) {
        let dot = 0;
        for (let k = 0; k < 8; k++) dot += q[i * 8 + k]! * q[j * 8 + k]!;
        expect(dot).toBeCloseTo(i === j ? 4 : 0, 4);
      }
    }
  });

  it('a seed gives the same weights whatever the model draws; no seed follows the model', () => {
    const seeded = initializers.glorotNormal({ seed: 42 });
    expect(draw(seeded, [5, 7], 1)).toEqual(draw(seeded, [5, 7], 2));
    expect(draw('glorotNormal', [5, 7], 1)).not.toEqual(draw('glorotNormal', [5, 7], 2));
    expect(draw('glorotNormal', [5, 7], 1)).toEqual(draw('glorotNormal', [5, 7], 1));
  });
});

describe('initializer options on layers', () => {
  const initsOf = (layer: { paramSpecs(s: number[]): { name: string; init: Initializer }[] }, input: number[]) =>
    Object.fromEntries(layer.paramSpecs(input).map((s) => [s.name, s.init]));

  it('recurrent, dense and embedding layers take them; the defaults stay Keras’s', () => {
    const gru = initsOf(layers.gru({ units: 2, kernelInitializer: 'heUniform', recurrentInitializer: 'glorotUniform', biasInitializer: 'ones' }), [4, 3]);
    expect([gru.kernel!.kind, gru.recurrent_kernel!.kind, gru.bias!.kind]).toEqual(['varianceScaling', 'varianceScaling', 'ones']);
    expect(initsOf(layers.simpleRNN({ units: 2 }), [4, 3])).toMatchObject({ kernel: { kind: 'glorotUniform' }, recurrent_kernel: { kind: 'orthogonal' } });
    const dense = initsOf(
      layers.dense({ units: 2, kernelInitializer: tf.initializers.leCunNormal({}), biasInitializer: initializers.constant({ value: 0.1 }) }),
      [3],
    );
    expect(dense.bias).toEqual({ kind: 'constant', value: 0.1 });
    expect(initsOf(layers.embedding({ inputDim: 5, outputDim: 2, embeddingsInitializer: 'randomNormal' }), [4]).embeddings!.kind).toBe('randomNormal');
    const bi = initsOf(layers.bidirectional({ layer: layers.lstm({ units: 2, kernelInitializer: 'zeros', name: 'enc' }) }), [4, 3]);
    expect([bi['forward_enc/kernel']!.kind, bi['backward_enc/kernel']!.kind]).toEqual(['zeros', 'zeros']);
  });

  it("an LSTM's unit forget bias sets the forget block to 1 over the bias initializer, as Keras does", () => {
    const lstm = layers.lstm({ units: 2, biasInitializer: initializers.constant({ value: 0.5 }) });
    const bias = initialize(initsOf(lstm, [4, 3]).bias!, [8], seededRandom(1));
    expect([...bias]).toEqual([0.5, 0.5, 1, 1, 0.5, 0.5, 0.5, 0.5]);
    // A fan-based base is drawn per piece, as Keras does: fans of u (the input gate) and 2u (cell and output gates).
    const drawn = initialize(initsOf(layers.lstm({ units: 200, biasInitializer: 'heUniform' }), [4, 3]).bias!, [800], seededRandom(3));
    const limit = (fan: number) => Math.sqrt(6 / fan);
    expect(Math.max(...drawn.subarray(0, 200).map(Math.abs))).toBeGreaterThan(0.9 * limit(200));
    expect(Math.max(...drawn.subarray(0, 200).map(Math.abs))).toBeLessThanOrEqual(limit(200));
    expect(Math.max(...drawn.subarray(400).map(Math.abs))).toBeLessThanOrEqual(limit(400));
    expect(Math.max(...drawn.subarray(400).map(Math.abs))).toBeGreaterThan(0.9 * limit(400));
    expect([...drawn.subarray(200, 400)].every((v) => v === 1)).toBe(true);
    const plain = layers.lstm({ units: 2, unitForgetBias: false, biasInitializer: 'ones' });
    expect([...initialize(initsOf(plain, [4, 3]).bias!, [8], seededRandom(1))]).toEqual([1, 1, 1, 1, 1, 1, 1, 1]);
  });

  it('name the layer, the option and what is accepted when an initializer is not one', () => {
    expect(() => layers.lstm({ units: 2, kernelInitializer: 'xavier' as never })).toThrow(ValueError);
    expect(() => layers.lstm({ units: 2, name: 'l', kernelInitializer: 'xavier' as never })).toThrow(
      /lstm 'l': kernelInitializer "xavier" is not an initializer webrnn knows; known: zeros, ones, .*glorotNormal/,
    );
    expect(() => layers.dense({ units: 2, name: 'd', kernelInitializer: { className: 'RandomUniform', config: { min: 0 } } })).toThrow(
      /dense 'd': kernelInitializer 'randomUniform': unknown option 'min'; options are minval, maxval, seed/,
    );
    expect(() => layers.gru({ units: 2, name: 'g', biasInitializer: 0.1 as never })).toThrow(
      /gru 'g': biasInitializer must be a name such as 'glorotNormal', \{ className, config \} or a TF.js initializer; got 0.1/,
    );
    expect(() => layers.gru({ units: 2, name: 'g', recurrentInitializer: initializers.varianceScaling({ mode: 'fanMiddle' as never }) })).toThrow(
      /recurrentInitializer 'varianceScaling': mode must be one of fanIn, fanOut, fanAvg \(or Keras's snake_case\); got "fanMiddle"/,
    );
    expect(() => read(initializers.randomNormal({ stddev: -1 }))).toThrow(/stddev must be a positive number; got -1/);
    expect(() => draw('identity', [3])).toThrow(/the identity initializer needs a 2-D weight; got shape \[3\]/);
  });
});
