/**
 * The float64 CPU reference of the SRU (src/reference/sruSeq.ts), checked on its own: one step by hand (both
 * skip forms), goBackwards against a time-reversed input, and every gradient of BPTT against central finite
 * differences over activations × skip form × direction × masks × recurrent dropout. Also the argument errors
 * and the kernels' bindings.
 */
import { describe, expect, it } from 'vitest';
import { ShapeError, ValueError } from '../src/errors';
import { sruBackwardKernel, sruForwardKernel } from '../src/kernels/sruSeq';
import { checkSruInputs, resolveSruOptions } from '../src/ops/sruArgs';
import { sruBackward, sruForward } from '../src/reference/sruSeq';
import { expectClose } from './support/compare';
import { dotLoss, expectGradients, reverseTime } from './support/finiteDifferences';
import { rng } from './support/random';

const EXACT = { atol: 1e-14, rtol: 1e-14 };
const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));

function randomCase(seed: number, B: number, T: number, F: number, U: number) {
  const random = rng(seed);
  const r = (n: number, s = 1) => Float64Array.from({ length: n }, () => (random() * 2 - 1) * s);
  const blocks = F === U ? 3 : 4;
  return { x: r(B * T * F), kernel: r(F * blocks * U, 0.6), recurrentWeights: r(2 * U, 0.8), bias: r(2 * U, 0.3), h0: r(B * U, 0.5), c0: r(B * U, 0.5) };
}

type Params = ReturnType<typeof randomCase>;
const inputsOf = (p: Params, [B, T, F, U]: number[], extra: { initialState?: boolean; mask?: number[]; keep?: number[] } = {}) => ({
  x: { data: p.x, shape: [B!, T!, F!] },
  kernel: { data: p.kernel, shape: [F!, p.kernel.length / F!] },
  recurrentWeights: { data: p.recurrentWeights, shape: [2, U!] },
  bias: { data: p.bias, shape: [2, U!] },
  ...(extra.initialState
    ? {
        initialState: [
          { data: p.h0, shape: [B!, U!] },
          { data: p.c0, shape: [B!, U!] },
        ] as const,
      }
    : {}),
  ...(extra.mask ? { mask: { data: extra.mask, shape: [B!, T!] } } : {}),
  ...(extra.keep ? { recurrentDropoutMask: { data: extra.keep, shape: [B!, U!] } } : {}),
});

describe('reference sruSeq', () => {
  it('computes one step as the paper writes it, with x as the skip when features = units', () => {
    // features 2 = units 2: kernel [2, 6], blocks W, W_f, W_r.
    const x = [0.5, -1];
    const W = [0.1, 0.2, -0.3, 0.4, 0.5, -0.6, 0.7, 0.8, -0.9, 0.15, 0.25, -0.35];
    const [v, b, c0] = [
      [0.3, -0.2, 0.1, 0.4],
      [0.05, -0.1, 0.2, 0.0],
      [0.4, -0.7],
    ];
    const col = (g: number, j: number) => x[0]! * W[g * 2 + j]! + x[1]! * W[6 + g * 2 + j]!;
    const expected = [0, 1].map((j) => {
      const f = sigmoid(col(1, j) + v[j]! * c0[j]! + b[j]!);
      const r = sigmoid(col(2, j) + v[2 + j]! * c0[j]! + b[2 + j]!);
      const c = f * c0[j]! + (1 - f) * col(0, j);
      return { h: r * Math.tanh(c) + (1 - r) * x[j]!, c };
    });
    const out = sruForward(
      {
        x: { data: x, shape: [1, 1, 2] },
        kernel: { data: W, shape: [2, 6] },
        recurrentWeights: { data: v, shape: [2, 2] },
        bias: { data: b, shape: [2, 2] },
        initialState: [
          { data: [0, 0], shape: [1, 2] },
          { data: c0, shape: [1, 2] },
        ],
      },
      { activation: 'tanh' },
    );
    expectClose(
      out.h.data,
      expected.map((e) => e.h),
      EXACT,
      'h',
    );
    expectClose(
      out.c.data,
      expected.map((e) => e.c),
      EXACT,
      'c',
    );
  });

  it('goBackwards equals the forward layer on time-reversed x, outputs in processing order', () => {
    const dims = [2, 5, 3, 4];
    const p = randomCase(11, 2, 5, 3, 4);
    const dOutput = { data: randomCase(12, 2, 5, 4, 1).x, shape: [2, 5, 4] };
    const backwards = sruBackward(inputsOf(p, dims, { initialState: true }), { dOutput }, { returnSequences: true, goBackwards: true });
    const plain = sruBackward(inputsOf({ ...p, x: reverseTime(p.x, 2, 5, 3) }, dims, { initialState: true }), { dOutput }, { returnSequences: true });
    expectClose(backwards.output.data, plain.output.data, EXACT, 'output');
    expectClose(backwards.dX.data, reverseTime(plain.dX.data, 2, 5, 3), EXACT, 'dX');
    expectClose(backwards.dRecurrentWeights.data, plain.dRecurrentWeights.data, EXACT, 'dRecurrentWeights');
  });

  it('a masked step keeps h and c, so its output repeats the one before', () => {
    const dims = [2, 4, 3, 3];
    const p = randomCase(5, 2, 4, 3, 3);
    const out = sruForward(inputsOf(p, dims, { mask: [1, 0, 1, 1, 1, 1, 1, 0] }), { returnSequences: true });
    const row = (b: number, t: number) => Array.from(out.output.data.subarray((b * 4 + t) * 3, (b * 4 + t + 1) * 3));
    expect(row(0, 1)).toEqual(row(0, 0));
    expect(Array.from(out.h.data.subarray(3, 6))).toEqual(row(1, 2));
  });
});

