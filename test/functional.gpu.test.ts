/**
 * Functional models on WebGPU (src/model/functional.ts): an encoder–decoder with states passed between layers
 * against PyTorch's own training steps (test/fixtures/torch/functional.json, scripts/make_torch_functional.py),
 * whole-model gradients against finite differences, a chain against the same Sequential. The new kernels' own
 * tests are test/merge.gpu.test.ts, test/batchedMatmul.gpu.test.ts and test/additiveAttention.gpu.test.ts.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { encodeFloats } from './support/base64';
import { expectClose } from './support/compare';
import { skipGpu, useHarness } from './support/page';
import { rng, uniform } from './support/random';
import { MODEL_FINITE_DIFFERENCE, TORCH_TRAINING } from './support/tolerances';

type Json = { shape: number[]; data: number[] };
const fixture = JSON.parse(readFileSync(new URL('./fixtures/torch/functional.json', import.meta.url), 'utf8')) as {
  torch: string;
  lr: number;
  head_weight: number;
  units: number;
  enc_in: Json;
  dec_in: Json;
  y_seq: Json;
  y_head: Json;
  initial_weights: Json[];
  predict_seq: Json;
  predict_head: Json;
  losses: number[];
  seq_losses: number[];
  head_losses: number[];
  final_weights: Json[];
};
const enc = (t: Json | Float32Array, shape?: number[]) =>
  t instanceof Float32Array ? { data: encodeFloats(t), shape: shape! } : { data: encodeFloats(Float32Array.from(t.data)), shape: t.shape };

describe.skipIf(skipGpu)('functional models on WebGPU', () => {
  const page = useHarness();

  it('attention (dot, softmax, dot; Attention with a scale, a key and its weights read later; AdditiveAttention): the gradient matches finite differences', async () => {
    const random = rng(31);
    const n = 3;
    const r = await page.run('functionalAttention', {
      q: enc(uniform(random, n * 3 * 2, 1), [n, 3, 2]),
      v: enc(uniform(random, n * 5 * 3, 1), [n, 5, 3]),
      y1: enc(uniform(random, n * 3 * 2, 1), [n, 3, 2]),
      y2: enc(uniform(random, n, 1), [n, 1]),
      seed: 8,
      stride: 2,
    });
    expect(r.validationError).toBeNull();
    expect(r.liveBuffersAfter).toBe(0);
    const [analytic, numeric] = [r.outputs.analytic!, r.outputs.numeric!];
    expect(
      analytic.some((g) => Math.abs(g) > 1e-3),
      'the check is not of zeros',
    ).toBe(true);
    expectClose(analytic, numeric, MODEL_FINITE_DIFFERENCE, 'gradient vs finite differences');
  });

  it('a padded, masked sequence gets no attention at its padding: Attention and AdditiveAttention over it equal them over the real steps', async () => {
    const random = rng(17);
    const [n, padded, real, vocabulary] = [3, 7, 4, 9];
    const ids = Float32Array.from({ length: n * padded }, (_, i) => (i % padded < real ? 1 + Math.floor(random() * (vocabulary - 1)) : 0));
    const r = await page.run('maskedAttention', { ids: enc(ids, [n, padded]), q: enc(uniform(random, n * 2 * 3, 1), [n, 2, 3]), real, vocabulary, seed: 6 });
    expect(r.validationError).toBeNull();
    expect(r.liveBuffersAfter).toBe(0);
    expect(r.outputs.padded!.length).toBe(n * 2 * 10);
    expectClose(r.outputs.padded!, r.outputs.cut!, { atol: 1e-5, rtol: 1e-5 }, 'attention over the padded sequence vs over its real steps');
    // Attention's output [n, 2, 5] at the masked query step (t = 1) is zero, as Keras's (result *= q_mask).
    const out = r.outputs.queryMasked!;
    const atStep = (t: number) => Array.from({ length: n * 5 }, (_, i) => out[Math.floor(i / 5) * 10 + t * 5 + (i % 5)]!);
    expect(atStep(1).every((v) => v === 0)).toBe(true);
    expect(atStep(0).some((v) => v !== 0)).toBe(true);
  });

  it("an encoder–decoder (states passed on, two outputs, a concatenation) predicts and trains as PyTorch's", async () => {
    expect(fixture.torch).toMatch(/^\d+\.\d+/);
    const r = await page.run('functionalSeq2seq', {
      encIn: enc(fixture.enc_in),
      decIn: enc(fixture.dec_in),
      ySeq: enc(fixture.y_seq),
      yHead: enc(fixture.y_head),
      weights: fixture.initial_weights.map((w) => enc(w)),
      units: fixture.units,
      lr: fixture.lr,
      headWeight: fixture.head_weight,
    });
    expect(r.validationError).toBeNull();
    expect(r.liveBuffersAfter, 'dispose() frees every buffer of the model').toBe(0);
    expectClose(r.outputs.predictSeq!, fixture.predict_seq.data, TORCH_TRAINING, 'seq predictions');
    expectClose(r.outputs.predictHead!, fixture.predict_head.data, TORCH_TRAINING, 'head predictions');
    expectClose(r.outputs.loss!, fixture.losses, TORCH_TRAINING, 'total loss per step');
    expectClose(r.outputs.seqLoss!, fixture.seq_losses, TORCH_TRAINING, 'seq loss per step');
    expectClose(r.outputs.headLoss!, fixture.head_losses, TORCH_TRAINING, 'head loss per step');
    expectClose(
      r.outputs.weights!,
      fixture.final_weights.flatMap((w) => w.data),
      TORCH_TRAINING,
      'weights after three SGD steps',
    );
    // Inference models made from its layers share its weights: the decoder run a step at a time from the
    // encoder's states gives what the whole model gives.
    expect(r.outputs.sharedWeights![0], 'the decoder step model holds the decoder LSTM and the seq Dense').toBe(5);
    expectClose(r.outputs.stepwise!, r.outputs.wholeSeq!, { atol: 1e-6, rtol: 1e-6 }, 'step-by-step decoding vs the whole model');
    // The same model's gradient, end to end, against finite differences of its loss.
    expect(r.outputs.numeric!.length).toBeGreaterThan(50);
    expectClose(r.outputs.analytic!, r.outputs.numeric!, MODEL_FINITE_DIFFERENCE, 'encoder–decoder gradient vs finite differences');
  });

  it('every merge layer, an elementwise activation, a tensor read by three layers, two weighted outputs: the gradient matches finite differences', async () => {
    const random = rng(11);
    const n = 6;
    const r = await page.run('functionalMerges', {
      a: enc(uniform(random, n * 4, 1), [n, 4]),
      b: enc(uniform(random, n * 5, 1), [n, 5]),
      y1: enc(uniform(random, n * 2, 1), [n, 2]),
      y2: enc(uniform(random, n, 1), [n, 1]),
      seed: 4,
    });
    expect(r.validationError).toBeNull();
    expect(r.liveBuffersAfter).toBe(0);
    const [analytic, numeric] = [r.outputs.analytic!, r.outputs.numeric!];
    expect(analytic.length).toBe(5 * 3 + 6 * 3 + (9 * 2 + 2) + 4);
    expect(
      analytic.some((g) => Math.abs(g) > 1e-3),
      'the check is not of zeros',
    ).toBe(true);
    expectClose(analytic, numeric, MODEL_FINITE_DIFFERENCE, 'gradient vs finite differences');
  });

  it('a chain built with model() predicts and trains exactly as the same Sequential', async () => {
    const random = rng(21);
    const r = await page.run('functionalAsSequential', {
      x: enc(uniform(random, 8 * 4 * 3, 1), [8, 4, 3]),
      y: enc(uniform(random, 8 * 2, 1), [8, 2]),
      seed: 9,
    });
    expect(r.validationError).toBeNull();
    expect(r.liveBuffersAfter).toBe(0);
    expectClose(r.outputs.predictFunctional!, r.outputs.predictSequential!, { atol: 0, rtol: 0 }, 'predictions');
    expectClose(r.outputs.historyFunctional!, r.outputs.historySequential!, { atol: 0, rtol: 0 }, 'history');
    expectClose(r.outputs.weightsFunctional!, r.outputs.weightsSequential!, { atol: 0, rtol: 0 }, 'weights after fit');
  });
});
