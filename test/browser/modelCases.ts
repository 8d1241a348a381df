/** Harness cases for whole Sequential models built from plain layer specs. */
import { layers, sequential, type Layer } from '../../src/index';
import type { LayerSpec } from '../support/referenceModel';
import { decode, inScope, type Encoded } from './harnessCore';

export function buildLayer(spec: LayerSpec): Layer {
  switch (spec.type) {
    case 'lstm':
      return layers.lstm(spec.config);
    case 'dense':
      return layers.dense(spec.config);
    case 'embedding':
      return layers.embedding(spec.config);
  }
}

export const modelCases = {
  predictModel(spec: { layers: LayerSpec[]; x: Encoded; batchSize: number; seed: number }) {
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
    });
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
    });
  },
};
