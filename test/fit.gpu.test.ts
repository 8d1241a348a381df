/**
 * Whole training steps on WebGPU (Sequential.fit) against the float64 reference: forward, loss, backward
 * through every layer, clipping and the optimizer. Full-batch, unshuffled steps, so the GPU and the reference
 * see the same batches; the weights after 5 steps must agree within 1e-4.
 */
import { describe, expect, it } from 'vitest';
import { resolveOptimizer } from '../src/optim/optimizers';
import { resolveLoss } from '../src/optim/losses';
import { clipSpecOf } from '../src/kernels/clipping';
import { encodeFloats } from './support/base64';
import { expectClose } from './support/compare';
import { skipGpu, useHarness } from './support/page';
import { rng, uniform } from './support/random';
import { referenceTrain, type LayerSpec } from './support/referenceModel';

/** Weights after 5 float32 steps vs float64: each step's update carries float32 gradient error forward. */
const WEIGHTS_AFTER_STEPS = { atol: 1e-4, rtol: 1e-4 };
/** Per-epoch losses: one float32 forward each. */
const EPOCH_LOSS = { atol: 1e-5, rtol: 1e-4 };

interface Case {
  name: string;
  layers: LayerSpec[];
  sample: number[];
  n: number;
  target: (random: () => number, n: number) => Float32Array;
  targetShape: number[];
  loss: string;
  optimizer: Record<string, unknown> & { kind: string };
  clip?: { clipNorm?: number; globalClipNorm?: number; clipValue?: number };
  ids?: number;
  /** Kernel variants pinned on the runtime (RuntimeOptions.kernels); unset, SwiftShader's defaults run. */
  kernels?: { lstm?: 'step' | 'vec4' | 'seq' };
}

const regression = (cols: number) => (random: () => number, n: number) => uniform(random, n * cols, 1);
const oneHot =
  (classes: number, rowsPerSample = 1) =>
  (random: () => number, n: number) => {
    const y = new Float32Array(n * rowsPerSample * classes);
    for (let r = 0; r < n * rowsPerSample; r++) y[r * classes + Math.floor(random() * classes)] = 1;
    return y;
  };

const CASES: Case[] = [
  {
    name: 'LSTM(8, relu) + Dense(1), MSE, SGD',
    layers: [
      { type: 'lstm', config: { units: 8, activation: 'relu', inputShape: [6, 2] } },
      { type: 'dense', config: { units: 1 } },
    ],
    sample: [6, 2],
    n: 5,
    target: regression(1),
    targetShape: [1],
    loss: 'mse',
    optimizer: { kind: 'sgd', learningRate: 0.1 },
  },
  {
    name: 'LSTM(8, relu) + Dense(1), MSE, Adam (the tutorial model, small)',
    layers: [
      { type: 'lstm', config: { units: 8, activation: 'relu', inputShape: [6, 2] } },
      { type: 'dense', config: { units: 1 } },
    ],
    sample: [6, 2],
    n: 5,
    target: regression(1),
    targetShape: [1],
    loss: 'mse',
    optimizer: { kind: 'adam', learningRate: 0.01 },
  },
  {
    name: 'Embedding + LSTM + Dense(softmax), categorical crossentropy, Adam',
    layers: [
      { type: 'embedding', config: { inputDim: 11, outputDim: 4, inputLength: 5 } },
      { type: 'lstm', config: { units: 6 } },
      { type: 'dense', config: { units: 3, activation: 'softmax' } },
    ],
    sample: [5],
    n: 6,
    target: oneHot(3),
    targetShape: [3],
    loss: 'categoricalCrossentropy',
    optimizer: { kind: 'adam', learningRate: 0.02 },
    ids: 11,
  },
  {
    name: 'stacked LSTMs + per-step Dense(tanh), MAE, RMSprop with global clipping',
    layers: [
      { type: 'lstm', config: { units: 5, returnSequences: true, inputShape: [4, 3] } },
      { type: 'lstm', config: { units: 4, returnSequences: true } },
      { type: 'dense', config: { units: 2, activation: 'tanh' } },
    ],
    sample: [4, 3],
    n: 3,
    target: (random, n) => uniform(random, n * 4 * 2, 0.9),
    targetShape: [4, 2],
    loss: 'mae',
    optimizer: { kind: 'rmsprop', learningRate: 0.01 },
    clip: { globalClipNorm: 0.02 },
  },
  // Batches of ≥ 4 rows and ≥ 32 rows·steps run the register-blocked, gate-interleaved LSTM kernels
  // (defaultLstmVariant in src/kernels/lstmStep.ts); the smaller cases above run the plain per-step kernel.
  {
    name: 'LSTM(6, relu) + Dense(1), MSE, Adam, batch 8 × 6 steps (lstmStepVec4)',
    layers: [
      { type: 'lstm', config: { units: 6, activation: 'relu', inputShape: [6, 2] } },
      { type: 'dense', config: { units: 1 } },
    ],
    sample: [6, 2],
    n: 8,
    target: regression(1),
    targetShape: [1],
    loss: 'mse',
    optimizer: { kind: 'adam', learningRate: 0.01 },
  },
  {
    // The second layer reads 2 features at an offset into the first one's states: the fused input projection.
    name: 'stacked LSTMs, the second going backwards, + per-step Dense, batch 8 × 5 steps (lstmStepVec4)',
    layers: [
      { type: 'lstm', config: { units: 2, returnSequences: true, inputShape: [5, 3] } },
      { type: 'lstm', config: { units: 7, returnSequences: true, goBackwards: true } },
      { type: 'dense', config: { units: 2, activation: 'tanh' } },
    ],
    sample: [5, 3],
    n: 8,
    target: (random, n) => uniform(random, n * 5 * 2, 0.9),
    targetShape: [5, 2],
    loss: 'mse',
    optimizer: { kind: 'sgd', learningRate: 0.1 },
  },
  {
    name: 'LSTM + Dense, SGD with momentum and per-tensor clipNorm',
    layers: [
      { type: 'lstm', config: { units: 7, inputShape: [3, 2] } },
      { type: 'dense', config: { units: 2 } },
    ],
    sample: [3, 2],
    n: 4,
    target: regression(2),
    targetShape: [2],
    loss: 'huber',
    optimizer: { kind: 'sgd', learningRate: 0.2, momentum: 0.9, nesterov: true },
    clip: { clipNorm: 0.1 },
  },
];

