/**
 * The masked float64 twins (src/reference/lstmStep.ts, gruStep.ts, simpleRnnStep.ts) checked on their own, no
 * GPU: every gradient of a masked BPTT against central finite differences of the same twin's forward pass, in
 * both directions and with an all-padding row (test/support/maskCases.ts); a masked step keeps the states bit
 * for bit, and an all-padding row's gradients are exactly the pass-through; a mask of ones is no mask. Also the
 * arguments (mask [batch, timesteps]) and the GRU's kernel choice for a masked pass. The GPU tests
 * (sequenceMask.gpu.test.ts) then trust these twins.
 */
import { describe, expect, it } from 'vitest';
import { gruCell } from '../src/cells/gru';
import { lstmCell } from '../src/cells/lstm';
import { ShapeError } from '../src/errors';
import { checkGruInputs } from '../src/ops/gruArgs';
import { checkSimpleRnnInputs } from '../src/ops/simpleRnnArgs';
import { gruBackward, gruForward } from '../src/reference/gruStep';
import { lstmBackward, lstmForward } from '../src/reference/lstmStep';
import { lossWeights, maskApply, maskFromValues } from '../src/reference/sequenceMask';
import { simpleRnnBackward, simpleRnnForward } from '../src/reference/simpleRnnStep';
import { expectClose } from './support/compare';
import { dotLoss, expectGradients, reverseTime } from './support/finiteDifferences';
import { randomCellParams, stepMask } from './support/maskCases';
import { rng } from './support/random';

const EXACT = { atol: 1e-14, rtol: 1e-14 };
// Row 3 of stepMask is all padding, so a batch of 5 has every kind of row: padded at the end, at the start, in
// holes, entirely, and a random one.
const [B, T, F, U] = [5, 5, 2, 3];
const MASK = Float64Array.from(stepMask(B, T, 31));
const runs = (b: number, t: number) => MASK[b * T + t] !== 0;

function randomCase(seed: number, gates: number, biasRows: number) {
  return randomCellParams({ batch: B, timesteps: T, features: F, units: U }, seed, gates, biasRows);
}
type Params = ReturnType<typeof randomCase>;

/** The twins' arguments for a cell with `gates` weight blocks per unit and `states` states (LSTM: h, c). */
function inputsOf(p: Params, gates: number, biasShape: number[], states: 1 | 2, initialState: boolean, mask: Float64Array | null = MASK) {
  const init =
    states === 2
      ? [
          { data: p.h0, shape: [B, U] },
          { data: p.c0, shape: [B, U] },
        ]
      : [{ data: p.h0, shape: [B, U] }];
  return {
    x: { data: p.x, shape: [B, T, F] },
    kernel: { data: p.kernel, shape: [F, gates * U] },
    recurrentKernel: { data: p.recurrentKernel, shape: [U, gates * U] },
    bias: { data: p.bias, shape: biasShape },
    ...(mask ? { mask: { data: mask, shape: [B, T] } } : {}),
    ...(initialState ? { initialState: init } : {}),
  };
}
const lstmInputs = (p: Params, initialState: boolean, mask?: Float64Array | null) =>
  inputsOf(p, 4, [4 * U], 2, initialState, mask) as Parameters<typeof lstmForward>[0];
const gruInputs = (p: Params, resetAfter: boolean, initialState: boolean, mask?: Float64Array | null) =>
  inputsOf(p, 3, resetAfter ? [2, 3 * U] : [3 * U], 1, initialState, mask) as Parameters<typeof gruForward>[0];
const simpleRnnInputs = (p: Params, initialState: boolean, mask?: Float64Array | null) =>
  inputsOf(p, 1, [U], 1, initialState, mask) as Parameters<typeof simpleRnnForward>[0];

function outputGrads(seed: number, returnSequences: boolean) {
  const random = rng(seed);
  const r = (n: number) => Float64Array.from({ length: n }, () => random() * 2 - 1);
  return { dOutput: r(returnSequences ? B * T * U : B * U), dh: r(B * U), dc: r(B * U) };
}

