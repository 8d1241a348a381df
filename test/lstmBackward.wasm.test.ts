/**
 * The LSTM backward pass on the CPU path (wasm/lstmStepBackward.ts through src/cpu/lstm.ts's backward) against the
 * float64 reference (src/reference/lstmStep.ts lstmBackward): every gradient, over the GPU kernels' pairwise table
 * and tolerances, goBackwards and a timestep mask.
 */
import { describe, expect, it } from 'vitest';
import { WasmLstm } from '../src/cpu/lstm';
import type { CellActivation, GateActivation } from '../src/kernels/activations';
import { lstmBackward } from '../src/reference/lstmStep';
import { expectCloseRelativeToMax } from './support/compare';
import { LSTM_TABLE, lstmCaseData } from './support/lstmCases';
import { keepMask, stepMask } from './support/maskCases';
import type { RecurrentCase } from './support/recurrentCases';
import { GRADIENT_RELATIVE_TO_MAX } from './support/tolerances';

type Case = RecurrentCase & { activation: CellActivation; recurrentActivation?: GateActivation; goBackwards?: boolean; masked?: boolean; dropout?: boolean };

const EXTRA: Case[] = [
  { batch: 32, timesteps: 60, features: 1, units: 50, activation: 'relu', initialState: false, returnSequences: false },
  { batch: 3, timesteps: 7, features: 5, units: 7, activation: 'sigmoid', recurrentActivation: 'hardSigmoid', initialState: true, returnSequences: true },
  { batch: 3, timesteps: 7, features: 5, units: 7, activation: 'tanh', initialState: true, returnSequences: true, goBackwards: true },
  { batch: 6, timesteps: 9, features: 3, units: 5, activation: 'tanh', initialState: true, returnSequences: true, masked: true },
  { batch: 6, timesteps: 9, features: 3, units: 5, activation: 'linear', initialState: true, returnSequences: false, goBackwards: true, masked: true },
  // recurrent dropout: the products read h_{t−1} ⊙ keep
  { batch: 5, timesteps: 6, features: 3, units: 6, activation: 'tanh', initialState: true, returnSequences: true, dropout: true },
  { batch: 6, timesteps: 9, features: 3, units: 5, activation: 'relu', initialState: false, returnSequences: false, masked: true, dropout: true },
];
const CASES: Case[] = [...LSTM_TABLE, ...EXTRA];
const name = (c: Case) =>
  `B${c.batch} T${c.timesteps} F${c.features} U${c.units} ${c.activation}/${c.recurrentActivation ?? 'sigmoid'}` +
  `${c.initialState ? ' h0' : ''}${c.returnSequences ? ' seq' : ''}${c.goBackwards ? ' backwards' : ''}${c.masked ? ' masked' : ''}${c.dropout ? ' recurrent dropout' : ''}`;

describe('the LSTM backward pass in WebAssembly against the float64 twin', () => {
  it.each(CASES.map((c, i) => [name(c), c, i] as const))('%s', (_label, c, index) => {
    const d = lstmCaseData(c, 2000 + index);
    const { batch: B, timesteps: T, features: F, units: U } = c;
    const weights = {
      kernel: { data: d.kernel, shape: [F, 4 * U] },
      recurrentKernel: { data: d.recurrentKernel, shape: [U, 4 * U] },
      bias: { data: d.bias, shape: [4 * U] },
    };
    const x = { data: d.x, shape: [B, T, F] };
    type State = { data: Float32Array; shape: number[] };
    const initialState: [State, State] | undefined = c.initialState
      ? [
          { data: d.h0!, shape: [B, U] },
          { data: d.c0!, shape: [B, U] },
        ]
      : undefined;
    const mask = c.masked ? { data: stepMask(B, T, 5), shape: [B, T] } : undefined;
    const options = {
      activation: c.activation,
      recurrentActivation: c.recurrentActivation ?? 'sigmoid',
      returnSequences: c.returnSequences,
      goBackwards: c.goBackwards ?? false,
    };
    const dOutput = d.dOutput;
    const keep = c.dropout ? keepMask(B * U, index) : undefined;
    const lstm = new WasmLstm(weights, options);
    lstm.trainingForward(x, initialState, mask, keep);
    const got = lstm.backward(dOutput);
    const ref = lstmBackward(
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
    expectCloseRelativeToMax(got.carry0[0]!, ref.dc0.data, GRADIENT_RELATIVE_TO_MAX, 'dc0');
  });

  it('new weights laid out in place give what a new cell on them gives', () => {
    const c = { batch: 4, timesteps: 5, features: 3, units: 6, initialState: false, returnSequences: true };
    const [a, b] = [lstmCaseData(c, 1), lstmCaseData(c, 2)];
    const w = (d: typeof a) => ({
      kernel: { data: d.kernel, shape: [3, 24] },
      recurrentKernel: { data: d.recurrentKernel, shape: [6, 24] },
      bias: { data: d.bias, shape: [24] },
    });
    const reused = new WasmLstm(w(a), { returnSequences: true });
    reused.layOut(b.kernel, b.recurrentKernel, [b.bias]);
    const x = { data: a.x, shape: [4, 5, 3] };
    expect([...reused.forward(x).output]).toEqual([...new WasmLstm(w(b), { returnSequences: true }).forward(x).output]);
  });
});
