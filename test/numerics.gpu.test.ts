/**
 * Numerics on WebGPU: tanh and sigmoid at ±1e4 (forward and backward, in the LSTM, GRU, SimpleRNN and Dense
 * kernels) stay finite and match their float64 twins; the GPU loss watch against its twin; fit stopping at the
 * first non-finite loss with epoch and batch named, or training on when told to; and a relu LSTM over 1 000
 * steps that overflows without clipping (caught) and stays finite with globalClipNorm.
 */
import { describe, expect, it } from 'vitest';
import { denseBackward } from '../src/reference/dense';
import { gruBackward } from '../src/reference/gruStep';
import { lossWatch } from '../src/reference/lossWatch';
import { lstmBackward } from '../src/reference/lstmStep';
import { simpleRnnBackward } from '../src/reference/simpleRnnStep';
import { encodeFloats } from './support/base64';
import { expectClose } from './support/compare';
import { skipGpu, useHarness } from './support/page';

/** Saturated activations are exactly 0, ±1 or their sums: float32 rounding is all that separates GPU and twin. */
const SATURATED = { atol: 1e-5, rtol: 1e-5 };
const B = 2;
const T = 3;
const U = 2;
// ±1e4 inputs through unit weights: every pre-activation is ±1e4 plus a small recurrent term
const X = Float32Array.of(1e4, -1e4, 1e4, -1e4, 1e4, -1e4);
const enc = (data: Float32Array, shape: number[]) => ({ data: encodeFloats(data), shape });
const filled = (n: number, v: number) => new Float32Array(n).fill(v);
const DOUT = Float32Array.from({ length: B * T * U }, (_, i) => 0.1 * (i + 1));

/** Every output the twin also has: finite, and close to it. Twins return tensors or bare arrays. */
function expectMatchesTwin(
  outputs: Record<string, Float32Array>,
  twin: Record<string, { data: ArrayLike<number> } | ArrayLike<number> | null | undefined>,
  what: string,
) {
  const names = Object.keys(outputs).filter((k) => twin[k]);
  expect(names.length).toBeGreaterThanOrEqual(4);
  for (const name of names) {
    const expected = twin[name]!;
    expect(outputs[name]!.every(Number.isFinite), `${what} ${name} finite`).toBe(true);
    expectClose(outputs[name]!, 'data' in expected ? expected.data : expected, SATURATED, `${what} ${name}`);
  }
}