const PAIRS = [
  ['x', 'dX'],
  ['kernel', 'dKernel'],
  ['recurrentKernel', 'dRecurrentKernel'],
  ['bias', 'dBias'],
] as const;

// Each direction with and without returned sequences and initial states; the activations vary across them.
const DIRECTIONS = [
  { goBackwards: false, returnSequences: true, initialState: true },
  { goBackwards: false, returnSequences: false, initialState: false },
  { goBackwards: true, returnSequences: true, initialState: false },
  { goBackwards: true, returnSequences: false, initialState: true },
];
const label = '$activation back=$goBackwards seq=$returnSequences h0=$initialState';

describe('masked twins vs finite differences (float64)', () => {
  const lstmCases = DIRECTIONS.map((d, i) => ({ ...d, activation: (['tanh', 'relu', 'sigmoid', 'tanh'] as const)[i]! }));
  it.each(lstmCases)(`lstm ${label}`, ({ initialState, ...options }) => {
    const params = randomCase(41, 4, 1);
    const g = outputGrads(42, options.returnSequences);
    const recurrentActivation = options.goBackwards ? ('hardSigmoid' as const) : ('sigmoid' as const);
    const opts = { ...options, recurrentActivation };
    const grads = { dOutput: { data: g.dOutput, shape: [] }, dh: { data: g.dh, shape: [B, U] }, dc: { data: g.dc, shape: [B, U] } };
    const analytic = lstmBackward(lstmInputs(params, initialState), grads, opts);
    const loss = () => {
      const out = lstmForward(lstmInputs(params, initialState), opts);
      return dotLoss(out, g.dOutput, g.dh) + out.c.data.reduce((s, v, i) => s + v * g.dc[i]!, 0);
    };
    const states = initialState
      ? ([
          ['h0', 'dh0'],
          ['c0', 'dc0'],
        ] as const)
      : [];
    expectGradients(params, analytic, [...PAIRS, ...states], loss);
  });

  const gruCases = [true, false].flatMap((resetAfter) =>
    DIRECTIONS.map((d, i) => ({ ...d, resetAfter, activation: (['tanh', 'relu', 'linear', 'sigmoid'] as const)[i]! })),
  );
  it.each(gruCases)(`gru ${label} resetAfter=$resetAfter`, ({ initialState, ...options }) => {
    const params = randomCase(43, 3, options.resetAfter ? 2 : 1);
    const g = outputGrads(44, options.returnSequences);
    const inputs = () => gruInputs(params, options.resetAfter, initialState);
    const analytic = gruBackward(inputs(), { dOutput: { data: g.dOutput, shape: [] }, dh: { data: g.dh, shape: [B, U] } }, options);
    const states = initialState ? ([['h0', 'dh0']] as const) : [];
    expectGradients(params, analytic, [...PAIRS, ...states], () => dotLoss(gruForward(inputs(), options), g.dOutput, g.dh));
  });

  const simpleRnnCases = DIRECTIONS.map((d, i) => ({ ...d, activation: (['tanh', 'relu', 'sigmoid', 'linear'] as const)[i]! }));
  it.each(simpleRnnCases)(`simpleRnn ${label}`, ({ initialState, ...options }) => {
    const params = randomCase(45, 1, 1);
    const g = outputGrads(46, options.returnSequences);
    const inputs = () => simpleRnnInputs(params, initialState);
    const analytic = simpleRnnBackward(inputs(), { dOutput: { data: g.dOutput, shape: [] }, dh: { data: g.dh, shape: [B, U] } }, options);
    const states = initialState ? ([['h0', 'dh0']] as const) : [];
    expectGradients(params, analytic, [...PAIRS, ...states], () => dotLoss(simpleRnnForward(inputs(), options), g.dOutput, g.dh));
  });
});

