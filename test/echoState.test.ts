/**
 * The echo-state network's CPU side: the float64 reservoir twin (src/reference/echoState.ts) against finite
 * differences and against the SimpleRNN at leak 1; the ridge solve against the normal equations; and the layer's named errors and its saved config.
 */
import { describe, expect, it } from 'vitest';
import { ValueError } from '../src/errors';
import { EchoState, layers } from '../src/layers/index';
import { initialize, seededRandom } from '../src/layers/initializers';
import { checkEchoStateInputs } from '../src/ops/echoStateArgs';
import { echoStateBackward, echoStateForward } from '../src/reference/echoState';
import { ridgeFromRows } from '../src/reference/ridge';
import { simpleRnnForward } from '../src/reference/simpleRnnStep';
import { spectralRadius } from '../src/reference/spectralRadius';
import { layersFromTopology, sequentialTopology } from '../src/model/kerasLayers';
import { expectClose } from './support/compare';
import { dotLoss, expectGradients } from './support/finiteDifferences';
import { rng } from './support/random';

const EXACT = { atol: 1e-14, rtol: 1e-14 };

function randomCase(seed: number, B: number, T: number, F: number, U: number) {
  const random = rng(seed);
  const r = (n: number, s = 1) => Float64Array.from({ length: n }, () => (random() * 2 - 1) * s);
  return { x: r(B * T * F), inputKernel: r(F * U, 0.8), reservoir: r(U * U, 0.5), bias: r(U, 0.3), h0: r(B * U, 0.5) };
}
type Params = ReturnType<typeof randomCase>;
const inputsOf = (p: Params, [B, T, F, U]: number[], h0: boolean, mask?: number[]) => ({
  x: { data: p.x, shape: [B!, T!, F!] },
  inputKernel: { data: p.inputKernel, shape: [F!, U!] },
  reservoir: { data: p.reservoir, shape: [U!, U!] },
  bias: { data: p.bias, shape: [U!] },
  ...(h0 ? { initialState: [{ data: p.h0, shape: [B!, U!] }] as const } : {}),
  ...(mask ? { mask: { data: mask, shape: [B!, T!] } } : {}),
});

describe('reference echoState', () => {
  it('at leak 1 is the SimpleRNN with tanh', () => {
    const dims = [2, 5, 3, 4];
    const p = randomCase(1, 2, 5, 3, 4);
    const esn = echoStateForward(inputsOf(p, dims, true), { returnSequences: true });
    const rnn = simpleRnnForward(
      {
        x: { data: p.x, shape: [2, 5, 3] },
        kernel: { data: p.inputKernel, shape: [3, 4] },
        recurrentKernel: { data: p.reservoir, shape: [4, 4] },
        bias: { data: p.bias, shape: [4] },
        initialState: [{ data: p.h0, shape: [2, 4] }],
      },
      { returnSequences: true },
    );
    expectClose(esn.output.data, rnn.output.data, EXACT, 'leak 1');
  });

  it('leaks: one step is (1 − a) h + a · tanh(x·W_in + h·W + b)', () => {
    const p = randomCase(2, 1, 1, 2, 2);
    const out = echoStateForward(inputsOf(p, [1, 1, 2, 2], true), { leakRate: 0.3 });
    const expected = [0, 1].map((j) => {
      const pre = p.bias[j]! + p.x[0]! * p.inputKernel[j]! + p.x[1]! * p.inputKernel[2 + j]! + p.h0[0]! * p.reservoir[j]! + p.h0[1]! * p.reservoir[2 + j]!;
      return 0.7 * p.h0[j]! + 0.3 * Math.tanh(pre);
    });
    expectClose(out.h.data, expected, EXACT, 'h');
  });

  const FD = [
    { leakRate: 0.3, goBackwards: false, returnSequences: true, h0: true, mask: undefined },
    { leakRate: 1, goBackwards: true, returnSequences: false, h0: true, mask: undefined },
    { leakRate: 0.6, goBackwards: true, returnSequences: true, h0: false, mask: [1, 0, 1, 1, 0, 0, 1, 1] },
    { leakRate: 0.15, goBackwards: false, returnSequences: false, h0: true, mask: [1, 1, 0, 1, 1, 1, 1, 0] },
  ];
  it.each(FD)('gradients vs finite differences: leak $leakRate back=$goBackwards seq=$returnSequences', ({ h0, mask, ...options }) => {
    const [B, T, F, U] = [2, 4, 3, 3];
    const params = randomCase(7, B, T, F, U);
    const random = rng(8);
    const dOutput = Float64Array.from({ length: options.returnSequences ? B * T * U : B * U }, () => random() * 2 - 1);
    const dh = Float64Array.from({ length: B * U }, () => random() * 2 - 1);
    const inputs = () => inputsOf(params, [B, T, F, U], h0, mask);
    const analytic = echoStateBackward(inputs(), { dOutput: { data: dOutput, shape: [] }, dh: { data: dh, shape: [B, U] } }, options);
    const pairs = [
      ['x', 'dX'],
      ['inputKernel', 'dInputKernel'],
      ['reservoir', 'dReservoir'],
      ['bias', 'dBias'],
      ...(h0 ? ([['h0', 'dh0']] as const) : []),
    ] as const;
    expectGradients(params, analytic, pairs, () => dotLoss(echoStateForward(inputs(), options), dOutput, dh));
  });

  it('names bad arguments', () => {
    const t = (shape: number[]) => ({ data: new Float32Array(shape.reduce((a, b) => a * b, 1)), shape });
    const good = { x: t([2, 3, 2]), inputKernel: t([2, 4]), reservoir: t([4, 4]), bias: t([4]) };
    expect(checkEchoStateInputs(good).dims).toEqual({ batch: 2, timesteps: 3, features: 2, units: 4 });
    expect(() => checkEchoStateInputs({ ...good, reservoir: t([4, 3]) })).toThrow('reservoir must be square, [units, units]; got [4, 3]');
    expect(() => checkEchoStateInputs({ ...good, inputKernel: t([3, 4]) })).toThrow(/inputKernel must be \[features, units\] = \[2, 4\]; got \[3, 4\]/);
  });
});

