/**
 * Recurrent dropout without a GPU: the keep twin (src/reference/recurrentDropout.ts) statistically and exactly,
 * the cells' twins with a keep against central finite differences (masked and not, both directions), a keep of
 * ones as no keep, the functional argument's checks, and which kernels a pass with it runs. The GPU tests
 * (recurrentDropout.gpu.test.ts) then trust these twins.
 */
import { describe, expect, it } from 'vitest';
import { gruCell } from '../src/cells/gru';
import { lstmCell } from '../src/cells/lstm';
import { ShapeError } from '../src/errors';
import { recurrentKeepLayout } from '../src/kernels/recurrentDropout';
import { checkLstmInputs } from '../src/ops/lstmArgs';
import { checkSimpleRnnInputs } from '../src/ops/simpleRnnArgs';
import { gruBackward, gruForward } from '../src/reference/gruStep';
import { lstmBackward, lstmForward } from '../src/reference/lstmStep';
import { recurrentKeep } from '../src/reference/recurrentDropout';
import { simpleRnnBackward, simpleRnnForward } from '../src/reference/simpleRnnStep';
import { dotLoss, expectGradients } from './support/finiteDifferences';
import { randomCellParams, stepMask } from './support/maskCases';
import { rng } from './support/random';

describe('the keep twin', () => {
  it.each([0.1, 0.3, 0.7])('rate %s: zeros within binomial bounds, the mean kept, only 0 or 1/(1 − rate)', (rate) => {
    const dims = { batch: 64, units: 96 };
    const n = dims.batch * dims.units;
    const keep = recurrentKeep(dims, rate, 1234, 0);
    const zeros = keep.filter((v) => v === 0).length;
    const sd = Math.sqrt(n * rate * (1 - rate));
    expect(Math.abs(zeros - n * rate)).toBeLessThan(4 * sd);
    expect(keep.every((v) => v === 0 || v === 1 / (1 - rate))).toBe(true);
    const mean = keep.reduce((s, v) => s + v, 0) / n;
    // The mean of n draws of (0 or 1/(1 − rate)) has standard deviation √(rate/(1 − rate)/n).
    expect(Math.abs(mean - 1)).toBeLessThan(4 * Math.sqrt(rate / (1 - rate) / n));
  });

  it('the same (seed, step) draws the same keep; another step or seed another one', () => {
    const dims = { batch: 8, units: 16 };
    expect(recurrentKeep(dims, 0.5, 7, 3)).toEqual(recurrentKeep(dims, 0.5, 7, 3));
    expect(recurrentKeep(dims, 0.5, 7, 4)).not.toEqual(recurrentKeep(dims, 0.5, 7, 3));
    expect(recurrentKeep(dims, 0.5, 8, 3)).not.toEqual(recurrentKeep(dims, 0.5, 7, 3));
  });

  it('sits behind the step mask at a binding-aligned offset', () => {
    expect(recurrentKeepLayout({ batch: 3, timesteps: 5, units: 4 })).toEqual({ keepOffset: 0, floats: 12 });
    expect(recurrentKeepLayout({ batch: 3, timesteps: 5, units: 4, masked: true })).toEqual({ keepOffset: 64, floats: 76 });
    expect(recurrentKeepLayout({ batch: 8, timesteps: 8, units: 2, masked: true })).toEqual({ keepOffset: 64, floats: 80 });
  });
});

const [B, T, F, U] = [4, 5, 2, 3];
const KEEP = recurrentKeep({ batch: B, units: U }, 0.4, 99, 0);
const MASK = Float64Array.from(stepMask(B, T, 12));

function params(seed: number, gates: number, biasRows: number) {
  return randomCellParams({ batch: B, timesteps: T, features: F, units: U }, seed, gates, biasRows);
}
type Params = ReturnType<typeof params>;

function inputs(p: Params, gates: number, biasShape: number[], lstm: boolean, masked: boolean, keep: Float64Array | null = KEEP) {
  return {
    x: { data: p.x, shape: [B, T, F] },
    kernel: { data: p.kernel, shape: [F, gates * U] },
    recurrentKernel: { data: p.recurrentKernel, shape: [U, gates * U] },
    bias: { data: p.bias, shape: biasShape },
    initialState: lstm
      ? [
          { data: p.h0, shape: [B, U] },
          { data: p.c0, shape: [B, U] },
        ]
      : [{ data: p.h0, shape: [B, U] }],
    ...(keep ? { recurrentDropoutMask: { data: keep, shape: [B, U] } } : {}),
    ...(masked ? { mask: { data: MASK, shape: [B, T] } } : {}),
  } as never;
}

const PAIRS = [
  ['x', 'dX'],
  ['kernel', 'dKernel'],
  ['recurrentKernel', 'dRecurrentKernel'],
  ['bias', 'dBias'],
  ['h0', 'dh0'],
] as const;

const CASES = [
  { goBackwards: false, returnSequences: true, masked: false },
  { goBackwards: true, returnSequences: false, masked: true },
  { goBackwards: false, returnSequences: false, masked: true },
];

function grads(seed: number, returnSequences: boolean) {
  const random = rng(seed);
  const r = (n: number) => Float64Array.from({ length: n }, () => random() * 2 - 1);
  return { dOutput: r(returnSequences ? B * T * U : B * U), dh: r(B * U), dc: r(B * U) };
}

