/**
 * Optimizers on WebGPU (shaders/optimizers.wgsl through recordOptimizerStep) against the float64 twin:
 * every variant for 5 steps of ONE recorded plan, replayed with new gradients each step and a learning rate
 * rewritten by the host from step 3 on; the step counter advances on the GPU. The reference runs on the
 * float32-rounded hyperparameters the GPU holds (Keras keeps them in float32 too).
 */
import { describe, expect, it } from 'vitest';
import { optimizerSlotNames, unpackOptimizerState } from '../src/kernels/optimizers';
import { optimizers, type OptimizerConfig } from '../src/optim/optimizers';
import { initialState, optimizerStep } from '../src/reference/optimizers';
import { encodeFloats } from './support/base64';
import { expectClose, expectCloseRelativeToMax } from './support/compare';
import { skipGpu, useHarness } from './support/page';
import { rng, uniform } from './support/random';
import { OPTIMIZER_PARAMS, OPTIMIZER_SLOTS_RELATIVE_TO_MAX } from './support/tolerances';

const enc = (data: Float32Array) => ({ data: encodeFloats(data), shape: [data.length] });
const STEPS = 5;

/** The config as the GPU sees it: every number rounded to float32. */
function asFloat32<T extends OptimizerConfig>(c: T): T {
  return Object.fromEntries(Object.entries(c).map(([k, v]) => [k, typeof v === 'number' ? Math.fround(v) : v])) as T;
}

const CASES: { name: string; optimizer: OptimizerConfig; length: number; iterations: number }[] = [
  { name: 'adam', optimizer: optimizers.adam({ learningRate: 0.01 }), length: 300, iterations: 0 },
  // ε large enough that where it is added (outside the root for Adam, inside for RMSprop) shows in the result
  {
    name: 'adam resumed at step 1000, ε 1e-3',
    optimizer: optimizers.adam({ learningRate: 0.01, beta1: 0.8, beta2: 0.99, epsilon: 1e-3 }),
    length: 300,
    iterations: 1000,
  },
  { name: 'sgd', optimizer: optimizers.sgd({ learningRate: 0.1 }), length: 300, iterations: 0 },
  { name: 'sgd momentum', optimizer: optimizers.sgd({ learningRate: 0.1, momentum: 0.9 }), length: 300, iterations: 0 },
  { name: 'sgd nesterov', optimizer: optimizers.sgd({ learningRate: 0.1, momentum: 0.9, nesterov: true }), length: 300, iterations: 0 },
  { name: 'rmsprop', optimizer: optimizers.rmsprop({ learningRate: 0.01 }), length: 300, iterations: 0 },
  { name: 'rmsprop momentum, ε 1e-3', optimizer: optimizers.rmsprop({ learningRate: 0.01, momentum: 0.5, epsilon: 1e-3 }), length: 300, iterations: 0 },
  { name: 'rmsprop centered', optimizer: optimizers.rmsprop({ learningRate: 0.01, centered: true }), length: 300, iterations: 0 },
  {
    name: 'rmsprop centered momentum',
    optimizer: optimizers.rmsprop({ learningRate: 0.01, momentum: 0.5, centered: true, rho: 0.8 }),
    length: 300,
    iterations: 0,
  },
  { name: 'adam, 100k-element arena', optimizer: optimizers.adam(), length: 100_032, iterations: 0 },
];

describe.skipIf(skipGpu)('optimizers on WebGPU', () => {
  const page = useHarness();

  it.each(CASES)('$name: 5 steps', async ({ optimizer, length, iterations }) => {
    const random = rng(length + iterations);
    const params = uniform(random, length, 1);
    // Zero gradient padding in the last 20 floats, as between arena segments: those params must not move.
    const grads = new Float32Array(STEPS * length);
    for (let s = 0; s < STEPS; s++) grads.set(uniform(random, length - 20, 1), s * length);
    const learningRates = [1, 1, 0.5, 0.5, 0.25].map((f) => Math.fround(optimizer.learningRate * f));
    const result = await page.run('trainingOptimizer', { optimizer, params: enc(params), grads: enc(grads), length, learningRates, iterations });
    expect(result.validationError).toBeNull();
    expect(result.outputs.planLength![0]).toBe(2);
    expect(result.dispatches).toBe(2 * STEPS);

    const reference = initialState(params, optimizerSlotNames(optimizer), iterations);
    learningRates.forEach((lr, s) => optimizerStep(asFloat32({ ...optimizer, learningRate: lr }), reference, grads.subarray(s * length, (s + 1) * length)));
    expectClose(result.outputs.params!, reference.params, OPTIMIZER_PARAMS, 'params');
    for (const name of optimizerSlotNames(optimizer))
      expectCloseRelativeToMax(result.outputs[name]!, reference.slots[name]!, OPTIMIZER_SLOTS_RELATIVE_TO_MAX, name);
    expect(Array.from(result.outputs.params!.subarray(length - 20))).toEqual(Array.from(params.subarray(length - 20)));
    // The updates are large enough that a kernel ignoring the rewritten learning rate would fail above.
    const state = unpackOptimizerState(result.outputs.state!);
    expect(state.iterations).toBe(iterations + STEPS);
    expect(state.learning_rate).toBe(learningRates[STEPS - 1]);
  });
});