describe('reference ridge', () => {
  it('recovers a linear map exactly without noise, and shrinks the kernel (never the bias) with alpha', () => {
    const random = rng(4);
    const [rows, d, o] = [50, 3, 2];
    const x = Float64Array.from({ length: rows * d }, () => random() * 2 - 1);
    const W = [0.5, -1, 2, 0.3, -0.7, 1.5];
    const b = [0.25, -0.5];
    const y = Float64Array.from({ length: rows * o }, (_, i) => {
      const [r, k] = [Math.floor(i / o), i % o];
      return b[k]! + [0, 1, 2].reduce((s, j) => s + x[r * d + j]! * W[j * o + k]!, 0);
    });
    const exact = ridgeFromRows(x, y, rows, d, o, 0);
    expectClose(exact.kernel, W, { atol: 1e-10, rtol: 0 }, 'kernel');
    expectClose(exact.bias, b, { atol: 1e-10, rtol: 0 }, 'bias');
    expect(exact.loss).toBeLessThan(1e-12);
    const shrunk = ridgeFromRows(x, y, rows, d, o, 100);
    const norm = (v: ArrayLike<number>) => Math.hypot(...Array.from(v));
    expect(norm(shrunk.kernel)).toBeLessThan(norm(exact.kernel) / 2);
    expect(shrunk.loss).toBeGreaterThan(0.01);
    // A constant column with alpha 0 is the intercept twice: singular, named.
    const constant = Float64Array.from({ length: rows }, () => 1);
    expect(() => ridgeFromRows(constant, y, rows, 1, o, 0)).toThrow(/Gram matrix is singular/);
  });
});

