/** The Audio page's model, built in its worker (model.worker.ts): Masking + GRU + Dense(softmax) over MFCC frames. */
import { layers, optimizers, sequential, type Runtime, type Sequential } from '../../src/index';

export interface DigitModelSpec {
  /** Timesteps per input: the longest training clip's frames; shorter clips are padded with masked zero frames. */
  frames: number;
  coefficients: number;
  units: number;
  classes: number;
  seed: number;
}

export function digitModel(rt: Runtime, spec: DigitModelSpec): Sequential {
  const model = sequential(rt, { seed: spec.seed });
  // Clips differ in length: the padding frames are all zeros, and masking makes the GRU skip them.
  model.add(layers.masking({ maskValue: 0, inputShape: [spec.frames, spec.coefficients] }));
  model.add(layers.gru({ units: spec.units }));
  model.add(layers.dense({ units: spec.classes, activation: 'softmax' }));
  model.compile({ optimizer: optimizers.adam({ learningRate: 0.005 }), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  return model;
}
