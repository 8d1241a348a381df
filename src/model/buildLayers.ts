/**
 * Keras's build of a stack of layers: each layer built on the output shape of the one before, its parameters laid
 * out in one arena (./arena.ts). What a Sequential does when it first needs its weights, and what a wasm thread
 * (src/cpu/threadWorker.ts) does to hold the same layers with the same layout.
 */
import { ShapeError, formatShape } from '../errors';
import type { Layer } from '../layers/layer';
import { layoutSegments, type Segment } from './arena';

/**
 * Builds `layers` from the first one's declared input shape and lays their parameters out. Throws a ShapeError
 * where a later layer declares an input shape other than what reaches it, and (through outputMasked) where a
 * layer cannot take the timestep mask that reaches it.
 */
export function buildLayers(layers: readonly Layer[]): { segments: Segment[]; total: number } {
  let shape = layers[0]!.declaredInputShape!;
  let masked = false;
  const perLayer = layers.map((layer) => {
    const input = shape;
    if (layer !== layers[0] && layer.declaredInputShape && formatShape(layer.declaredInputShape) !== formatShape(input)) {
      throw new ShapeError(
        `layer '${layer.name}' declares inputShape ${formatShape(layer.declaredInputShape)} but the layer before it outputs ${formatShape(input)}`,
      );
    }
    shape = layer.build(input);
    masked = layer.outputMasked(masked);
    return { layer: layer.name, specs: layer.paramSpecs(input) };
  });
  return layoutSegments(perLayer);
}