// Activations × skip form × direction, across them sequences, initial states, a mask and recurrent dropout.
const FD_CASES = (['linear', 'tanh', 'relu', 'sigmoid'] as const).flatMap((activation, a) =>
  [3, 4].flatMap((F) =>
    [false, true].map((goBackwards, g) => ({
      activation,
      F,
      goBackwards,
      returnSequences: (a + g) % 2 === 0,
      initialState: (a + F) % 2 === 0,
      masked: (a + g + F) % 3 === 0,
      dropout: (a + g) % 3 === 1,
    })),
  ),
);

describe('reference sruBackward vs finite differences (float64)', () => {
  it.each(FD_CASES)('$activation F=$F back=$goBackwards seq=$returnSequences state0=$initialState mask=$masked drop=$dropout', (c) => {
    const [B, T, F, U] = [2, 4, c.F, 3];
    const dims = [B, T, F, U];
    const params = randomCase(7 + F, B, T, F, U);
    const random = rng(8);
    const options = { activation: c.activation, goBackwards: c.goBackwards, returnSequences: c.returnSequences };
    const dOutput = Float64Array.from({ length: c.returnSequences ? B * T * U : B * U }, () => random() * 2 - 1);
    const dh = Float64Array.from({ length: B * U }, () => random() * 2 - 1);
    const dc = Float64Array.from({ length: B * U }, () => random() * 2 - 1);
    const extra = {
      initialState: c.initialState,
      ...(c.masked ? { mask: [1, 0, 1, 1, 0, 1, 1, 0] } : {}),
      ...(c.dropout ? { keep: [2, 0, 2, 2, 2, 0] } : {}),
    };
    const inputs = () => inputsOf(params, dims, extra);
    const grads = { dOutput: { data: dOutput, shape: [] }, dh: { data: dh, shape: [B, U] }, dc: { data: dc, shape: [B, U] } };
    const analytic = sruBackward(inputs(), grads, options);
    const pairs = [
      ['x', 'dX'],
      ['kernel', 'dKernel'],
      ['recurrentWeights', 'dRecurrentWeights'],
      ['bias', 'dBias'],
      ...(c.initialState
        ? ([
            ['h0', 'dh0'],
            ['c0', 'dc0'],
          ] as const)
        : []),
    ] as const;
    expectGradients(params, analytic, pairs, () => {
      const out = sruForward(inputs(), options);
      return dotLoss(out, dOutput, dh) + out.c.data.reduce((s, v, i) => s + v * dc[i]!, 0);
    });
  });
});

describe('sru arguments and kernels', () => {
  const t = (shape: number[]) => ({ data: new Float32Array(shape.reduce((a, b) => a * b, 1)).fill(0.1), shape });
  const good = () => ({ x: t([2, 5, 3]), kernel: t([3, 16]), recurrentWeights: t([2, 4]), bias: t([2, 4]) });

  it('derives the units from recurrentWeights and the kernel blocks from features vs units', () => {
    expect(checkSruInputs(good()).dims).toEqual({ batch: 2, timesteps: 5, features: 3, units: 4 });
    // features 4 = units 4 would take 3 blocks; [4, 12] with units 3 takes 4.
    expect(checkSruInputs({ ...good(), x: t([2, 5, 4]), kernel: t([4, 12]), recurrentWeights: t([2, 4]) }).dims.units).toBe(4);
    expect(checkSruInputs({ ...good(), x: t([2, 5, 4]), kernel: t([4, 12]), recurrentWeights: t([2, 3]), bias: t([2, 3]) }).dims.units).toBe(3);
    expect(resolveSruOptions()).toEqual({ activation: 'linear', returnSequences: false, goBackwards: false });
  });

  it('names the wrong shapes', () => {
    expect(() => checkSruInputs({ ...good(), kernel: t([3, 12]) })).toThrow(
      'kernel must be [features, 4·units] (features 3 ≠ units 4: blocks W, W_f, W_r, W_h) = [3, 16]; got [3, 12]',
    );
    expect(() => checkSruInputs({ ...good(), x: t([2, 5, 4]), kernel: t([4, 16]) })).toThrow(/kernel must be \[features, 3·units\] \(features = units/);
    expect(() => checkSruInputs({ ...good(), recurrentWeights: t([4, 4]) })).toThrow('recurrentWeights must be [2, units] (v_f; v_r); got [4, 4]');
    expect(() => checkSruInputs({ ...good(), bias: t([8]) })).toThrow(ShapeError);
    expect(() => checkSruInputs({ ...good(), initialState: [t([2, 4])] } as never)).toThrow(ValueError);
    expect(() => resolveSruOptions({ activation: 'hardSigmoid' as never })).toThrow(/activation must be one of/);
  });

  it('bind exactly the buffers each entry point uses', () => {
    expect(sruForwardKernel.iface.bindings.map((b) => b.name)).toEqual(['params', 'xproj', 'x', 'weights', 'h', 'c', 'step_mask']);
    expect(sruBackwardKernel.iface.bindings.map((b) => b.name)).toEqual([
      'back_params',
      'xproj',
      'x',
      'weights',
      'saved_c',
      'dy',
      'dproj',
      'd_small',
      'step_mask',
    ]);
    expect(sruForwardKernel.iface.overrides).toEqual(
      expect.arrayContaining(['WG', 'ACTIVATION', 'GO_BACKWARDS', 'MASKED', 'RECURRENT_DROPOUT', 'SKIP_IDENTITY', 'SINGLE_FEATURE']),
    );
  });
});
