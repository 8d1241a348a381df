/**
 * The float64 CPU reference of the SimpleRNN (src/reference/simpleRnnStep.ts), checked on its own: one step by
 * hand, goBackwards against a time-reversed input, and every gradient of BPTT against central finite
 * differences for each activation × goBackwards. Also the argument errors and the kernels' binding counts.
 */
import { describe, expect, it } from 'vitest';
import { ShapeError } from '../src/errors';
import { CELL_ACTIVATIONS } from '../src/kernels/activations';
import { simpleRnnBackwardKernel, simpleRnnForwardKernel } from '../src/kernels/simpleRnnStep';
import { checkSimpleRnnInputs, resolveSimpleRnnOptions } from '../src/ops/simpleRnnArgs';
import { simpleRnnBackward, simpleRnnForward, simpleRnnStep } from '../src/reference/simpleRnnStep';
import { expectClose } from './support/compare';
import { dotLoss, expectGradients, reverseTime } from './support/finiteDifferences';
import { rng } from './support/random';

const EXACT = { atol: 1e-14, rtol: 1e-14 };

function randomCase(seed: number, B: number, T: number, F: number, U: number) {
  const random = rng(seed);
  const r = (n: number, s = 1) => Float64Array.from({ length: n }, () => (random() * 2 - 1) * s);
  return { x: r(B * T * F), kernel: r(F * U, 0.6), recurrentKernel: r(U * U, 0.6), bias: r(U, 0.3), h0: r(B * U, 0.5) };
}

type Params = ReturnType<typeof randomCase>;
const inputsOf = (p: Params, [B, T, F, U]: number[], initialState: boolean) => ({
  x: { data: p.x, shape: [B!, T!, F!] },
  kernel: { data: p.kernel, shape: [F!, U!] },
  recurrentKernel: { data: p.recurrentKernel, shape: [U!, U!] },
  bias: { data: p.bias, shape: [U!] },
  ...(initialState ? { initialState: [{ data: p.h0, shape: [B!, U!] }] as const } : {}),
});

describe('reference simpleRnnStep', () => {
  it('computes h = act(x·W + h·U + b) for each unit', () => {
    // features 2, units 2: kernel [2, 2], recurrent [2, 2]
    const [x, W, R, b, h] = [
      [0.5, -1],
      [0.1, 0.2, -0.3, 0.4],
      [0.5, -0.6, 0.7, 0.8],
      [0.01, -0.02],
      [0.3, -0.6],
    ];
    const pre = [0, 1].map((j) => x[0]! * W[j]! + x[1]! * W[2 + j]! + h[0]! * R[j]! + h[1]! * R[2 + j]! + b[j]!);
    expectClose(simpleRnnStep(x, Float64Array.from(h), W, R, b, { B: 1, F: 2, U: 2 }), pre.map(Math.tanh), EXACT, 'tanh');
    expectClose(
      simpleRnnStep(x, Float64Array.from(h), W, R, b, { B: 1, F: 2, U: 2 }, { activation: 'relu' }),
      pre.map((v) => Math.max(v, 0)),
      EXACT,
      'relu',
    );
  });

  it('goBackwards equals the forward layer on time-reversed x, outputs in processing order', () => {
    const dims = [2, 5, 3, 4];
    const p = randomCase(11, 2, 5, 3, 4);
    const dOutput = { data: randomCase(12, 2, 5, 4, 1).x, shape: [2, 5, 4] };
    const backwards = simpleRnnBackward(inputsOf(p, dims, true), { dOutput }, { returnSequences: true, goBackwards: true });
    const plain = simpleRnnBackward(inputsOf({ ...p, x: reverseTime(p.x, 2, 5, 3) }, dims, true), { dOutput }, { returnSequences: true });
    expectClose(backwards.output.data, plain.output.data, EXACT, 'output');
    expectClose(backwards.dX.data, reverseTime(plain.dX.data, 2, 5, 3), EXACT, 'dX');
    expectClose(backwards.dRecurrentKernel.data, plain.dRecurrentKernel.data, EXACT, 'dRecurrentKernel');
  });
});