describe('the twins with a keep vs finite differences (float64)', () => {
  it.each(CASES)('lstm back=$goBackwards seq=$returnSequences masked=$masked', ({ masked, ...options }) => {
    const p = params(51, 4, 1);
    const g = grads(52, options.returnSequences);
    const gradArgs = { dOutput: { data: g.dOutput, shape: [] }, dh: { data: g.dh, shape: [B, U] }, dc: { data: g.dc, shape: [B, U] } };
    const analytic = lstmBackward(inputs(p, 4, [4 * U], true, masked), gradArgs, options);
    const loss = () => {
      const out = lstmForward(inputs(p, 4, [4 * U], true, masked), options);
      return dotLoss(out, g.dOutput, g.dh) + out.c.data.reduce((s, v, i) => s + v * g.dc[i]!, 0);
    };
    expectGradients(p, analytic, [...PAIRS, ['c0', 'dc0']], loss);
  });

  it.each([true, false].flatMap((resetAfter) => CASES.map((c) => ({ ...c, resetAfter }))))(
    'gru back=$goBackwards seq=$returnSequences masked=$masked resetAfter=$resetAfter',
    ({ masked, ...options }) => {
      const p = params(53, 3, options.resetAfter ? 2 : 1);
      const g = grads(54, options.returnSequences);
      const biasShape = options.resetAfter ? [2, 3 * U] : [3 * U];
      const analytic = gruBackward(
        inputs(p, 3, biasShape, false, masked),
        { dOutput: { data: g.dOutput, shape: [] }, dh: { data: g.dh, shape: [B, U] } } as never,
        options,
      );
      expectGradients(p, analytic, PAIRS, () => dotLoss(gruForward(inputs(p, 3, biasShape, false, masked), options), g.dOutput, g.dh));
    },
  );

  it.each(CASES)('simpleRnn back=$goBackwards seq=$returnSequences masked=$masked', ({ masked, ...options }) => {
    const p = params(55, 1, 1);
    const g = grads(56, options.returnSequences);
    const analytic = simpleRnnBackward(
      inputs(p, 1, [U], false, masked),
      { dOutput: { data: g.dOutput, shape: [] }, dh: { data: g.dh, shape: [B, U] } } as never,
      options,
    );
    expectGradients(p, analytic, PAIRS, () => dotLoss(simpleRnnForward(inputs(p, 1, [U], false, masked), options), g.dOutput, g.dh));
  });

  it('a keep of ones is no keep, and a keep with zeros changes the outputs', () => {
    const p = params(57, 3, 2);
    const ones = new Float64Array(B * U).fill(1);
    const options = { returnSequences: true, resetAfter: true };
    expect(gruForward(inputs(p, 3, [2, 3 * U], false, false, ones), options).output.data).toEqual(
      gruForward(inputs(p, 3, [2, 3 * U], false, false, null), options).output.data,
    );
    expect(gruForward(inputs(p, 3, [2, 3 * U], false, false), options).output.data).not.toEqual(
      gruForward(inputs(p, 3, [2, 3 * U], false, false, null), options).output.data,
    );
  });
});

describe('recurrentDropoutMask, the functional argument', () => {
  const base = {
    x: { data: new Float32Array(2 * 3 * 2), shape: [2, 3, 2] },
    recurrentKernel: { data: new Float32Array(4 * 4), shape: [4, 4] },
    bias: { data: new Float32Array(4), shape: [4] },
  };

  it('must be [batch, units]: a ShapeError says so and names what came', () => {
    const simple = { ...base, kernel: { data: new Float32Array(2 * 4), shape: [2, 4] } };
    expect(checkSimpleRnnInputs({ ...simple, recurrentDropoutMask: { data: new Float32Array(8), shape: [2, 4] } }).recurrentDropoutMask?.shape).toEqual([2, 4]);
    expect(() => checkSimpleRnnInputs({ ...simple, recurrentDropoutMask: { data: new Float32Array(4), shape: [4] } })).toThrow(ShapeError);
    expect(() => checkSimpleRnnInputs({ ...simple, recurrentDropoutMask: { data: new Float32Array(6), shape: [2, 3] } })).toThrow(
      /recurrentDropoutMask.*\[batch, units\].*got \[2, 3\]/,
    );
    const lstm = {
      ...base,
      kernel: { data: new Float32Array(2 * 16), shape: [2, 16] },
      recurrentKernel: { data: new Float32Array(4 * 16), shape: [4, 16] },
      bias: { data: new Float32Array(16), shape: [16] },
    };
    expect(() => checkLstmInputs({ ...lstm, recurrentDropoutMask: { data: new Float32Array(3), shape: [3, 1] } })).toThrow(/recurrentDropoutMask/);
  });

  it('a pass with it runs the measured default kernels (every variant reads keep) or the one pinned', () => {
    const dims = { batch: 32, timesteps: 60, features: 1, units: 50, recurrentDropout: true };
    const context = { kernels: {}, adapter: { isFallback: true } };
    const lstm = { activation: 'tanh', recurrentActivation: 'sigmoid', goBackwards: false } as const;
    expect(lstmCell.variant(dims, lstm, context)).toBe(lstmCell.variant({ ...dims, recurrentDropout: false }, lstm, context));
    expect(lstmCell.variant(dims, { ...lstm, variant: 'seq' }, context)).toBe('seq');
    expect(gruCell.variant(dims, { ...lstm, resetAfter: true }, context)).toBe(
      gruCell.variant({ ...dims, recurrentDropout: false }, { ...lstm, resetAfter: true }, context),
    );
    expect(gruCell.variant(dims, { ...lstm, resetAfter: false, variant: 'step' }, context)).toBe('step');
  });
});
