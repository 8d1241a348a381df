/** The Classify page's model, built in its worker (model.worker.ts): Embedding + LSTM + Dense(sigmoid). */
import { layers, optimizers, sequential, type Runtime, type Sequential } from '../../src/index';

export interface SpamModelSpec {
  vocabularySize: number;
  maxLen: number;
  units: number;
  /** Mask the id-0 padding so the LSTM skips it. */
  maskPadding: boolean;
  dropout: number;
  recurrentDropout: number;
  seed: number;
}

export function spamModel(rt: Runtime, spec: SpamModelSpec): Sequential {
  const model = sequential(rt, { seed: spec.seed });
  model.add(layers.embedding({ inputDim: spec.vocabularySize, outputDim: 16, inputLength: spec.maxLen, maskZero: spec.maskPadding }));
  model.add(layers.lstm({ units: spec.units, dropout: spec.dropout, recurrentDropout: spec.recurrentDropout }));
  model.add(layers.dense({ units: 1, activation: 'sigmoid' }));
  model.compile({ optimizer: optimizers.adam({ learningRate: 0.005 }), loss: 'binaryCrossentropy', metrics: ['accuracy'] });
  return model;
}
