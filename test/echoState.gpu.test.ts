/**
 * The echo-state network on WebGPU against its float64 twins: the leaky reservoir (SimpleRNN kernels with LEAK)
 * forward and backward, and whole models — EchoState → Dense read out by
 * fitRidge (GPU-summed Gram, float64 solve) against the ridge twin on the twin's states; and by gradient fit, where
 * the reservoir stays as drawn while a Dense below it learns through it.
 */
import { describe, expect, it } from 'vitest';
import { concatInput } from '../src/reference/concatInput';
import { echoStateBackward, echoStateForward } from '../src/reference/echoState';
import { ridgeFromRows } from '../src/reference/ridge';
import { encodeFloats } from './support/base64';
import { expectClose, expectCloseRelativeToMax } from './support/compare';
import { skipGpu, useHarness } from './support/page';
import { rng, uniform } from './support/random';
import { GRADIENT_RELATIVE_TO_MAX, SEQUENCE } from './support/tolerances';

const enc = (data: Float32Array, shape: number[]) => ({ data: encodeFloats(data), shape });
const plain = (data: Float32Array, shape: number[]) => ({ data, shape });
/** Readout weights from a float32 Gram matrix (the solve amplifies its error by the system's condition number). */
const RIDGE_WEIGHTS = { atol: 2e-3, rtol: 2e-3 };

const CASES = [
  { B: 3, T: 7, F: 2, U: 9, leakRate: 0.3, goBackwards: false, returnSequences: true, h0: true, masked: false },
  { B: 2, T: 12, F: 3, U: 16, leakRate: 1, goBackwards: true, returnSequences: false, h0: false, masked: false },
  { B: 4, T: 6, F: 1, U: 5, leakRate: 0.5, goBackwards: true, returnSequences: true, h0: true, masked: true },
];

