/**
 * The float64 CPU reference of the LSTM (src/reference/lstmStep.ts), checked on its own: one step against the
 * equations written out by hand, and every gradient of BPTT against central finite differences of the scalar
 * loss L = Σ dOutput·output + Σ dh·h_T + Σ dc·c_T. The GPU tests then trust this reference.
 */
import { describe, expect, it } from 'vitest';
import { lstmBackward, lstmForward, lstmStep } from '../src/reference/lstmStep';
import type { CellActivation, GateActivation } from '../src/kernels/activations';
import { expectClose } from './support/compare';
import { reverseTime } from './support/finiteDifferences';
import { rng } from './support/random';
import { FINITE_DIFFERENCE } from './support/tolerances';

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

describe('reference lstmStep', () => {
  it('computes one step of one unit as the equations say (gate order i, f, c, o)', () => {
    // features 2, units 1: kernel [2, 4], recurrent [1, 4], bias [4]
    const x = [0.5, -1];
    const kernel = [0.1, 0.2, 0.3, 0.4, -0.5, 0.6, -0.7, 0.8];
    const recurrent = [0.9, -1.0, 1.1, -1.2];
    const bias = [0.01, 0.02, 0.03, 0.04];
    const h0 = 0.3;
    const c0 = -0.2;
    const z = [0, 1, 2, 3].map((g) => x[0]! * kernel[g]! + x[1]! * kernel[4 + g]! + h0 * recurrent[g]! + bias[g]!);
    const [i, f, g, o] = [sigmoid(z[0]!), sigmoid(z[1]!), Math.tanh(z[2]!), sigmoid(z[3]!)];
    const c = f * c0 + i * g;
    const h = o * Math.tanh(c);
    const step = lstmStep(x, Float64Array.of(h0), Float64Array.of(c0), kernel, recurrent, bias, { B: 1, F: 2, U: 1 });
    expect(step.c[0]).toBeCloseTo(c, 14);
    expect(step.h[0]).toBeCloseTo(h, 14);
    expect([...step.gates]).toEqual([i, f, g, o].map((v) => expect.closeTo(v, 14)));
  });

  it('returns the last step, or every step batch-major with returnSequences', () => {
    const random = rng(3);
    const r = (n: number) => Float64Array.from({ length: n }, () => random() - 0.5);
    const inputs = {
      x: { data: r(2 * 3 * 1), shape: [2, 3, 1] },
      kernel: { data: r(8), shape: [1, 8] },
      recurrentKernel: { data: r(8), shape: [2, 8] },
      bias: { data: r(8), shape: [8] },
    };
    const last = lstmForward(inputs);
    const seq = lstmForward(inputs, { returnSequences: true });
    expect(seq.output.shape).toEqual([2, 3, 2]);
    expect(last.output.shape).toEqual([2, 2]);
    // batch row b's last step is seq[b, T-1, :]
    expect([...seq.output.data.subarray(4, 6)]).toEqual([...last.output.data.subarray(0, 2)]);
    expect([...seq.output.data.subarray(10, 12)]).toEqual([...last.output.data.subarray(2, 4)]);
    expect([...last.h.data]).toEqual([...last.output.data]);
  });

  it('goBackwards equals the forward layer on time-reversed x, outputs in processing order', () => {
    const random = rng(5);
    const r = (n: number) => Float64Array.from({ length: n }, () => random() - 0.5);
    const inputs = {
      x: { data: r(2 * 4 * 3), shape: [2, 4, 3] },
      kernel: { data: r(24), shape: [3, 8] },
      recurrentKernel: { data: r(16), shape: [2, 8] },
      bias: { data: r(8), shape: [8] },
    };
    const reversed = { ...inputs, x: { data: reverseTime(inputs.x.data, 2, 4, 3), shape: [2, 4, 3] } };
    const grads = { dOutput: { data: r(2 * 4 * 2), shape: [2, 4, 2] } };
    const backwards = lstmBackward(inputs, grads, { returnSequences: true, goBackwards: true });
    const plain = lstmBackward(reversed, grads, { returnSequences: true });
    const exact = { atol: 1e-14, rtol: 1e-14 };
    expectClose(backwards.output.data, plain.output.data, exact, 'output');
    expectClose(backwards.c.data, plain.c.data, exact, 'c');
    expectClose(backwards.dX.data, reverseTime(plain.dX.data, 2, 4, 3), exact, 'dX');
  });
});