/** Each twin with every state and returned sequences, over its own seeded weights. */
interface Twin {
  name: string;
  params: () => Params;
  backward(
    p: Params,
    mask: Float64Array | null,
    goBackwards: boolean,
  ): ReturnType<typeof gruBackward> & { c?: { data: Float64Array }; dc0?: { data: Float64Array } };
}
const G = outputGrads(50, true);
const dOutput = { data: G.dOutput, shape: [B, T, U] };
const dh = { data: G.dh, shape: [B, U] };
const TWINS: Twin[] = [
  {
    name: 'lstm',
    params: () => randomCase(51, 4, 1),
    backward: (p, mask, goBackwards) =>
      lstmBackward(lstmInputs(p, true, mask), { dOutput, dh, dc: { data: G.dc, shape: [B, U] } }, { returnSequences: true, goBackwards }),
  },
  ...[true, false].map((resetAfter): Twin => ({
    name: `gru resetAfter=${resetAfter}`,
    params: () => randomCase(53, 3, resetAfter ? 2 : 1),
    backward: (p, mask, goBackwards) => gruBackward(gruInputs(p, resetAfter, true, mask), { dOutput, dh }, { returnSequences: true, goBackwards, resetAfter }),
  })),
  {
    name: 'simpleRnn',
    params: () => randomCase(55, 1, 1),
    backward: (p, mask, goBackwards) => simpleRnnBackward(simpleRnnInputs(p, true, mask), { dOutput, dh }, { returnSequences: true, goBackwards }),
  },
];
const row = (data: Float64Array, b: number) => Array.from(data.subarray(b * U, (b + 1) * U));
const BY_NAME = TWINS.map((twin) => [twin.name, twin] as const);
const BY_DIRECTION = TWINS.flatMap((twin) => [false, true].map((goBackwards) => [`${twin.name}${goBackwards ? ' back' : ''}`, twin, goBackwards] as const));

describe('masked twins', () => {
  it.each(BY_DIRECTION)('%s: a masked step keeps the states bit for bit, so its output is the carried h', (_name, twin, goBackwards) => {
    const p = twin.params();
    const out = twin.backward(p, MASK, goBackwards);
    // Outputs come in processing order: step s reads x at time T−1−s going backwards.
    const time = (s: number) => (goBackwards ? T - 1 - s : s);
    const at = (b: number, s: number) => Array.from(out.output.data.subarray((b * T + s) * U, (b * T + s + 1) * U));
    let skipped = 0;
    for (let b = 0; b < B; b++) {
      for (let s = 0; s < T; s++) {
        if (runs(b, time(s))) continue;
        skipped++;
        expect(at(b, s), `row ${b} step ${s}`).toEqual(s === 0 ? row(p.h0, b) : at(b, s - 1));
      }
    }
    expect(skipped, 'the mask skips steps of several rows').toBeGreaterThan(T + 2);
    // Row 3 is all padding: its final states are its initial ones (c too).
    expect(row(out.h.data, 3)).toEqual(row(p.h0, 3));
    if (out.c) expect(row(out.c.data, 3)).toEqual(row(p.c0, 3));
  });

  it.each(BY_DIRECTION)('%s: an all-padding row passes its gradients through whole, and none reach its x', (_name, twin, goBackwards) => {
    const out = twin.backward(twin.params(), MASK, goBackwards);
    // dh_0 = dh_T + every step's dOutput (each of its outputs is h_0); dc_0 = dc_T.
    const expected = row(G.dh, 3).map((v, j) => {
      let sum = v;
      for (let s = 0; s < T; s++) sum += G.dOutput[(3 * T + s) * U + j]!;
      return sum;
    });
    expectClose(row(out.dh0.data, 3), expected, EXACT, 'dh0 of the padded row');
    if (out.dc0) expect(row(out.dc0.data, 3)).toEqual(row(G.dc, 3));
    expect(Array.from(out.dX.data.subarray(3 * T * F, 4 * T * F)).every((v) => v === 0)).toBe(true);
  });

  it.each(BY_NAME)('%s: a mask of ones is no mask, bit for bit', (_name, twin) => {
    const p = twin.params();
    const ones = twin.backward(p, new Float64Array(B * T).fill(1), false);
    const none = twin.backward(p, null, false);
    for (const key of ['output', 'h', 'dX', 'dKernel', 'dRecurrentKernel', 'dBias', 'dh0'] as const) {
      expect(Array.from(ones[key].data), key).toEqual(Array.from(none[key].data));
    }
  });

  it.each(BY_NAME)('%s: goBackwards equals the forward pass on time-reversed x and mask', (_name, twin) => {
    const p = twin.params();
    const backwards = twin.backward(p, MASK, true);
    const forward = twin.backward({ ...p, x: reverseTime(p.x, B, T, F) }, reverseTime(MASK, B, T, 1), false);
    for (const key of ['output', 'h', 'dKernel', 'dRecurrentKernel', 'dBias', 'dh0'] as const) {
      expectClose(backwards[key].data, forward[key].data, EXACT, key);
    }
    expectClose(backwards.dX.data, reverseTime(forward.dX.data, B, T, F), EXACT, 'dX');
  });
});

