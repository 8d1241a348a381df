/**
 * The recurrent layers in Sequential models on WebGPU against the float64 reference model
 * (test/support/referenceModel.ts over src/reference/): GRU (resetAfter true and false), SimpleRNN, SRU, goBackwards
 * on all three cells (Keras's output order: a returned sequence comes in processing order), Bidirectional in
 * each merge mode, and three stacked recurrent layers. For each: predict, and fit (weights after 4 full-batch,
 * unshuffled steps of SGD or Adam, so every gradient of every layer is checked through its effect).
 */
import { describe, expect, it } from 'vitest';
import { resolveLoss } from '../src/optim/losses';
import { resolveOptimizer } from '../src/optim/optimizers';
import { encodeFloats } from './support/base64';
import { expectClose } from './support/compare';
import { skipGpu, useHarness } from './support/page';
import { rng, uniform } from './support/random';
import { referencePredict, referenceTrain, type LayerSpec } from './support/referenceModel';
import { isRecurrent, recurrentOutputShape } from './support/referenceRecurrent';
import { SEQUENCE } from './support/tolerances';

/** Weights after 4 float32 steps vs float64: each update carries the float32 error of its gradients forward. */
const WEIGHTS_AFTER_STEPS = { atol: 1e-4, rtol: 1e-4 };
/** Per-epoch losses: one float32 forward each. */
const EPOCH_LOSS = { atol: 1e-5, rtol: 1e-4 };

interface Case {
  name: string;
  layers: LayerSpec[];
  sample: [number, number];
  n: number;
  optimizer: { kind: string; learningRate: number };
  /** predict's batch size (default 2). */
  predictBatch?: number;
  /** Kernel variants pinned on the runtime (RuntimeOptions.kernels); unset, the adapter's defaults run. */
  kernels?: { gru?: 'step' | 'vec4' };
}

const sgd = { kind: 'sgd', learningRate: 0.1 };
const adam = { kind: 'adam', learningRate: 0.02 };
const dense = (units: number): LayerSpec => ({ type: 'dense', config: { units } });

