/**
 * The GRU backward pass on the CPU path (wasm/gruStepBackward.ts through src/cpu/gru.ts's backward) against the
 * float64 reference (src/reference/gruStep.ts gruBackward): every gradient, both reset conventions, over the GPU
 * kernels' pairwise table and tolerances, goBackwards and a timestep mask.
 */
import { describe, it } from 'vitest';
import { WasmGru } from '../src/cpu/gru';
import type { CellActivation, GateActivation } from '../src/kernels/activations';
import { gruBackward } from '../src/reference/gruStep';
import { expectClose, expectCloseRelativeToMax } from './support/compare';
import { keepMask, stepMask } from './support/maskCases';
import { GRU_TABLE, recurrentCaseData, type RecurrentCase } from './support/recurrentCases';
import { GRADIENT_RELATIVE_TO_MAX, SEQUENCE } from './support/tolerances';

type Case = RecurrentCase & {
  activation: CellActivation;
  recurrentActivation?: GateActivation;
  resetAfter: boolean;
  goBackwards: boolean;
  masked?: boolean;
  dropout?: boolean;
};

const common = { initialState: true, returnSequences: true, goBackwards: false };
const EXTRA: Case[] = [
  { batch: 32, timesteps: 60, features: 1, units: 50, activation: 'relu', resetAfter: true, goBackwards: false, initialState: false, returnSequences: false },
  { batch: 32, timesteps: 60, features: 1, units: 50, activation: 'relu', resetAfter: false, goBackwards: false, initialState: false, returnSequences: false },
  { batch: 3, timesteps: 7, features: 5, units: 7, activation: 'sigmoid', recurrentActivation: 'hardSigmoid', resetAfter: true, ...common, goBackwards: true },
  { batch: 3, timesteps: 7, features: 5, units: 7, activation: 'linear', recurrentActivation: 'hardSigmoid', resetAfter: false, ...common },
  { batch: 6, timesteps: 9, features: 3, units: 5, activation: 'tanh', resetAfter: true, ...common, masked: true },
  { batch: 6, timesteps: 9, features: 3, units: 5, activation: 'tanh', resetAfter: false, ...common, goBackwards: true, masked: true },
  { batch: 5, timesteps: 6, features: 3, units: 6, activation: 'tanh', resetAfter: true, ...common, dropout: true },
  { batch: 5, timesteps: 6, features: 3, units: 6, activation: 'tanh', resetAfter: false, ...common, dropout: true },
  { batch: 6, timesteps: 9, features: 3, units: 5, activation: 'relu', resetAfter: false, ...common, masked: true, dropout: true },
];
const CASES: Case[] = [...GRU_TABLE, ...EXTRA];
const name = (c: Case) =>
  `B${c.batch} T${c.timesteps} F${c.features} U${c.units} ${c.activation}/${c.recurrentActivation ?? 'sigmoid'}` +
  ` ${c.resetAfter ? 'after' : 'before'}${c.goBackwards ? ' back' : ''}${c.initialState ? ' h0' : ''}${c.returnSequences ? ' seq' : ''}${c.masked ? ' masked' : ''}${c.dropout ? ' recurrent dropout' : ''}`;

describe('the GRU backward pass in WebAssembly against the float64 twin', () => {
  it.each(CASES.map((c, i) => [name(c), c, i] as const))('%s', (_label, c, index) => {
    const d = recurrentCaseData(c, 3, c.resetAfter ? 2 : 1, 6000 + index);
    const { batch: B, timesteps: T, features: F, units: U } = c;
    const weights = {
      kernel: { data: d.kernel, shape: [F, 3 * U] },
      recurrentKernel: { data: d.recurrentKernel, shape: [U, 3 * U] },
      bias: { data: d.bias, shape: c.resetAfter ? [2, 3 * U] : [3 * U] },
    };
    const x = { data: d.x, shape: [B, T, F] };
    const initialState = d.h0 ? ([{ data: d.h0, shape: [B, U] }] as [{ data: Float32Array; shape: number[] }]) : undefined;
    const mask = c.masked ? { data: stepMask(B, T, 5), shape: [B, T] } : undefined;
    const options = {
      activation: c.activation,
      recurrentActivation: c.recurrentActivation ?? 'sigmoid',
      resetAfter: c.resetAfter,
      returnSequences: c.returnSequences,
      goBackwards: c.goBackwards,
    };
    const keep = c.dropout ? keepMask(B * U, index) : undefined;
    const gru = new WasmGru(weights, options);
    const out = gru.trainingForward(x, initialState, mask, keep);
    const got = gru.backward(d.dOutput);
    const ref = gruBackward(
      {
        x,
        ...weights,
        ...(initialState ? { initialState } : {}),
        ...(mask ? { mask } : {}),
        ...(keep ? { recurrentDropoutMask: { data: keep, shape: [B, U] } } : {}),
      },
      { dOutput: { data: d.dOutput, shape: [c.returnSequences ? B * T : B, U] } },
      options,
    );
    expectClose(out.output, ref.output.data, SEQUENCE, 'output');
    expectCloseRelativeToMax(got.dX, ref.dX.data, GRADIENT_RELATIVE_TO_MAX, 'dX');
    expectCloseRelativeToMax(got.dKernel, ref.dKernel.data, GRADIENT_RELATIVE_TO_MAX, 'dKernel');
    expectCloseRelativeToMax(got.dRecurrent, ref.dRecurrentKernel.data, GRADIENT_RELATIVE_TO_MAX, 'dRecurrentKernel');
    expectCloseRelativeToMax(got.dBias, ref.dBias.data, GRADIENT_RELATIVE_TO_MAX, 'dBias');
    expectCloseRelativeToMax(got.dh0, ref.dh0.data, GRADIENT_RELATIVE_TO_MAX, 'dh0');
  });
});