// Each activation × goBackwards, and across them every (returnSequences, initialState) pair.
const FD_CASES = CELL_ACTIVATIONS.flatMap((activation, a) =>
  [false, true].map((goBackwards, g) => ({ activation, goBackwards, returnSequences: (a + g) % 2 === 0, initialState: (a >> 1) % 2 === 0 })),
);

describe('reference simpleRnnBackward vs finite differences (float64)', () => {
  it.each(FD_CASES)('$activation back=$goBackwards seq=$returnSequences h0=$initialState', ({ initialState, ...options }) => {
    const dims = [2, 4, 3, 3];
    const [B, T, , U] = dims as [number, number, number, number];
    const params = randomCase(7, 2, 4, 3, 3);
    const random = rng(8);
    const dOutput = Float64Array.from({ length: options.returnSequences ? B * T * U : B * U }, () => random() * 2 - 1);
    const dh = Float64Array.from({ length: B * U }, () => random() * 2 - 1);
    const inputs = () => inputsOf(params, dims, initialState);
    const analytic = simpleRnnBackward(inputs(), { dOutput: { data: dOutput, shape: [] }, dh: { data: dh, shape: [B, U] } }, options);
    const pairs = [
      ['x', 'dX'],
      ['kernel', 'dKernel'],
      ['recurrentKernel', 'dRecurrentKernel'],
      ['bias', 'dBias'],
      ...(initialState ? ([['h0', 'dh0']] as const) : []),
    ] as const;
    expectGradients(params, analytic, pairs, () => dotLoss(simpleRnnForward(inputs(), options), dOutput, dh));
  });
});

describe('simpleRnn arguments and kernels', () => {
  const t = (shape: number[]) => ({ data: new Float32Array(shape.reduce((a, b) => a * b, 1)).fill(0.1), shape });
  const good = () => ({ x: t([2, 5, 3]), kernel: t([3, 4]), recurrentKernel: t([4, 4]), bias: t([4]) });

  it('derives the dimensions and rejects wrong shapes by name', () => {
    expect(checkSimpleRnnInputs(good()).dims).toEqual({ batch: 2, timesteps: 5, features: 3, units: 4 });
    expect(resolveSimpleRnnOptions()).toEqual({ activation: 'tanh', returnSequences: false, goBackwards: false });
    expect(() => checkSimpleRnnInputs({ ...good(), recurrentKernel: t([4, 8]) })).toThrow(
      'recurrentKernel must be [units, units] with units = 4 (from kernel) = [4, 4]; got [4, 8]',
    );
    expect(() => checkSimpleRnnInputs({ ...good(), kernel: t([2, 4]) })).toThrow('kernel must be [features, units] for x with 3 features = [3, 4]; got [2, 4]');
    expect(() => checkSimpleRnnInputs({ ...good(), bias: t([2, 4]) })).toThrow(ShapeError);
    expect(() => resolveSimpleRnnOptions({ activation: 'hardSigmoid' as never })).toThrow(/activation must be one of 'tanh', 'relu', 'sigmoid', 'linear'/);
  });

  it('bind exactly the buffers each entry point uses, and take GO_BACKWARDS as an override', () => {
    expect(simpleRnnForwardKernel.iface.bindings.map((b) => b.name)).toEqual(['params', 'xproj', 'recurrent', 'h', 'step_mask']);
    expect(simpleRnnBackwardKernel.iface.bindings.map((b) => b.name)).toEqual([
      'back_params',
      'recurrent_b',
      'saved_h',
      'dy',
      'dh_last',
      'dgates',
      'step_mask',
      'dh_carry',
    ]);
    expect(simpleRnnForwardKernel.iface.overrides).toEqual(expect.arrayContaining(['WG', 'ACTIVATION', 'GO_BACKWARDS', 'MASKED']));
  });
});