describe.skipIf(skipGpu)('the echo-state network on WebGPU vs its float64 twins', () => {
  const page = useHarness();

  it.each(CASES.map((c) => [`B${c.B} T${c.T} F${c.F} U${c.U} leak ${c.leakRate}${c.goBackwards ? ' back' : ''}${c.masked ? ' masked' : ''}`, c] as const))(
    'reservoir %s: outputs and every gradient',
    async (_name, c) => {
      const random = rng(c.U);
      const d = {
        x: uniform(random, c.B * c.T * c.F, 1),
        inputKernel: uniform(random, c.F * c.U, 0.8),
        // Two thirds zeros, as a reservoir is drawn (and what the 'sparse' kernel skips); one column all zeros.
        reservoir: uniform(random, c.U * c.U, 1 / Math.sqrt(c.U)).map((v, i) => (i % 3 === 0 && i % c.U !== 1 ? v : 0)),
        bias: uniform(random, c.U, 0.2),
        h0: uniform(random, c.B * c.U, 0.5),
        mask: Float32Array.from({ length: c.B * c.T }, (_, i) => (i % c.T < 2 && i < c.T ? 0 : i % 5 === 3 ? 0 : 1)),
        dOutput: uniform(random, c.returnSequences ? c.B * c.T * c.U : c.B * c.U, 1),
        dh: uniform(random, c.B * c.U, 1),
      };
      const tensors = <T>(wrap: (data: Float32Array, shape: number[]) => T) => ({
        x: wrap(d.x, [c.B, c.T, c.F]),
        inputKernel: wrap(d.inputKernel, [c.F, c.U]),
        reservoir: wrap(d.reservoir, [c.U, c.U]),
        bias: wrap(d.bias, [c.U]),
        ...(c.h0 ? { initialState: [wrap(d.h0, [c.B, c.U])] as [T] } : {}),
        ...(c.masked ? { mask: wrap(d.mask, [c.B, c.T]) } : {}),
      });
      const options = { leakRate: c.leakRate, goBackwards: c.goBackwards, returnSequences: c.returnSequences };
      const outShape = c.returnSequences ? [c.B, c.T, c.U] : [c.B, c.U];
      const back = await page.run('echoState', { inputs: tensors(enc), grads: { dOutput: enc(d.dOutput, outShape), dh: enc(d.dh, [c.B, c.U]) }, options });
      expect(back.validationError).toBeNull();
      expect(back.liveBuffersAfter).toBe(0);
      const ref = echoStateBackward(tensors(plain), { dOutput: plain(d.dOutput, outShape), dh: plain(d.dh, [c.B, c.U]) }, options);
      expectClose(back.outputs.output!, ref.output.data, SEQUENCE, 'output');
      expectClose(back.outputs.h!, ref.h.data, SEQUENCE, 'final h');
      for (const key of ['dX', 'dInputKernel', 'dReservoir', 'dBias', 'dh0'] as const) {
        expectCloseRelativeToMax(back.outputs[key]!, ref[key].data, GRADIENT_RELATIVE_TO_MAX, key);
      }
      // Forward alone on every kernel: one step per timestep, the whole sequence in one dispatch, or either over the
      // reservoir's non-zeros (packed by one dispatch first).
      const dispatches = { step: c.T, seq: 1, sparse: 2, sparseStep: 1 + c.T };
      for (const variant of ['step', 'seq', 'sparse', 'sparseStep'] as const) {
        const fwd = await page.run('echoState', { inputs: tensors(enc), options: { ...options, variant } });
        expect(fwd.validationError).toBeNull();
        expect(fwd.dispatches, `one GEMM, then the ${variant} kernel's`).toBe(1 + dispatches[variant]);
        expectClose(fwd.outputs.output!, ref.output.data, SEQUENCE, `output (forward only, ${variant})`);
        expectClose(fwd.outputs.h!, ref.h.data, SEQUENCE, `final h (${variant})`);
      }
    },
  );

  it.each([true, false])(
    'fitRidge reads out a reservoir (includeInput %s) over every step after the washout, as the float64 ridge on the twin’s rows does',
    async (includeInput) => {
      // Two sequences of a noisy sine; the target is the next value.
      // The sums are exact (quantizedGram.gpu.test.ts, crossProducts.gpu.test.ts); what differs from the twin is the
      // float32 reservoir's states (their rounding to 2⁻²⁴ for the sums is smaller). alpha 0.1 keeps the system well
      // conditioned, so those differences move the weights by RIDGE_WEIGHTS at most; with a tiny alpha the weights are
      // ill determined (many nearly equal fits). Connectivity 0.2: the reservoir runs on its non-zeros ('sparse').
      // One sample per batch with includeInput; the default batch (both samples at once) without.
      const [B, T, U, washout, alpha] = [2, 60, 24, 10, 0.1];
      const random = rng(17);
      const series = Float32Array.from({ length: B * (T + 1) }, (_, i) => Math.sin(i * 0.3) + 0.05 * (random() - 0.5));
      const x = Float32Array.from({ length: B * T }, (_, i) => series[Math.floor(i / T) * (T + 1) + (i % T)]!);
      const y = Float32Array.from({ length: B * T }, (_, i) => series[Math.floor(i / T) * (T + 1) + (i % T) + 1]!);
      const esn = { units: U, spectralRadius: 0.9, leakRate: 0.5, connectivity: 0.2, seed: 3, returnSequences: true, includeInput };
      const r = await page.run('esnModel', {
        esn,
        outputs: 1,
        x: enc(x, [B, T, 1]),
        y: enc(y, [B, T, 1]),
        seed: 1,
        ridge: { alpha, washout, ...(includeInput ? { batchSize: 1 } : {}) },
      });
      expect(r.validationError).toBeNull();
      expect(r.liveBuffersAfter).toBe(0);
      const o = r.outputs;
      // The reservoir is as drawn: spectral radius 0.9 on the GPU too, and the weights unchanged.
      expectClose(o.radius!, [0.9], { atol: 2e-3, rtol: 0 }, 'measured radius');
      for (const i of [0, 1, 2]) expect(o[`w${i}`], `reservoir weight ${i}`).toEqual(o[`initial${i}`]);
      expect(o.nonTrainable![0]).toBe(U + U * U + U);
      // The twin: states from the float64 reservoir, rows [u_t; x_t] (or x_t) after the washout, then the ridge.
      const states = echoStateForward(
        { x: plain(x, [B, T, 1]), inputKernel: plain(o.w0!, [1, U]), reservoir: plain(o.w1!, [U, U]), bias: plain(o.w2!, [U]) },
        { leakRate: 0.5, returnSequences: true },
      ).output.data;
      const rows: number[] = [];
      const targets: number[] = [];
      for (let b = 0; b < B; b++) {
        for (let t = washout; t < T; t++) {
          if (includeInput) rows.push(x[b * T + t]!);
          rows.push(...states.subarray((b * T + t) * U, (b * T + t + 1) * U));
          targets.push(y[b * T + t]!);
        }
      }
      const width = U + (includeInput ? 1 : 0);
      const ref = ridgeFromRows(rows, targets, B * (T - washout), width, 1, alpha);
      expect(o.ridge![0]).toBe(B * (T - washout));
      expectClose(o.w3!, ref.kernel, RIDGE_WEIGHTS, 'readout kernel');
      expectClose(o.w4!, ref.bias, RIDGE_WEIGHTS, 'readout bias');
      expectClose(o.ridge!.subarray(1), [ref.loss], { atol: 1e-5, rtol: 1e-2 }, 'training MSE');
      // One-step prediction of a sine from 24 units: far below the series' variance (≈ 0.5).
      expect(ref.loss).toBeLessThan(0.01);
    },
  );

  it.each([
    [true, false],
    [true, true],
    [false, true],
    [false, false],
  ])(
    'includeInput: each output row is [u_t; x_t], the input row it came from first (returnSequences %s, goBackwards %s)',
    async (returnSequences, goBackwards) => {
      const [B, T, F, U] = [3, 5, 2, 6];
      const x = uniform(rng(31), B * T * F, 1);
      const esn = { units: U, leakRate: 0.6, connectivity: 0.4, seed: 8, returnSequences, goBackwards };
      const r = await page.run('esnOutput', { esn, x: enc(x, [B, T, F]), seed: 1 });
      expect(r.validationError).toBeNull();
      expect(r.liveBuffersAfter).toBe(0);
      const o = r.outputs;
      const states = echoStateForward(
        { x: plain(x, [B, T, F]), inputKernel: plain(o.w0!, [F, U]), reservoir: plain(o.w1!, [U, U]), bias: plain(o.w2!, [U]) },
        { leakRate: 0.6, returnSequences, goBackwards },
      ).output.data;
      // The twin works on time-major rows (t·B + b), as the kernel does. Sequences come in processing order (step t of
      // a goBackwards layer came after input step T − 1 − t); a last output came after the last step processed.
      const steps = returnSequences ? T : 1;
      const timeMajor = (a: ArrayLike<number>, t: number, width: number) =>
        Array.from({ length: t * B * width }, (_, i) => {
          const [row, j] = [Math.floor(i / width), i % width];
          return a[((row % B) * t + Math.floor(row / B)) * width + j]!;
        });
      const lastStep = goBackwards ? 0 : T - 1;
      const u = returnSequences ? timeMajor(x, T, F) : timeMajor(x, T, F).slice(lastStep * B * F, (lastStep + 1) * B * F);
      const rows = concatInput(u, timeMajor(states, steps, U), {
        rows: steps * B,
        nu: F,
        nx: U,
        ...(returnSequences && goBackwards ? { reverseBatch: B } : {}),
      });
      const width = F + U;
      const expected = Array.from({ length: B * steps * width }, (_, i) => {
        const [row, j] = [Math.floor(i / width), i % width];
        return rows[((row % steps) * B + Math.floor(row / steps)) * width + j]!;
      });
      expectClose(o.y!, expected, SEQUENCE, 'output');
    },
  );

  it.each([
    [true, true],
    [false, true],
    [true, false],
    [false, false],
  ])(
    'includeInput: the gradient through [u_t; x_t] to a Dense below matches central differences (returnSequences %s, goBackwards %s)',
    async (returnSequences, goBackwards) => {
      const [n, T, F] = [6, 4, 2];
      const random = rng(41);
      const x = uniform(random, n * T * F, 1);
      const y = uniform(random, n * (returnSequences ? T : 1), 0.5);
      const esn = { units: 5, leakRate: 0.7, connectivity: 0.5, spectralRadius: 0.9, seed: 6, returnSequences, goBackwards };
      const yShape = returnSequences ? [n, T, 1] : [n, 1];
      const r = await page.run('esnGradient', { esn, below: 3, x: enc(x, [n, T, F]), y: enc(y, yShape), seed: 5, lr: 1e-2, eps: 1e-2 });
      expect(r.validationError).toBeNull();
      expect(r.liveBuffersAfter).toBe(0);
      // Central differences of a float32 loss: good to ~1e-3 of the largest component.
      expectCloseRelativeToMax(r.outputs.sgd!, r.outputs.fd!, 5e-3, 'dLoss/dKernel below the reservoir');
    },
  );

  it('gradient fit trains a Dense below the reservoir through it and leaves the reservoir as drawn', async () => {
    const [n, T, F] = [16, 8, 2];
    const random = rng(23);
    const x = uniform(random, n * T * F, 1);
    const y = Float32Array.from({ length: n }, (_, i) => Math.tanh(x[i * T * F]! + x[i * T * F + 3]!));
    const esn = { units: 12, spectralRadius: 0.8, leakRate: 0.7, connectivity: 0.5, seed: 4 };
    const r = await page.run('esnModel', { esn, outputs: 1, below: 3, x: enc(x, [n, T, F]), y: enc(y, [n, 1]), seed: 2, fitEpochs: 20 });
    expect(r.validationError).toBeNull();
    const o = r.outputs;
    for (const i of [2, 3, 4]) expect(o[`w${i}`], `reservoir weight ${i - 2}`).toEqual(o[`initial${i}`]);
    const moved = (i: number) => Math.max(...o[`w${i}`]!.map((v, j) => Math.abs(v - o[`initial${i}`]![j]!)));
    expect(moved(0), 'the Dense below the reservoir learned (its gradient passed through it)').toBeGreaterThan(1e-3);
    expect(moved(5), 'the readout learned').toBeGreaterThan(1e-3);
    expect(o.losses![o.losses!.length - 1]!).toBeLessThan(o.losses![0]!);
  });
});