const CASES: Case[] = [
  // The GRU's vec4 kernels (shaders/gruStepVec4.wgsl; SwiftShader's default from batch 4 and batch·steps 32,
  // see defaultGruVariant), pinned, in predict and fit; the cases below run the adapter's defaults.
  {
    name: 'GRU(6) resetAfter, batch 8 (vec4) + Dense, Adam',
    layers: [{ type: 'gru', config: { units: 6, inputShape: [5, 3] } }, dense(2)],
    sample: [5, 3],
    n: 8,
    optimizer: adam,
    predictBatch: 8,
    kernels: { gru: 'vec4' },
  },
  {
    name: 'Bidirectional(GRU relu, resetAfter false) concat, returnSequences, batch 8 (vec4) + per-step Dense, SGD',
    layers: [
      {
        type: 'bidirectional',
        config: {
          layer: { type: 'gru', config: { units: 5, activation: 'relu', resetAfter: false, returnSequences: true } },
          mergeMode: 'concat',
          inputShape: [5, 2],
        },
      },
      dense(2),
    ],
    sample: [5, 2],
    n: 8,
    optimizer: sgd,
    predictBatch: 8,
    kernels: { gru: 'vec4' },
  },
  {
    name: 'GRU resetAfter false → GRU goBackwards, batch 8 (vec4) + Dense, Adam',
    layers: [
      { type: 'gru', config: { units: 5, returnSequences: true, resetAfter: false, inputShape: [5, 3] } },
      { type: 'gru', config: { units: 6, goBackwards: true } },
      dense(1),
    ],
    sample: [5, 3],
    n: 8,
    optimizer: adam,
    predictBatch: 8,
    kernels: { gru: 'vec4' },
  },
  {
    name: 'GRU(6) resetAfter + Dense, SGD',
    layers: [{ type: 'gru', config: { units: 6, inputShape: [5, 3] } }, dense(2)],
    sample: [5, 3],
    n: 4,
    optimizer: sgd,
  },
  {
    name: 'GRU(5, relu) resetAfter false + Dense, Adam',
    layers: [{ type: 'gru', config: { units: 5, activation: 'relu', resetAfter: false, inputShape: [4, 2] } }, dense(1)],
    sample: [4, 2],
    n: 3,
    optimizer: adam,
  },
  {
    name: 'SimpleRNN(7) + Dense, SGD',
    layers: [{ type: 'simpleRNN', config: { units: 7, inputShape: [6, 2] } }, dense(2)],
    sample: [6, 2],
    n: 4,
    optimizer: sgd,
  },
  {
    name: 'LSTM goBackwards, returnSequences + per-step Dense, Adam',
    layers: [{ type: 'lstm', config: { units: 5, goBackwards: true, returnSequences: true, inputShape: [4, 3] } }, dense(2)],
    sample: [4, 3],
    n: 3,
    optimizer: adam,
  },
  {
    name: 'GRU goBackwards, returnSequences + per-step Dense, SGD',
    layers: [{ type: 'gru', config: { units: 4, goBackwards: true, returnSequences: true, inputShape: [5, 2] } }, dense(1)],
    sample: [5, 2],
    n: 3,
    optimizer: sgd,
  },
  {
    name: 'SimpleRNN goBackwards, last output + Dense, Adam',
    layers: [{ type: 'simpleRNN', config: { units: 6, goBackwards: true, inputShape: [5, 3] } }, dense(2)],
    sample: [5, 3],
    n: 4,
    optimizer: adam,
  },
  {
    name: 'Bidirectional(LSTM) concat, returnSequences + per-step Dense, Adam',
    layers: [
      { type: 'bidirectional', config: { layer: { type: 'lstm', config: { units: 4, returnSequences: true } }, mergeMode: 'concat', inputShape: [4, 3] } },
      dense(2),
    ],
    sample: [4, 3],
    n: 3,
    optimizer: adam,
  },
  {
    name: 'Bidirectional(GRU) sum + Dense, SGD',
    layers: [{ type: 'bidirectional', config: { layer: { type: 'gru', config: { units: 5 } }, mergeMode: 'sum', inputShape: [4, 2] } }, dense(1)],
    sample: [4, 2],
    n: 3,
    optimizer: sgd,
  },
  {
    name: 'Bidirectional(SimpleRNN) mul, returnSequences + per-step Dense, SGD',
    layers: [
      { type: 'bidirectional', config: { layer: { type: 'simpleRNN', config: { units: 4, returnSequences: true } }, mergeMode: 'mul', inputShape: [5, 2] } },
      dense(2),
    ],
    sample: [5, 2],
    n: 3,
    optimizer: sgd,
  },
  {
    name: 'Bidirectional(LSTM goBackwards) ave, returnSequences + per-step Dense, Adam',
    layers: [
      {
        type: 'bidirectional',
        config: { layer: { type: 'lstm', config: { units: 4, returnSequences: true, goBackwards: true } }, mergeMode: 'ave', inputShape: [4, 2] },
      },
      dense(1),
    ],
    sample: [4, 2],
    n: 3,
    optimizer: adam,
  },
  // The SRU: its projections' kernel has 4 blocks where features ≠ units and 3 where the skip is x itself.
  {
    name: 'SRU(6) + Dense, Adam',
    layers: [{ type: 'sru', config: { units: 6, inputShape: [5, 3] } }, dense(2)],
    sample: [5, 3],
    n: 4,
    optimizer: adam,
  },
  {
    // One feature: the 'single' kernels (no GEMM), and as the first layer no dX, so no dproj written at all.
    name: 'SRU(5, relu) on one feature, returnSequences + per-step Dense, Adam',
    layers: [{ type: 'sru', config: { units: 5, activation: 'relu', returnSequences: true, inputShape: [6, 1] } }, dense(1)],
    sample: [6, 1],
    n: 4,
    optimizer: adam,
  },
  {
    name: 'SRU(3, tanh, goBackwards) on 3 features (identity skip), returnSequences → SRU(4) + Dense, SGD',
    layers: [
      { type: 'sru', config: { units: 3, activation: 'tanh', goBackwards: true, returnSequences: true, inputShape: [5, 3] } },
      { type: 'sru', config: { units: 4 } },
      dense(1),
    ],
    sample: [5, 3],
    n: 3,
    optimizer: sgd,
  },
  {
    name: 'Bidirectional(SRU) concat, returnSequences + per-step Dense, Adam',
    layers: [
      { type: 'bidirectional', config: { layer: { type: 'sru', config: { units: 4, returnSequences: true } }, mergeMode: 'concat', inputShape: [4, 2] } },
      dense(2),
    ],
    sample: [4, 2],
    n: 3,
    optimizer: adam,
  },
  {
    name: '3 stacked: LSTM goBackwards → GRU resetAfter false → SimpleRNN, + Dense, Adam',
    layers: [
      { type: 'lstm', config: { units: 5, returnSequences: true, goBackwards: true, inputShape: [4, 3] } },
      { type: 'gru', config: { units: 4, returnSequences: true, resetAfter: false } },
      { type: 'simpleRNN', config: { units: 6 } },
      dense(2),
    ],
    sample: [4, 3],
    n: 3,
    optimizer: adam,
  },
];

