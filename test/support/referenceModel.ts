/**
 * A float64 Sequential forward pass built from the reference twins, for comparing whole models: the layer
 * list is the same plain config the harness builds on the GPU, and the weights are the ones the GPU model
 * reports through getWeights.
 */
import { denseForward } from '../../src/reference/dense';
import { embeddingForward } from '../../src/reference/embedding';
import { lstmForward } from '../../src/reference/lstmStep';

export type LayerSpec =
  | { type: 'lstm'; config: { units: number; activation?: 'tanh' | 'relu'; returnSequences?: boolean; inputShape?: number[] } }
  | { type: 'dense'; config: { units: number; activation?: 'linear' | 'relu' | 'tanh' | 'sigmoid' | 'softmax'; inputShape?: number[] } }
  | { type: 'embedding'; config: { inputDim: number; outputDim: number; inputLength?: number } };

/** x: batch-major samples [n, ...sample]; returns batch-major outputs and their per-sample shape. */
export function referencePredict(specs: LayerSpec[], weights: Float32Array[], x: Float32Array, n: number, sample: number[]): { data: Float64Array; sample: number[] } {
  let data: Float64Array = Float64Array.from(x);
  let shape = [...sample];
  let w = 0;
  for (const spec of specs) {
    if (spec.type === 'embedding') {
      data = embeddingForward(data, weights[w++]!, spec.config.outputDim);
      shape = [shape[0]!, spec.config.outputDim];
    } else if (spec.type === 'lstm') {
      const [T, F] = shape as [number, number];
      const u = spec.config.units;
      const out = lstmForward(
        {
          x: { data, shape: [n, T, F] },
          kernel: { data: weights[w++]!, shape: [F, 4 * u] },
          recurrentKernel: { data: weights[w++]!, shape: [u, 4 * u] },
          bias: { data: weights[w++]!, shape: [4 * u] },
        },
        { activation: spec.config.activation ?? 'tanh', returnSequences: spec.config.returnSequences ?? false },
      );
      data = out.output.data;
      shape = spec.config.returnSequences ? [T, u] : [u];
    } else {
      const inputs = shape[shape.length - 1]!;
      const rows = (n * shape.reduce((a, b) => a * b, 1)) / inputs;
      data = denseForward({ x: data, kernel: weights[w++]!, bias: weights[w++]!, rows, inputs, units: spec.config.units, activation: spec.config.activation ?? 'linear' });
      shape = [...shape.slice(0, -1), spec.config.units];
    }
  }
  return { data, sample: shape };
}