describe.skipIf(skipGpu)('numerics on WebGPU', () => {
  const page = useHarness();

  it.each(['tanh', 'sigmoid'] as const)('LSTM, GRU and SimpleRNN with %s at ±1e4: finite outputs and gradients, as the twins', async (activation) => {
    const x = { data: X, shape: [B, T, 1] };
    const dOutput = { data: DOUT, shape: [B, T, U] };
    const lstm = { kernel: filled(4 * U, 1), recurrentKernel: filled(U * 4 * U, 0.5), bias: filled(4 * U, 0) };
    const lstmOptions = { activation, returnSequences: true };
    const l = await page.run('lstm', {
      inputs: {
        x: enc(X, x.shape),
        kernel: enc(lstm.kernel, [1, 4 * U]),
        recurrentKernel: enc(lstm.recurrentKernel, [U, 4 * U]),
        bias: enc(lstm.bias, [4 * U]),
      },
      grads: { dOutput: enc(DOUT, dOutput.shape) },
      options: lstmOptions,
    });
    expect(l.validationError).toBeNull();
    const lTwin = lstmBackward(
      {
        x,
        kernel: { data: lstm.kernel, shape: [1, 4 * U] },
        recurrentKernel: { data: lstm.recurrentKernel, shape: [U, 4 * U] },
        bias: { data: lstm.bias, shape: [4 * U] },
      },
      { dOutput },
      lstmOptions,
    );
    expectMatchesTwin(l.outputs, lTwin as never, 'lstm');

    const gru = { kernel: filled(3 * U, 1), recurrentKernel: filled(U * 3 * U, 0.5), bias: filled(2 * 3 * U, 0) };
    const g = await page.run('gru', {
      inputs: {
        x: enc(X, x.shape),
        kernel: enc(gru.kernel, [1, 3 * U]),
        recurrentKernel: enc(gru.recurrentKernel, [U, 3 * U]),
        bias: enc(gru.bias, [2, 3 * U]),
      },
      grads: { dOutput: enc(DOUT, dOutput.shape) },
      options: lstmOptions,
    });
    expect(g.validationError).toBeNull();
    const gTwin = gruBackward(
      {
        x,
        kernel: { data: gru.kernel, shape: [1, 3 * U] },
        recurrentKernel: { data: gru.recurrentKernel, shape: [U, 3 * U] },
        bias: { data: gru.bias, shape: [2, 3 * U] },
      },
      { dOutput },
      lstmOptions,
    );
    expectMatchesTwin(g.outputs, gTwin as never, 'gru');

    const rnn = { kernel: filled(U, 1), recurrentKernel: filled(U * U, 0.5), bias: filled(U, 0) };
    const s = await page.run('simpleRnn', {
      inputs: { x: enc(X, x.shape), kernel: enc(rnn.kernel, [1, U]), recurrentKernel: enc(rnn.recurrentKernel, [U, U]), bias: enc(rnn.bias, [U]) },
      grads: { dOutput: enc(DOUT, dOutput.shape) },
      options: lstmOptions,
    });
    expect(s.validationError).toBeNull();
    const sTwin = simpleRnnBackward(
      { x, kernel: { data: rnn.kernel, shape: [1, U] }, recurrentKernel: { data: rnn.recurrentKernel, shape: [U, U] }, bias: { data: rnn.bias, shape: [U] } },
      { dOutput },
      lstmOptions,
    );
    expectMatchesTwin(s.outputs, sTwin as never, 'simpleRnn');
  });

  it.each(['tanh', 'sigmoid'] as const)('Dense with %s at ±1e4: outputs at their limits, finite gradients', async (activation) => {
    const rows = 4;
    const x = Float32Array.of(1e4, -1e4, 3e4, -2e4);
    const kernel = Float32Array.of(1, -0.5);
    const bias = Float32Array.of(0.25, 0);
    const dy = Float32Array.from({ length: rows * 2 }, (_, i) => i - 3);
    const r = await page.run('dense', {
      x: enc(x, [rows]),
      kernel: enc(kernel, [2]),
      bias: enc(bias, [2]),
      dy: enc(dy, [rows * 2]),
      rows,
      inputs: 1,
      units: 2,
      activation,
      xOffset: 0,
    });
    expect(r.validationError).toBeNull();
    const twin = denseBackward({ x, kernel, bias, rows, inputs: 1, units: 2, activation }, dy);
    expect(Array.from(r.outputs.y!)).toEqual(activation === 'tanh' ? [1, -1, -1, 1, 1, -1, -1, 1] : [1, 0, 0, 1, 1, 0, 0, 1]);
    expectMatchesTwin(r.outputs, twin as never, 'dense');
  });

  it.each([
    ['finite sums', [1, 3, 6]],
    ['NaN from batch 2 on', [1, Number.NaN, Number.NaN, Number.NaN]],
    ['Infinity in batch 0', [Number.POSITIVE_INFINITY, Number.NaN]],
    ['a sum that overflows float32 in batch 1', [3e38, Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY]],
    ['-Infinity in batch 3', [0, 0, 0, Number.NEGATIVE_INFINITY]],
  ])('the loss watch kernel: %s', async (_name, sums) => {
    // encoded: page arguments travel as JSON, which has no NaN or Infinity
    const r = await page.run('lossWatch', enc(Float32Array.from(sums), [sums.length]));
    expect(r.validationError).toBeNull();
    const twin = new Float64Array(8);
    for (const s of sums) {
      twin[0] = s;
      lossWatch(twin, 0, 5);
    }
    expect(Array.from(r.outputs.accum!.subarray(5, 7))).toEqual(Array.from(twin.subarray(5, 7)));
    expect(r.outputs.accum![5]).toBe(sums.length);
  });

  it('a loss that overflows in batch 2 of epoch 0 stops fit there, naming both, after one readback', async () => {
    const r = await page.call('nonFiniteLoss', 'targets', true);
    expect(r.error).toMatchObject({ name: 'NonFiniteLossError', epoch: 0, batch: 2 });
    expect(r.error!.message).toMatch(
      /^the training loss became NaN or Infinity in epoch 0 \(Epoch 1\/4\), batch 2 of 3 .*loss sum is Infinity\).*no epoch has ended with a finite loss yet/,
    );
    expect(r.error!.message).toMatch(/stopOnNonFinite: false/);
    expect(r.reads).toBe(1);
    expect(r.lastEpoch).toBeNull();
  });

  it('weights blown up after epoch 1 stop fit in epoch 2, batch 0; the kept weights of epoch 1 train on', async () => {
    const r = await page.call('nonFiniteLoss', 'weights', true);
    expect(r.error).toMatchObject({ name: 'NonFiniteLossError', epoch: 2, batch: 0 });
    expect(r.error!.message).toMatch(/epoch 2 \(Epoch 3\/4\), batch 0 of 3 .*model\.getLastGoodWeights\(\) holds the weights after epoch 1/);
    expect(r.reads).toBe(3); // one per epoch: 0, 1 and the one that saw the overflow
    expect([r.lastEpoch, r.lastFinite]).toEqual([1, true]);
    expect(r.resumed).toHaveLength(2);
    expect(r.resumed.every(Number.isFinite)).toBe(true);
  });

  it('stopOnNonFinite: false trains every epoch and reports the non-finite losses', async () => {
    const r = await page.call('nonFiniteLoss', 'targets', false);
    expect(r.error).toBeNull();
    expect(r.losses).toHaveLength(4);
    expect(r.losses.some((v) => v === null || !Number.isFinite(v))).toBe(true); // NaN and Infinity arrive as null
    expect(r.reads).toBe(4);
  });

  it('LSTM(relu) over 1 000 steps: finite with globalClipNorm, caught without it, silently NaN only when opted out', async () => {
    const clipped = await page.call('relu1000', true, true);
    expect(clipped.first).toBeGreaterThan(900); // the state really grows over the 1 000 steps
    expect(clipped.error).toBeNull();
    expect(clipped.losses).toHaveLength(6);
    expect(clipped.losses.every((v) => Number.isFinite(v))).toBe(true);
    expect(clipped.weightsFinite).toBe(true);

    const plain = await page.call('relu1000', false, true);
    expect(plain.error?.name).toBe('NonFiniteLossError');
    expect(plain.error?.epoch).toBeGreaterThan(0);

    const optedOut = await page.call('relu1000', false, false);
    expect(optedOut.error).toBeNull();
    expect(optedOut.losses.slice(plain.error!.epoch!).every((v) => v === null || !Number.isFinite(v))).toBe(true);
    expect(optedOut.weightsFinite).toBe(false);
  });
});