// A real GPU runs the one-dispatch-per-pass LSTM loop (lstmSeq.wgsl) for small hidden sizes: the cases that run
// lstmStepVec4 here run again with it pinned (RuntimeOptions.kernels), so its whole training steps are checked too.
CASES.push(
  ...CASES.filter((c) => c.name.endsWith('(lstmStepVec4)')).map((c) => ({
    ...c,
    name: c.name.replace('(lstmStepVec4)', '(lstmSeq, the GPU default)'),
    kernels: { lstm: 'seq' as const },
  })),
);

describe.skipIf(skipGpu)('Sequential.fit on WebGPU vs the float64 reference', () => {
  const page = useHarness();

  it.each(CASES.map((c, i) => [c.name, c, i] as const))('%s: weights after 5 steps', async (_name, c, i) => {
    const random = rng(900 + i);
    const size = c.n * c.sample.reduce((a, b) => a * b, 1);
    const x = c.ids ? Float32Array.from({ length: size }, () => Math.floor(random() * c.ids!)) : uniform(random, size, 1);
    const y = c.target(random, c.n);
    const steps = 5;
    const result = await page.run('trainModel', {
      layers: c.layers,
      x: { data: encodeFloats(x), shape: [c.n, ...c.sample] },
      y: { data: encodeFloats(y), shape: [c.n, ...c.targetShape] },
      seed: 3 + i,
      compile: { optimizer: c.optimizer, loss: c.loss, ...(c.clip ?? {}) },
      epochs: steps,
      batchSize: c.n,
      ...(c.kernels ? { kernels: c.kernels } : {}),
    });
    expect(result.validationError).toBeNull();
    expect(result.liveBuffersAfter).toBe(0);
    const count = Object.keys(result.outputs).filter((k) => k.startsWith('initial')).length;
    const initial = Array.from({ length: count }, (_, k) => result.outputs[`initial${k}`]!);
    const optimizer = resolveOptimizer({ ...c.optimizer, ...(c.clip ?? {}) } as never);
    const ref = referenceTrain(c.layers, initial, x, y, c.n, c.sample, resolveLoss(c.loss), optimizer, steps, clipSpecOf(optimizer));
    expectClose(result.outputs.losses!, ref.losses, EPOCH_LOSS, 'loss of each epoch');
    for (let k = 0; k < count; k++) expectClose(result.outputs[`final${k}`]!, ref.weights[k]!, WEIGHTS_AFTER_STEPS, `weight ${k} after ${steps} steps`);
    // the weights really moved: a test of 5 no-op steps would pass the comparison above only if the reference also did nothing
    const moved = initial.some((w, k) => w.some((v, j) => Math.abs(v - ref.weights[k]![j]!) > 1e-3));
    expect(moved).toBe(true);
  });
});
