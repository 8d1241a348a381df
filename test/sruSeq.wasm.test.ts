/**
 * The SRU forward pass on the CPU path (src/cpu/sru.ts: the projections through wasm/dense.ts, the recurrence on the
 * host) against the float64 twin (src/reference/sruSeq.ts), over the GPU kernels' pairwise table
 * (test/sruSeq.gpu.test.ts) at their tolerances, with masks and the identity skip (features = units); and its backward
 * pass, recurrent dropout included.
 */
import { describe, expect, it } from 'vitest';
import { WasmSru } from '../src/cpu/sru';
import type { CellActivation } from '../src/kernels/activations';
import { sruBackward, sruForward } from '../src/reference/sruSeq';
import { expectClose, expectCloseRelativeToMax } from './support/compare';
import { keepMask, stepMask } from './support/maskCases';
import { rng, uniform } from './support/random';
import { SRU_TABLE, type RecurrentCase } from './support/recurrentCases';
import { GRADIENT_RELATIVE_TO_MAX, SEQUENCE, STEP } from './support/tolerances';

type Case = RecurrentCase & { activation: CellActivation; goBackwards: boolean; masked?: boolean };

const EXTRA: Case[] = [
  { batch: 3, timesteps: 7, features: 7, units: 7, activation: 'relu', goBackwards: false, initialState: true, returnSequences: true, masked: true },
  { batch: 6, timesteps: 9, features: 5, units: 4, activation: 'tanh', goBackwards: true, initialState: true, returnSequences: true, masked: true },
  { batch: 2, timesteps: 6, features: 1, units: 4, activation: 'sigmoid', goBackwards: false, initialState: false, returnSequences: false },
];
const CASES: Case[] = [...SRU_TABLE, ...EXTRA];
const name = (c: Case) =>
  `B${c.batch} T${c.timesteps} F${c.features} U${c.units} ${c.activation}` +
  `${c.goBackwards ? ' back' : ''}${c.initialState ? ' state0' : ''}${c.returnSequences ? ' seq' : ''}${c.masked ? ' masked' : ''}`;

/** A case's data, drawn in one order from `random`: x, the weights (3 kernel blocks with the identity skip, else 4), states, the mask. */
function caseData(c: Case, random: () => number, index: number) {
  const { batch: B, timesteps: T, features: F, units: U } = c;
  const blocks = F === U ? 3 : 4;
  return {
    x: uniform(random, B * T * F, 1),
    kernel: uniform(random, F * blocks * U, 1 / Math.sqrt(Math.max(U, F))),
    recurrentWeights: uniform(random, 2 * U, 0.5),
    bias: uniform(random, 2 * U, 0.1),
    h0: c.initialState ? uniform(random, B * U, 0.5) : new Float32Array(B * U),
    c0: c.initialState ? uniform(random, B * U, 0.5) : new Float32Array(B * U),
    mask: c.masked ? stepMask(B, T, 40 + index) : null,
  };
}

/** That data as the float64 twin takes it. */
function twinInputs(c: Case, d: ReturnType<typeof caseData>) {
  const { batch: B, timesteps: T, features: F, units: U } = c;
  return {
    x: { data: d.x, shape: [B, T, F] },
    kernel: { data: d.kernel, shape: [F, d.kernel.length / F] },
    recurrentWeights: { data: d.recurrentWeights, shape: [2, U] },
    bias: { data: d.bias, shape: [2, U] },
    initialState: [
      { data: d.h0, shape: [B, U] },
      { data: d.c0, shape: [B, U] },
    ] as [{ data: Float32Array; shape: number[] }, { data: Float32Array; shape: number[] }],
    ...(d.mask ? { mask: { data: d.mask, shape: [B, T] } } : {}),
  };
}

describe('the SRU forward pass on the CPU path against the float64 twin', () => {
  it.each(CASES.map((c, i) => [name(c), c, i] as const))('%s', (_label, c, index) => {
    const random = rng(4000 + index);
    const { batch: B, timesteps: T, features: F, units: U } = c;
    const d = caseData(c, random, index);
    const options = { activation: c.activation, returnSequences: c.returnSequences, goBackwards: c.goBackwards };
    const sru = new WasmSru(F, U, d.kernel, d.recurrentWeights, d.bias, options);
    const states: [Float32Array, Float32Array] = [d.h0.slice(), d.c0.slice()];
    const got = sru.forward(d.x, B, T, states, d.mask);
    const ref = sruForward(twinInputs(c, d), options);
    const tol = T === 1 ? STEP : SEQUENCE;
    expectClose(got, ref.output.data, tol, 'output');
    expectClose(states[0], ref.h.data, tol, 'final h');
    expectClose(states[1], ref.c.data, tol, 'final c');
  });
});