describe('mask arguments', () => {
  const t = (shape: number[]) => ({ data: new Float32Array(shape.reduce((a, b) => a * b, 1)).fill(0.1), shape });
  const gru = () => ({ x: t([2, 5, 3]), kernel: t([3, 6]), recurrentKernel: t([2, 6]), bias: t([2, 6]) });
  const simpleRnn = () => ({ x: t([2, 5, 3]), kernel: t([3, 4]), recurrentKernel: t([4, 4]), bias: t([4]) });

  it('takes mask [batch, timesteps] (booleans as 1 and 0) and names a wrong shape', () => {
    expect(checkGruInputs(gru(), true).mask).toBeNull();
    expect(
      Array.from(
        checkGruInputs(
          {
            ...gru(),
            mask: [
              [true, false, true, true, false],
              [false, false, true, true, true],
            ] as never,
          },
          true,
        ).mask!.data,
      ),
    ).toEqual([1, 0, 1, 1, 0, 0, 0, 1, 1, 1]);
    expect(() => checkGruInputs({ ...gru(), mask: t([5, 2]) }, true)).toThrow(ShapeError);
    expect(() => checkGruInputs({ ...gru(), mask: t([5, 2]) }, true)).toThrow(/mask must be \[batch, timesteps\]/);
    expect(checkSimpleRnnInputs({ ...simpleRnn(), mask: t([2, 5]) }).mask!.shape).toEqual([2, 5]);
    expect(() => checkSimpleRnnInputs({ ...simpleRnn(), mask: t([2, 5, 1]) })).toThrow(/mask must be \[batch, timesteps\]/);
  });

  it('a mask changes no variant choice: every GRU and LSTM variant reads it', () => {
    const dims = { batch: 32, timesteps: 60, features: 1, units: 50 };
    const context = { kernels: {}, adapter: { isFallback: true } };
    const options = { activation: 'tanh' as const, recurrentActivation: 'sigmoid' as const, resetAfter: false, goBackwards: false };
    expect(gruCell.variant({ ...dims, masked: true }, options, context)).toBe(gruCell.variant(dims, options, context));
    expect(gruCell.variant({ ...dims, masked: true }, { ...options, variant: 'vec4' }, context)).toBe('vec4');
    expect(lstmCell.variant({ ...dims, masked: true }, { ...options, goBackwards: false }, context)).toBe(lstmCell.variant(dims, { ...options }, context));
  });

  it('the twins: the mask from values, its application, and Keras’s loss weights', () => {
    const x = [0, 0, 1, 0, 0, 0, 5, 5];
    const mask = maskFromValues(x, 4, 2, 0);
    expect(Array.from(mask)).toEqual([0, 1, 0, 1]);
    expect(Array.from(maskApply([1, 2, 3, 4, 5, 6, 7, 8], mask, 2))).toEqual([0, 0, 3, 4, 0, 0, 7, 8]);
    expect(Array.from(lossWeights(mask))).toEqual([0, 2, 0, 2]);
    expect(Array.from(lossWeights([0, 0]))).toEqual([0, 0]);
  });
});
