/**
 * A float64 Sequential forward pass built from the reference twins, for comparing whole models: the layer
 * list is the same plain config the harness builds on the GPU, and the weights are the ones the GPU model
 * reports through getWeights.
 */
import { denseForward } from '../../src/reference/dense';
import { embeddingForward } from '../../src/reference/embedding';
import { isRecurrent, recurrentBackward, recurrentForward, recurrentOutputShape, recurrentWeightCount, type RecurrentSpec } from './referenceRecurrent';

export type LayerSpec =
  | RecurrentSpec
  | { type: 'dense'; config: { units: number; activation?: 'linear' | 'relu' | 'tanh' | 'sigmoid' | 'softmax'; inputShape?: number[] } }
  | { type: 'embedding'; config: { inputDim: number; outputDim: number; inputLength?: number } };

/** x: batch-major samples [n, ...sample]; returns batch-major outputs and their per-sample shape. */
export function referencePredict(
  specs: LayerSpec[],
  weights: Float32Array[],
  x: Float32Array,
  n: number,
  sample: number[],
): { data: Float64Array; sample: number[] } {
  let data: Float64Array = Float64Array.from(x);
  let shape = [...sample];
  let w = 0;
  for (const spec of specs) {
    if (spec.type === 'embedding') {
      data = embeddingForward(data, weights[w++]!, spec.config.outputDim);
      shape = [shape[0]!, spec.config.outputDim];
    } else if (isRecurrent(spec)) {
      const [T, F] = shape as [number, number];
      const count = recurrentWeightCount(spec);
      data = recurrentForward(spec, weights.slice(w, w + count), data, n, T, F);
      w += count;
      shape = recurrentOutputShape(spec, T, F);
    } else {
      const inputs = shape[shape.length - 1]!;
      const rows = (n * shape.reduce((a, b) => a * b, 1)) / inputs;
      data = denseForward({
        x: data,
        kernel: weights[w++]!,
        bias: weights[w++]!,
        rows,
        inputs,
        units: spec.config.units,
        activation: spec.config.activation ?? 'linear',
      });
      shape = [...shape.slice(0, -1), spec.config.units];
    }
  }
  return { data, sample: shape };
}

import { denseBackward } from '../../src/reference/dense';
import { embeddingBackward } from '../../src/reference/embedding';
import { loss as referenceLoss } from '../../src/reference/losses';
import { initialState, optimizerStep } from '../../src/reference/optimizers';
import { clip as referenceClip } from '../../src/reference/clipping';
import { optimizerSlotNames } from '../../src/kernels/optimizers';
import type { LossConfig } from '../../src/kernels/losses';
import type { ClipSpec } from '../../src/kernels/clipping';
import type { OptimizerConfig } from '../../src/optim/optimizers';

/** Weights per layer, as getWeights lists them: recurrent 3 (bidirectional 6), dense 2, embedding 1. */
function weightCount(spec: LayerSpec): number {
  return isRecurrent(spec) ? recurrentWeightCount(spec) : spec.type === 'dense' ? 2 : 1;
}

/** The float64 gradient of the batch-mean loss w.r.t. every weight, and the loss, for one batch. */
export function referenceGradients(
  specs: LayerSpec[],
  weights: ArrayLike<number>[],
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  n: number,
  sample: number[],
  lossConfig: LossConfig,
): { grads: Float64Array[]; loss: number } {
  // forward, keeping each layer's input
  const inputs: { data: Float64Array; shape: number[] }[] = [];
  let data: Float64Array = Float64Array.from(x);
  let shape = [...sample];
  let w = 0;
  for (const spec of specs) {
    inputs.push({ data, shape });
    const ws = weights.slice(w, w + weightCount(spec));
    w += ws.length;
    const out = referencePredict(
      [spec],
      ws.map((a) => Float32Array.from(a)),
      data as unknown as Float32Array,
      n,
      shape,
    );
    data = out.data;
    shape = out.sample;
  }
  const cols = shape[shape.length - 1]!;
  const rows = (n * shape.reduce((a, b) => a * b, 1)) / cols;
  const l = referenceLoss(lossConfig, data, y, rows, cols);
  let d: Float64Array = l.dPredictions;
  const grads: Float64Array[] = new Array(weights.length);
  for (let i = specs.length - 1; i >= 0; i--) {
    const spec = specs[i]!;
    const input = inputs[i]!;
    w -= weightCount(spec);
    if (spec.type === 'dense') {
      const inputsWidth = input.shape[input.shape.length - 1]!;
      const r = denseBackward(
        {
          x: input.data,
          kernel: weights[w]!,
          bias: weights[w + 1]!,
          rows: (n * input.shape.reduce((a, b) => a * b, 1)) / inputsWidth,
          inputs: inputsWidth,
          units: spec.config.units,
          activation: spec.config.activation ?? 'linear',
        },
        d,
      );
      grads[w] = r.dKernel;
      grads[w + 1] = r.dBias;
      d = r.dX;
    } else if (isRecurrent(spec)) {
      const [T, F] = input.shape as [number, number];
      const r = recurrentBackward(spec, weights.slice(w, w + weightCount(spec)), input.data, n, T, F, d);
      r.grads.forEach((g, k) => (grads[w + k] = g));
      d = r.dX;
    } else {
      grads[w] = embeddingBackward(input.data, d, spec.config.inputDim, spec.config.outputDim);
    }
  }
  return { grads, loss: l.sum / rows };
}

/**
 * `steps` full-batch training steps in float64: gradients, optional clipping, one optimizer update each.
 * Returns the weights after every step's update and the loss each step saw.
 */
export function referenceTrain(
  specs: LayerSpec[],
  weights: ArrayLike<number>[],
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  n: number,
  sample: number[],
  lossConfig: LossConfig,
  optimizer: OptimizerConfig,
  steps: number,
  clipSpec: ClipSpec | null = null,
): { weights: Float64Array[]; losses: number[] } {
  const lengths = weights.map((a) => a.length);
  const offsets = lengths.map((_, i) => lengths.slice(0, i).reduce((a, b) => a + b, 0));
  const flat = new Float64Array(lengths.reduce((a, b) => a + b, 0));
  weights.forEach((a, i) => flat.set(Array.from(a), offsets[i]!));
  const state = initialState(flat, optimizerSlotNames(optimizer));
  const losses: number[] = [];
  for (let s = 0; s < steps; s++) {
    const current = lengths.map((len, i) => state.params.subarray(offsets[i]!, offsets[i]! + len));
    const { grads, loss } = referenceGradients(specs, current, x, y, n, sample, lossConfig);
    losses.push(loss);
    let g: Float64Array = new Float64Array(flat.length);
    grads.forEach((a, i) => g.set(a, offsets[i]!));
    if (clipSpec)
      g = referenceClip(
        g,
        g.length,
        clipSpec,
        lengths.map((length, i) => ({ offset: offsets[i]!, length })),
      );
    optimizerStep(optimizer, state, g);
  }
  return { weights: lengths.map((len, i) => state.params.slice(offsets[i]!, offsets[i]! + len)), losses };
}