describe('layers.echoState', () => {
  it('checks its options with named errors', () => {
    expect(() => layers.echoState({ units: 0 })).toThrow(ValueError);
    expect(() => layers.echoState({ units: 10, spectralRadius: 0 })).toThrow(/spectralRadius must be a number > 0; got 0/);
    expect(() => layers.echoState({ units: 10, spectralRadius: -1 })).toThrow(/spectralRadius must be a number > 0/);
    expect(() => layers.echoState({ units: 10, connectivity: 0 })).toThrow(/connectivity must be a number in \(0, 1\]; got 0/);
    expect(() => layers.echoState({ units: 10, connectivity: 1.5 })).toThrow(/connectivity must be a number in \(0, 1\]; got 1.5/);
    expect(() => layers.echoState({ units: 10, leakRate: 0 })).toThrow(/leakRate must be a number in \(0, 1\]; got 0/);
    expect(() => layers.echoState({ units: 10, biasScaling: -0.1 })).toThrow(/biasScaling must be a number ≥ 0/);
    expect(() => layers.echoState({ units: 10, seed: 1.5 })).toThrow(/seed must be an integer/);
    expect(() => layers.echoState({ units: 10, dropout: 0.1 } as never)).toThrow(/unknown option 'dropout'/);
  });

  it('has three non-trainable weights drawn from its seed, and round-trips its config as class EchoState', () => {
    const make = () =>
      layers.echoState({
        units: 30,
        spectralRadius: 1.1,
        leakRate: 0.4,
        inputScaling: 0.5,
        connectivity: 0.3,
        biasScaling: 0.2,
        seed: 9,
        returnSequences: true,
        inputShape: [5, 2],
      });
    const esn = make();
    esn.build([5, 2]);
    const specs = esn.paramSpecs([5, 2]);
    expect(specs.map((s) => [s.name, s.shape, s.trainable])).toEqual([
      ['input_kernel', [2, 30], false],
      ['reservoir', [30, 30], false],
      ['bias', [30], false],
    ]);
    const draw = (l: EchoState) => l.paramSpecs([5, 2]).map((s) => initialize(s.init, s.shape, seededRandom(Math.random() * 1e9)));
    const [a, b] = [draw(esn), draw(make())];
    a.forEach((w, i) => expect(w).toEqual(b[i]));
    expect(Math.max(...a[0]!.map(Math.abs))).toBeLessThanOrEqual(0.5);
    expect(Math.max(...a[2]!.map(Math.abs))).toBeLessThanOrEqual(0.2);
    expect(spectralRadius(a[1]!, 30)).toBeCloseTo(1.1, 2);
    const topology = sequentialTopology('e', [esn]);
    const config = (topology.config as { layers: { class_name: string; config: Record<string, unknown> }[] }).layers[0]!;
    expect(config.class_name).toBe('EchoState');
    expect(config.config).toMatchObject({
      trainable: false,
      units: 30,
      spectral_radius: 1.1,
      leak_rate: 0.4,
      connectivity: 0.3,
      seed: 9,
      return_sequences: true,
    });
    const read = layersFromTopology(topology, 'e.json').layers[0] as EchoState;
    expect([read.className, read.leakRate, read.spectralRadiusTarget, read.seed, read.inputScaling, read.biasScaling]).toEqual([
      'EchoState',
      0.4,
      1.1,
      9,
      0.5,
      0.2,
    ]);
    // The input beside the states by default ([T, 2 + 30]); a config saved before includeInput existed has no
    // include_input and output the states alone.
    expect(config.config.include_input).toBe(true);
    expect([read.includeInput, read.build([5, 2])]).toEqual([true, [5, 32]]);
    const older = JSON.parse(JSON.stringify(topology).replace('"include_input":true,', '').replace(',"include_input":true', ''));
    const old = layersFromTopology(older, 'e.json').layers[0] as EchoState;
    expect([old.includeInput, old.build([5, 2])]).toEqual([false, [5, 30]]);
    expect(() => layers.echoState({ units: 3, includeInput: 1 as never })).toThrow(/includeInput must be true or false; got 1/);
    // Refused by name: a masked input's last state has no one input row beside it; Bidirectional would put the
    // input in twice.
    expect(() => layers.echoState({ units: 3 }).outputMasked(true)).toThrow(/includeInput with a masked input needs returnSequences: true/);
    expect(layers.echoState({ units: 3, returnSequences: true }).outputMasked(true)).toBe(true);
    expect(layers.echoState({ units: 3, includeInput: false }).outputMasked(true)).toBe(false);
    expect(() => layers.bidirectional({ layer: layers.echoState({ units: 3 }) })).toThrow(/give the echoState includeInput: false/);
    expect(layers.bidirectional({ layer: layers.echoState({ units: 3, includeInput: false }) }).units).toBe(3);
    const bad = JSON.parse(JSON.stringify(topology).replace('"connectivity":0.3', '"connectivity":2'));
    expect(() => layersFromTopology(bad, 'e.json')).toThrow(/e\.json: layer 'echo_state.*' \(EchoState\): .*connectivity must be a number in \(0, 1\]; got 2/);
  });
});