describe('one SRU on the CPU path, called again', () => {
  it('a smaller batch after a larger one (a ragged last batch) computes what a fresh SRU does', () => {
    const random = rng(4100);
    const [F, U, T] = [3, 6, 5];
    const w = { kernel: uniform(random, F * 4 * U, 0.5), v: uniform(random, 2 * U, 0.5), bias: uniform(random, 2 * U, 0.1) };
    const options = { activation: 'tanh' as const, returnSequences: true, goBackwards: false };
    const reused = new WasmSru(F, U, w.kernel, w.v, w.bias, options);
    const zeros = (b: number): [Float32Array, Float32Array] => [new Float32Array(b * U), new Float32Array(b * U)];
    reused.forward(uniform(random, 5 * T * F, 1), 5, T, zeros(5), null, { keep: null });
    const x2 = uniform(random, 2 * T * F, 1);
    const again = reused.forward(x2, 2, T, zeros(2), null);
    expect(again).toEqual(new WasmSru(F, U, w.kernel, w.v, w.bias, options).forward(x2, 2, T, zeros(2), null));
  });
});

describe('the SRU backward pass on the CPU path against the float64 twin', () => {
  const DROPPED: Case[] = [
    { batch: 5, timesteps: 6, features: 3, units: 4, activation: 'tanh', goBackwards: false, initialState: true, returnSequences: true, masked: true },
    { batch: 4, timesteps: 5, features: 4, units: 4, activation: 'linear', goBackwards: true, initialState: true, returnSequences: false },
    // Units not a multiple of 4: the padded lanes of the SIMD recurrence, under dropout and a mask, both skips.
    { batch: 3, timesteps: 7, features: 7, units: 7, activation: 'sigmoid', goBackwards: true, initialState: true, returnSequences: true, masked: true },
    { batch: 2, timesteps: 4, features: 2, units: 5, activation: 'relu', goBackwards: false, initialState: true, returnSequences: false, masked: true },
  ];
  const cases = [...CASES.map((c) => ({ ...c, dropout: false })), ...DROPPED.map((c) => ({ ...c, dropout: true }))];
  it.each(cases.map((c, i) => [`${name(c)}${c.dropout ? ' recurrent dropout' : ''}`, c, i] as const))('%s', (_label, c, index) => {
    const random = rng(5000 + index);
    const { batch: B, timesteps: T, features: F, units: U } = c;
    const d = {
      ...caseData(c, random, index),
      dOutput: uniform(random, (c.returnSequences ? B * T : B) * U, 1),
      keep: c.dropout ? keepMask(B * U, index) : null,
    };
    const options = { activation: c.activation, returnSequences: c.returnSequences, goBackwards: c.goBackwards };
    const sru = new WasmSru(F, U, d.kernel, d.recurrentWeights, d.bias, options);
    sru.forward(d.x, B, T, [d.h0.slice(), d.c0.slice()], d.mask, { keep: d.keep });
    const got = sru.backward(d.dOutput);
    const ref = sruBackward(
      {
        ...twinInputs(c, d),
        ...(d.keep ? { recurrentDropoutMask: { data: d.keep, shape: [B, U] } } : {}),
      },
      { dOutput: { data: d.dOutput, shape: [c.returnSequences ? B * T : B, U] } },
      options,
    );
    expectCloseRelativeToMax(got.dX, ref.dX.data, GRADIENT_RELATIVE_TO_MAX, 'dX');
    expectCloseRelativeToMax(got.dKernel, ref.dKernel.data, GRADIENT_RELATIVE_TO_MAX, 'dKernel');
    expectCloseRelativeToMax(got.dRecurrentWeights, ref.dRecurrentWeights.data, GRADIENT_RELATIVE_TO_MAX, 'dRecurrentWeights');
    expectCloseRelativeToMax(got.dBias, ref.dBias.data, GRADIENT_RELATIVE_TO_MAX, 'dBias');
  });
});
