/**
 * Optimizers without a GPU: the float64 twin (src/reference/optimizers.ts) against the update formulas
 * written out by hand for 2–3 steps and Keras's documented values; the config factories and their errors;
 * the state buffer packing and the per-entry bindings, both reflected from shaders/optimizers.wgsl.
 */
import { describe, expect, it } from 'vitest';
import { ValueError } from '../src/errors';
import {
  beginStepKernel,
  optimizerSlotNames,
  optimizerStateIndex,
  optimizerStateLength,
  packOptimizerState,
  recordOptimizerStep,
  unpackOptimizerState,
} from '../src/kernels/optimizers';
import { optimizers, resolveOptimizer, type OptimizerConfig } from '../src/optim/optimizers';
import { initialState, optimizerStep } from '../src/reference/optimizers';

/** Runs the reference on one scalar weight through the given gradients; returns w after each step. */
function trace(config: OptimizerConfig, w0: number, grads: number[]): number[] {
  const s = initialState([w0], optimizerSlotNames(config));
  return grads.map((g) => optimizerStep(config, s, [g]).params[0]!);
}

describe('reference optimizer steps', () => {
  it("Keras's docstring examples: one step on loss = w²/2 from w = 10", () => {
    expect(trace(optimizers.adam({ learningRate: 0.1 }), 10, [10])[0]).toBeCloseTo(9.9, 6);
    expect(trace(optimizers.rmsprop({ learningRate: 0.1 }), 10, [10])[0]).toBeCloseTo(9.683772, 6);
  });

  it('adam: three steps of m, v, bias-corrected step size, ε outside the root', () => {
    const [lr, b1, b2, eps] = [0.1, 0.9, 0.999, 1e-7];
    const g = [0.5, -0.2, 0.3];
    let [m, v, w] = [0, 0, 1];
    const expected: number[] = [];
    g.forEach((gt, k) => {
      const t = k + 1;
      m = b1 * m + (1 - b1) * gt;
      v = b2 * v + (1 - b2) * gt * gt;
      w -= ((lr * Math.sqrt(1 - b2 ** t)) / (1 - b1 ** t)) * (m / (Math.sqrt(v) + eps));
      expected.push(w);
    });
    trace(optimizers.adam({ learningRate: lr }), 1, g).forEach((wt, k) => expect(wt).toBeCloseTo(expected[k]!, 12));
  });

  it('sgd: plain, momentum and nesterov over three unit gradients', () => {
    expect(trace(optimizers.sgd({ learningRate: 0.1 }), 1, [1, 1, 1]).map((w) => +w.toFixed(12))).toEqual([0.9, 0.8, 0.7]);
    // u = 0.9u − 0.1: −0.1, −0.19, −0.271; w += u
    expect(trace(optimizers.sgd({ learningRate: 0.1, momentum: 0.9 }), 1, [1, 1, 1]).map((w) => +w.toFixed(12))).toEqual([0.9, 0.71, 0.439]);
    // nesterov: w += 0.9u − 0.1 = −0.19, −0.271, −0.3439
    expect(trace(optimizers.sgd({ learningRate: 0.1, momentum: 0.9, nesterov: true }), 1, [1, 1, 1]).map((w) => +w.toFixed(12))).toEqual([0.81, 0.539, 0.1951]);
  });

  it('rmsprop centered with momentum: two steps written out', () => {
    const [lr, rho, mu, eps] = [0.01, 0.9, 0.5, 1e-7];
    const g = [2, -1];
    let [s, a, u, w] = [0, 0, 0, 1];
    const expected = g.map((gt) => {
      s = rho * s + (1 - rho) * gt * gt;
      a = rho * a + (1 - rho) * gt;
      u = mu * u + (lr * gt) / Math.sqrt(s - a * a + eps);
      return (w -= u);
    });
    trace(optimizers.rmsprop({ learningRate: lr, momentum: mu, centered: true }), 1, g).forEach((wt, k) => expect(wt).toBeCloseTo(expected[k]!, 12));
  });

  it('counts iterations and reads the learning rate of each step from the config it is given', () => {
    const s = initialState([1], []);
    optimizerStep(optimizers.sgd({ learningRate: 0.1 }), s, [1]);
    optimizerStep(optimizers.sgd({ learningRate: 0.5 }), s, [1]);
    expect(s.iterations).toBe(2);
    expect(s.params[0]).toBeCloseTo(0.4, 12);
  });
});

