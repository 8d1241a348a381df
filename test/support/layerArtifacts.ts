/**
 * Layers-model artifacts built in Node, without a GPU: the layers the reference specs describe (the same
 * `{ type, config }` as test/support/referenceModel.ts), seeded weights, and what model.save would write for them.
 * The ONNX export and import tests convert these.
 */
import { layers } from '../../src/index';
import type { ModelArtifacts } from '../../src/io/types';
import { encodeWeights } from '../../src/io/weights';
import type { Layer } from '../../src/layers/layer';
import { sequentialTopology } from '../../src/model/kerasLayers';
import { rng, uniform } from './random';

export interface LayerConfigSpec {
  type: string;
  config: Record<string, unknown>;
}

/** `layers[type](config)`, with a Bidirectional's inner spec built first. */
export function toLayer(spec: LayerConfigSpec): Layer {
  if (spec.type === 'bidirectional') {
    const { layer, ...rest } = spec.config as { layer: LayerConfigSpec };
    return layers.bidirectional({ ...rest, layer: toLayer(layer) as never });
  }
  return (layers as unknown as Record<string, (c: unknown) => Layer>)[spec.type]!(spec.config);
}

/** The artifacts model.save would write for these layers with seeded weights (uniform in ±0.6), and those weights in layer order. */
export function artifactsOf(specs: readonly LayerConfigSpec[], inputShape: number[], seed: number): { artifacts: ModelArtifacts; weights: Float32Array[] } {
  const random = rng(seed);
  const list = specs.map(toLayer);
  let shape = inputShape;
  const named = list.flatMap((layer) => {
    const ws = layer.paramSpecs(shape).map((p) => ({
      name: `${layer.name}/${p.name}`,
      tensor: {
        data: uniform(
          random,
          p.shape.reduce((a, b) => a * b, 1),
          0.6,
        ),
        shape: [...p.shape],
      },
    }));
    shape = layer.build(shape);
    return ws;
  });
  return {
    artifacts: {
      modelTopology: sequentialTopology('exported', list),
      format: 'layers-model',
      generatedBy: 'test',
      convertedBy: null,
      ...encodeWeights(named),
    } as ModelArtifacts,
    weights: named.map((w) => w.tensor.data),
  };
}
