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
