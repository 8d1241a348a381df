/**
 * A small saved-model fixture shared by the Node and browser io tests: a Keras-shaped Sequential topology
 * (LSTM(2) + Dense(1)), its weights, and Adam state in TF.js's 'optimizer' group. Pure data, no Node APIs,
 * so the browser harness imports it too.
 */
import { encodeWeights } from '../../src/io/weights';
import type { ModelArtifacts, NamedWeight } from '../../src/io/types';
import { rng, uniform } from './random';

export const sampleTopology = {
  class_name: 'Sequential',
  config: {
    name: 'sequential_1',
    layers: [
      { class_name: 'LSTM', config: { name: 'lstm', units: 2, activation: 'relu', batch_input_shape: [null, 3, 1] } },
      { class_name: 'Dense', config: { name: 'dense', units: 1 } },
    ],
  },
  keras_version: 'tfjs-layers 4.22.0',
  backend: 'webrnn',
};

export function sampleWeights(seed = 1): NamedWeight[] {
  const random = rng(seed);
  const w = (name: string, shape: number[], group?: 'optimizer'): NamedWeight => ({
    name,
    tensor: {
      data: uniform(
        random,
        shape.reduce((a, b) => a * b, 1),
        0.5,
      ),
      shape,
    },
    ...(group ? { group } : {}),
  });
  return [
    w('lstm/kernel', [1, 8]),
    w('lstm/recurrent_kernel', [2, 8]),
    w('lstm/bias', [8]),
    w('dense/kernel', [2, 1]),
    w('dense/bias', [1]),
    w('iter', [], 'optimizer'),
    w('lstm/kernel/m', [1, 8], 'optimizer'),
  ];
}

export function sampleArtifacts(seed = 1): ModelArtifacts {
  return {
    modelTopology: structuredClone(sampleTopology),
    ...encodeWeights(sampleWeights(seed)),
    format: 'layers-model',
    generatedBy: 'webrnn test',
    convertedBy: null,
    trainingConfig: { loss: 'meanSquaredError', optimizer_config: { class_name: 'Adam', config: { learning_rate: 0.001 } } },
    userDefinedMetadata: { note: 'kept through save and load' },
  };
}