interface FdCase {
  activation: CellActivation;
  recurrentActivation: GateActivation;
  returnSequences: boolean;
  initialState: boolean;
  goBackwards?: boolean;
}

const FD_CASES: FdCase[] = [
  { activation: 'tanh', recurrentActivation: 'sigmoid', returnSequences: false, initialState: false },
  { activation: 'relu', recurrentActivation: 'sigmoid', returnSequences: true, initialState: true },
  { activation: 'sigmoid', recurrentActivation: 'hardSigmoid', returnSequences: true, initialState: false },
  { activation: 'linear', recurrentActivation: 'sigmoid', returnSequences: false, initialState: true },
  { activation: 'tanh', recurrentActivation: 'sigmoid', returnSequences: true, initialState: true, goBackwards: true },
  { activation: 'relu', recurrentActivation: 'hardSigmoid', returnSequences: false, initialState: true, goBackwards: true },
];

describe('reference lstmBackward vs finite differences (float64)', () => {
  it.each(FD_CASES)('$activation/$recurrentActivation seq=$returnSequences h0c0=$initialState back=$goBackwards', (c) => {
    const B = 2;
    const T = 4;
    const F = 3;
    const U = 3;
    const random = rng(7);
    const r = (n: number, s = 1) => Float64Array.from({ length: n }, () => (random() * 2 - 1) * s);
    const params = {
      x: r(B * T * F),
      kernel: r(F * 4 * U, 0.6),
      recurrentKernel: r(U * 4 * U, 0.6),
      bias: r(4 * U, 0.3),
      h0: r(B * U, 0.5),
      c0: r(B * U, 0.5),
    };
    const dOutput = r(c.returnSequences ? B * T * U : B * U);
    const dh = r(B * U);
    const dc = r(B * U);
    const options = {
      activation: c.activation,
      recurrentActivation: c.recurrentActivation,
      returnSequences: c.returnSequences,
      goBackwards: c.goBackwards ?? false,
    };
    const inputsOf = (p: typeof params) => ({
      x: { data: p.x, shape: [B, T, F] },
      kernel: { data: p.kernel, shape: [F, 4 * U] },
      recurrentKernel: { data: p.recurrentKernel, shape: [U, 4 * U] },
      bias: { data: p.bias, shape: [4 * U] },
      ...(c.initialState
        ? {
            initialState: [
              { data: p.h0, shape: [B, U] },
              { data: p.c0, shape: [B, U] },
            ] as const,
          }
        : {}),
    });
    const loss = (p: typeof params) => {
      const out = lstmForward(inputsOf(p), options);
      let sum = 0;
      out.output.data.forEach((v, i) => (sum += v * dOutput[i]!));
      out.h.data.forEach((v, i) => (sum += v * dh[i]!));
      out.c.data.forEach((v, i) => (sum += v * dc[i]!));
      return sum;
    };
    const analytic = lstmBackward(
      inputsOf(params),
      { dOutput: { data: dOutput, shape: [] }, dh: { data: dh, shape: [B, U] }, dc: { data: dc, shape: [B, U] } },
      options,
    );
    const eps = 1e-6;
    type Pair = readonly [keyof typeof params, 'dX' | 'dKernel' | 'dRecurrentKernel' | 'dBias' | 'dh0' | 'dc0'];
    const checks: Pair[] = [
      ['x', 'dX'],
      ['kernel', 'dKernel'],
      ['recurrentKernel', 'dRecurrentKernel'],
      ['bias', 'dBias'],
      ...(c.initialState
        ? ([
            ['h0', 'dh0'],
            ['c0', 'dc0'],
          ] as const)
        : []),
    ];
    for (const [param, grad] of checks) {
      const values = params[param];
      const numeric = new Float64Array(values.length);
      for (let i = 0; i < values.length; i++) {
        const keep = values[i]!;
        values[i] = keep + eps;
        const up = loss(params);
        values[i] = keep - eps;
        const down = loss(params);
        values[i] = keep;
        numeric[i] = (up - down) / (2 * eps);
      }
      expectClose(analytic[grad].data, numeric, FINITE_DIFFERENCE, `${grad} vs finite differences`);
    }
  });
});