describe('optimizer configs', () => {
  it('fill in the Keras defaults and are frozen', () => {
    expect(optimizers.adam()).toEqual({ kind: 'adam', learningRate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 });
    expect(optimizers.sgd()).toEqual({ kind: 'sgd', learningRate: 0.01, momentum: 0, nesterov: false });
    expect(optimizers.rmsprop()).toEqual({ kind: 'rmsprop', learningRate: 0.001, rho: 0.9, momentum: 0, epsilon: 1e-7, centered: false });
    expect(Object.isFrozen(optimizers.adam({ clipNorm: 1 }))).toBe(true);
  });

  it.each([
    [() => optimizers.adam({ learningRate: -1 }), /adam: learningRate must be a finite number ≥ 0; got -1/],
    [() => optimizers.adam({ epsilon: Number.NaN }), /adam: epsilon must be a finite number ≥ 0; got NaN/],
    [() => optimizers.sgd({ learningRate: Infinity }), /sgd: learningRate must be a finite number ≥ 0; got Infinity/],
    [() => optimizers.adam({ beta1: 1 }), /adam: beta1 must be a number in \[0, 1\); got 1/],
    [() => optimizers.sgd({ momentum: 1.5 }), /sgd: momentum must be a number in \[0, 1\]; got 1.5/],
    [() => optimizers.rmsprop({ rho: -0.1 }), /rmsprop: rho must be a number in \[0, 1\]; got -0.1/],
    [() => optimizers.rmsprop({ centered: 1 as unknown as boolean }), /rmsprop: centered must be true or false; got 1/],
    [() => optimizers.adam({ clipNorm: 0 }), /adam: clipNorm must be a finite number > 0; got 0/],
    [() => optimizers.adam({ clipNorm: 1, clipValue: 1 }), /set at most one of clipNorm, globalClipNorm, clipValue/],
    [() => optimizers.adam({ lr: 0.1 } as never), /adam: unknown option 'lr'; known options are learningRate/],
  ])('reject bad options with a ValueError naming them (%#)', (make, message) => {
    expect(make).toThrow(ValueError);
    expect(make).toThrow(message);
  });

  it("take TF.js's positional learning rate (tf.train.adam(0.01)) and never ignore it", () => {
    expect(optimizers.adam(0.01).learningRate).toBe(0.01);
    expect(optimizers.adam(0.01, 0.8, 0.99, 1e-8)).toMatchObject({ learningRate: 0.01, beta1: 0.8, beta2: 0.99, epsilon: 1e-8 });
    expect(optimizers.sgd(0.1)).toMatchObject({ learningRate: 0.1, momentum: 0 });
    // TF.js rmsprop(learningRate, decay, momentum, epsilon, centered): decay is Keras's rho; a null epsilon is the default.
    expect(optimizers.rmsprop(0.01)).toMatchObject({ learningRate: 0.01, rho: 0.9, epsilon: 1e-7 });
    expect(optimizers.rmsprop(0.01, 0.95, 0.5, null, true)).toMatchObject({ learningRate: 0.01, rho: 0.95, momentum: 0.5, epsilon: 1e-7, centered: true });
    expect(() => optimizers.adam(-1)).toThrow(/adam: learningRate must be a finite number ≥ 0; got -1/);
    expect(() => (optimizers.sgd as (...a: unknown[]) => unknown)(0.1, 0.9)).toThrow(/sgd: takes at most 1 positional arguments \(learningRate\); got 2/);
    expect(() => (optimizers.adam as (...a: unknown[]) => unknown)('0.01')).toThrow(ValueError);
    expect(() => (optimizers.rmsprop as (...a: unknown[]) => unknown)('0.01')).toThrow(
      /rmsprop: expected an options object .* or a learning rate \(rmsprop\(0\.01\)/,
    );
  });

  it('resolveOptimizer takes names in any case and configs, and lists the known names otherwise', () => {
    expect(resolveOptimizer('Adam')).toEqual(optimizers.adam());
    expect(resolveOptimizer('RMSprop')).toEqual(optimizers.rmsprop());
    const sgd = optimizers.sgd({ momentum: 0.9, nesterov: true });
    expect(resolveOptimizer(sgd)).toEqual(sgd);
    expect(() => resolveOptimizer('adagrad')).toThrow(/Unknown optimizer 'adagrad'; known optimizers are 'adam', 'sgd', 'rmsprop'/);
    expect(() => resolveOptimizer({ kind: 'sgd', momentum: 2 })).toThrow(/sgd: momentum must be a number in \[0, 1\]; got 2/);
    expect(() => resolveOptimizer(42 as never)).toThrow(ValueError);
  });
});

describe('optimizer state and bindings (reflected from the WGSL)', () => {
  it('packs the state struct: u32 iterations, f32 hyperparameters, round-trips', () => {
    expect(optimizerStateLength()).toBe(8);
    expect(optimizerStateIndex('learning_rate')).toBe(1);
    const state = unpackOptimizerState(packOptimizerState(optimizers.adam({ learningRate: 0.25 }), 123456789));
    expect(state).toEqual({
      iterations: 123456789,
      learning_rate: 0.25,
      beta_1: Math.fround(0.9),
      beta_2: Math.fround(0.999),
      epsilon: Math.fround(1e-7),
      momentum: 0,
      rho: 0,
      step_size: 0,
    });
    expect(() => packOptimizerState({ ...optimizers.sgd(), learningRate: Number.NaN })).toThrow(/learningRate must be a finite number/);
  });

  it('names the slots each config needs', () => {
    expect(optimizerSlotNames(optimizers.adam())).toEqual(['momentum', 'velocity']);
    expect(optimizerSlotNames(optimizers.sgd())).toEqual([]);
    expect(optimizerSlotNames(optimizers.sgd({ momentum: 0.5 }))).toEqual(['momentum']);
    expect(optimizerSlotNames(optimizers.rmsprop({ momentum: 0.5, centered: true }))).toEqual(['velocity', 'momentum', 'averageGradient']);
  });

  it('begin_step binds only the state; a wrong slot set is refused before anything is recorded', () => {
    expect(beginStepKernel.iface.bindings.map((b) => `${b.name}:${b.kind}`)).toEqual(['state:storage']);
    const plan = { dispatch: () => expect.fail('nothing may be recorded') } as never;
    const ref = { size: 4096 } as GPUBuffer;
    expect(() =>
      recordOptimizerStep(plan, { optimizer: optimizers.adam(), params: ref, grads: ref, state: ref, slots: { momentum: ref }, length: 64 }),
    ).toThrow(/needs slots \[momentum, velocity\] for this config; got \[momentum\]/);
    expect(() => recordOptimizerStep(plan, { optimizer: optimizers.sgd(), params: ref, grads: ref, state: ref, slots: {}, length: 2048 })).toThrow(
      /params holds 1024 floats/,
    );
  });
});
