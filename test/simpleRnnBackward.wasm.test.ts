/**
 * The SimpleRNN backward pass on the CPU path (wasm/denseBackward.ts through src/cpu/simpleRnn.ts's backward)
 * against the float64 reference (src/reference/simpleRnnStep.ts simpleRnnBackward): every gradient, over the GPU
 * kernels' pairwise table and tolerances, goBackwards and a timestep mask.
 */
import { describe, expect, it } from 'vitest';
import { WasmSimpleRnn } from '../src/cpu/simpleRnn';
import type { CellActivation } from '../src/kernels/activations';
import { simpleRnnBackward } from '../src/reference/simpleRnnStep';
import { expectCloseRelativeToMax } from './support/compare';
import { keepMask, stepMask } from './support/maskCases';
import { SIMPLE_RNN_TABLE, recurrentCaseData, type RecurrentCase } from './support/recurrentCases';
import { rng, uniform } from './support/random';
import { GRADIENT_RELATIVE_TO_MAX } from './support/tolerances';

type Case = RecurrentCase & { activation: CellActivation; goBackwards: boolean; masked?: boolean; dropout?: boolean };

const EXTRA: Case[] = [
  { batch: 3, timesteps: 7, features: 5, units: 7, activation: 'sigmoid', goBackwards: true, initialState: true, returnSequences: true },
  { batch: 3, timesteps: 7, features: 5, units: 7, activation: 'linear', goBackwards: false, initialState: true, returnSequences: false },
  { batch: 6, timesteps: 9, features: 3, units: 5, activation: 'tanh', goBackwards: false, initialState: true, returnSequences: true, masked: true },
  { batch: 6, timesteps: 9, features: 3, units: 5, activation: 'relu', goBackwards: true, initialState: false, returnSequences: false, masked: true },
  {
    batch: 6,
    timesteps: 9,
    features: 3,
    units: 5,
    activation: 'tanh',
    goBackwards: false,
    initialState: true,
    returnSequences: true,
    masked: true,
    dropout: true,
  },
];
const CASES: Case[] = [...SIMPLE_RNN_TABLE, ...EXTRA];
const name = (c: Case) =>
  `B${c.batch} T${c.timesteps} F${c.features} U${c.units} ${c.activation}${c.goBackwards ? ' back' : ''}${c.initialState ? ' h0' : ''}${c.returnSequences ? ' seq' : ''}${c.masked ? ' masked' : ''}${c.dropout ? ' recurrent dropout' : ''}`;

describe('the SimpleRNN backward pass in WebAssembly against the float64 twin', () => {
  it.each(CASES.map((c, i) => [name(c), c, i] as const))('%s', (_label, c, index) => {
    const d = recurrentCaseData(c, 1, 1, 4000 + index);
    const { batch: B, timesteps: T, features: F, units: U } = c;
    const weights = {
      kernel: { data: d.kernel, shape: [F, U] },
      recurrentKernel: { data: d.recurrentKernel, shape: [U, U] },
      bias: { data: d.bias, shape: [U] },
    };
    const x = { data: d.x, shape: [B, T, F] };
    const initialState = d.h0 ? ([{ data: d.h0, shape: [B, U] }] as [{ data: Float32Array; shape: number[] }]) : undefined;
    const mask = c.masked ? { data: stepMask(B, T, 5), shape: [B, T] } : undefined;
    const options = { activation: c.activation, returnSequences: c.returnSequences, goBackwards: c.goBackwards };
    const dOutput = uniform(rng(index + 11), (c.returnSequences ? B * T : B) * U, 1);
    const keep = c.dropout ? keepMask(B * U, index) : undefined;
    const rnn = new WasmSimpleRnn(weights, options);
    rnn.trainingForward(x, initialState, mask, keep);
    const got = rnn.backward(dOutput);
    const ref = simpleRnnBackward(
      {
        x,
        ...weights,
        ...(initialState ? { initialState } : {}),
        ...(mask ? { mask } : {}),
        ...(keep ? { recurrentDropoutMask: { data: keep, shape: [B, U] } } : {}),
      },
      { dOutput: { data: dOutput, shape: [c.returnSequences ? B * T : B, U] } },
      options,
    );
    expectCloseRelativeToMax(got.dX, ref.dX.data, GRADIENT_RELATIVE_TO_MAX, 'dX');
    expectCloseRelativeToMax(got.dKernel, ref.dKernel.data, GRADIENT_RELATIVE_TO_MAX, 'dKernel');
    expectCloseRelativeToMax(got.dRecurrent, ref.dRecurrentKernel.data, GRADIENT_RELATIVE_TO_MAX, 'dRecurrentKernel');
    expectCloseRelativeToMax(got.dBias, ref.dBias.data, GRADIENT_RELATIVE_TO_MAX, 'dBias');
    expectCloseRelativeToMax(got.dh0, ref.dh0.data, GRADIENT_RELATIVE_TO_MAX, 'dh0');
  });

  it('a leaky reservoir is not trained by gradient: the error says what to do', () => {
    const w = {
      kernel: { data: new Float32Array(4), shape: [1, 4] },
      recurrentKernel: { data: new Float32Array(16), shape: [4, 4] },
      bias: { data: new Float32Array(4), shape: [4] },
    };
    expect(() => new WasmSimpleRnn(w, {}, 0.5).trainingForward({ data: new Float32Array(2), shape: [1, 2, 1] })).toThrow(/fitRidge/);
  });
});
