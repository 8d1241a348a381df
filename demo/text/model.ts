/**
 * The Text page's two models, each built in its own worker (model.worker.ts): the character LSTM it trains, and
 * the same layers stateful with batch 1 for streaming generation (predictStep), which takes the trained weights.
 */
import { layers, optimizers, sequential, type Runtime, type Sequential } from '../../src/index';

export interface TextModelSpec {
  kind: 'trainer' | 'generator';
  vocabularySize: number;
  /** The trainer's window; the generator reads one character at a time. */
  window: number;
  units: number;
  embedding: number;
}

export function textModel(rt: Runtime, spec: TextModelSpec): Sequential {
  const model = sequential(rt, { seed: 7 });
  const generator = spec.kind === 'generator';
  model.add(
    layers.embedding({ inputDim: spec.vocabularySize, outputDim: spec.embedding, ...(generator ? { batchInputShape: [1, 1] } : { inputLength: spec.window }) }),
  );
  model.add(layers.lstm({ units: spec.units, stateful: generator }));
  model.add(layers.dense({ units: spec.vocabularySize, activation: 'softmax' }));
  if (!generator) model.compile({ optimizer: optimizers.adam({ learningRate: 0.01 }), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  return model;
}
