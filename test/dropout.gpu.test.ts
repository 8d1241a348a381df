/**
 * Dropout on WebGPU: the kernel's masks, outputs and gradients against the float64 twin, exactly (the same
 * integer hash), over two steps of its counter; and in a model: a no-op in predict, evaluate and validation,
 * a change to the training loss, reproducible from the model's seed.
 */
import { describe, expect, it } from 'vitest';
import type { DropoutConfig } from '../src/kernels/dropout';
import { dropoutBackward, dropoutForward, dropoutScale } from '../src/reference/dropout';
import { encodeFloats } from './support/base64';
import { expectClose } from './support/compare';
import { skipGpu, useHarness } from './support/page';
import { rng, uniform } from './support/random';

const EXACT = { atol: 0, rtol: 1e-7 };

describe.skipIf(skipGpu)('dropout on WebGPU', () => {
  const page = useHarness();

  it.each([
    {
      what: 'every element its own mask (a sequence, from an offset)',
      T: 4,
      B: 3,
      C: 5,
      xOffset: 7,
      noise: { timesteps: true, batch: true, features: true },
      rate: 0.4,
    },
    {
      what: 'SpatialDropout1D: one mask per sequence and feature',
      T: 6,
      B: 2,
      C: 9,
      xOffset: 0,
      noise: { timesteps: false, batch: true, features: true },
      rate: 0.5,
    },
    { what: 'a vector input [batch, features], rate 0.9', T: 1, B: 70, C: 3, xOffset: 0, noise: { timesteps: false, batch: true, features: true }, rate: 0.9 },
  ])('$what: masks, y and dx as the twin draws them, and a new mask after the counter advances', async ({ T, B, C, xOffset, noise, rate }) => {
    const rows = T * B;
    const random = rng(rows * C);
    const x = uniform(random, xOffset + rows * C, 1);
    const dy = uniform(random, rows * C, 1);
    const config: DropoutConfig = { rate, seed: 1234, noise };
    const r = await page.run('dropout', {
      x: { data: encodeFloats(x), shape: [x.length] },
      dy: { data: encodeFloats(dy), shape: [dy.length] },
      rows,
      cols: C,
      batch: B,
      xOffset,
      config,
    });
    expect(r.validationError).toBeNull();
    expect(r.liveBuffersAfter).toBe(0);
    for (const step of [0, 1]) {
      const scale = dropoutScale({ rows, cols: C, batch: B }, config, step);
      expect([...r.outputs[`scale${step}`]!]).toEqual([...Float32Array.from(scale)]);
      expectClose(r.outputs[`y${step}`]!, dropoutForward(x.subarray(xOffset), scale), EXACT, `y, step ${step}`);
      expectClose(r.outputs[`dx${step}`]!, dropoutBackward(dy, scale), EXACT, `dx, step ${step}`);
      expect(r.outputs[`step${step}`]![0]).toBe(step + 1);
    }
    expect([...r.outputs.scale0!]).not.toEqual([...r.outputs.scale1!]);
  });

  it('in a model: predict, evaluate and validation as without it; training changes; the same seed trains alike', async () => {
    const r = await page.call('dropoutModels');
    expect(r.predictions[1]).toEqual(r.predictions[0]); // same weights, dropout is the identity at inference
    expect(r.evaluated[1]).toBe(r.evaluated[0]);
    expect(r.predictAfter[1]).toEqual(r.predictAfter[0]);
    expect(r.losses[1]![0]).not.toBe(r.losses[0]![0]); // the first batch's masks change the training loss
    expect(r.weights[1]).toEqual(r.weights[0]); // two models from one seed draw the same masks
    expect(r.losses[2]).toEqual(r.losses[1]);
    // Validation after the last epoch runs without dropout: it is evaluate() on the trained weights.
    expect(r.valLoss[2]).toBeCloseTo(r.evaluatedAfter as number, 6);
    // Compiled again, the model draws new masks rather than replaying the first fit's.
    expect(r.recompiled.second).not.toEqual(r.recompiled.first);
  });

  it.each([
    ['lstm', 0.5],
    ['gru', 0.3],
    ['simpleRNN', 0.6],
  ] as const)('%s with dropout %s: the step is the step without it on x · (the twin’s mask, the same at every timestep)', async (kind, rate) => {
    const r = await page.call('inputDropoutStep', kind, rate);
    expect(r.predictions[0]).toEqual(r.predictions[1]); // no dropout in predict
    expect(r.dropped).toBeGreaterThan(0); // the mask zeroes something, so the check has teeth
    expect(r.losses[0]).toBeCloseTo(r.losses[1]!, 6);
    r.weights[0]!.forEach((w, i) => expectClose(Float32Array.from(w), Float32Array.from(r.weights[1]![i]!), { atol: 1e-6, rtol: 1e-6 }, `weight ${i}`));
  });
});