/** Shape of one output sample: recurrent layers per Keras, Dense on the last axis. */
function outputSample(layers: LayerSpec[], sample: number[]): number[] {
  return layers.reduce(
    (shape, l) => (isRecurrent(l) ? recurrentOutputShape(l, shape[0]!, shape[1]!) : [...shape.slice(0, -1), (l.config as { units: number }).units]),
    sample,
  );
}

describe.skipIf(skipGpu)('recurrent layers in Sequential models on WebGPU vs the float64 reference', () => {
  const page = useHarness();

  const inputs = (c: Case, seed: number) => {
    const random = rng(seed);
    const x = uniform(random, c.n * c.sample[0] * c.sample[1], 1);
    return { random, x, xe: { data: encodeFloats(x), shape: [c.n, ...c.sample] } };
  };
  const weightsOf = (outputs: Record<string, Float32Array>, prefix: string) =>
    Object.keys(outputs)
      .filter((k) => new RegExp(`^${prefix}\\d+$`).test(k))
      .sort((a, b) => Number(a.slice(prefix.length)) - Number(b.slice(prefix.length)))
      .map((k) => outputs[k]!);

  it.each(CASES.map((c, i) => [c.name, c, i] as const))('predict: %s', async (_name, c, i) => {
    const { x, xe } = inputs(c, 300 + i);
    const result = await page.run('predictModel', {
      layers: c.layers,
      x: xe,
      batchSize: c.predictBatch ?? 2,
      seed: 40 + i,
      ...(c.kernels ? { kernels: c.kernels } : {}),
    });
    expect(result.validationError).toBeNull();
    expect(result.liveBuffersAfter, 'dispose() frees every buffer of the model').toBe(0);
    const ref = referencePredict(c.layers, weightsOf(result.outputs, 'w'), x, c.n, c.sample);
    expectClose(result.outputs.y!, ref.data, SEQUENCE, 'predictions');
  });

  it.each(CASES.map((c, i) => [c.name, c, i] as const))('fit: %s, weights after 4 steps', async (_name, c, i) => {
    const { random, x, xe } = inputs(c, 600 + i);
    const outSample = outputSample(c.layers, c.sample);
    const y = uniform(random, c.n * outSample.reduce((a, b) => a * b, 1), 1);
    const steps = 4;
    const result = await page.run('trainModel', {
      layers: c.layers,
      x: xe,
      y: { data: encodeFloats(y), shape: [c.n, ...outSample] },
      seed: 70 + i,
      compile: { optimizer: c.optimizer, loss: 'mse' },
      epochs: steps,
      batchSize: c.n,
      ...(c.kernels ? { kernels: c.kernels } : {}),
    });
    expect(result.validationError).toBeNull();
    expect(result.liveBuffersAfter).toBe(0);
    const initial = weightsOf(result.outputs, 'initial');
    const ref = referenceTrain(c.layers, initial, x, y, c.n, c.sample, resolveLoss('mse'), resolveOptimizer(c.optimizer as never), steps);
    expectClose(result.outputs.losses!, ref.losses, EPOCH_LOSS, 'loss of each epoch');
    initial.forEach((_, k) => expectClose(result.outputs[`final${k}`]!, ref.weights[k]!, WEIGHTS_AFTER_STEPS, `weight ${k} after ${steps} steps`));
    // the weights really moved, in every layer: 4 no-op steps would pass the comparison only if the reference also stood still
    const moved = initial.map((w, k) => w.some((v, j) => Math.abs(v - ref.weights[k]![j]!) > 1e-4));
    expect(moved.every(Boolean), `weights that moved: ${moved.join(', ')}`).toBe(true);
  });
});
