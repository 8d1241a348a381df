/**
 * The GRU forward pass on the CPU path (wasm/gruStep.ts through src/cpu/gru.ts) against the float64 reference
 * (src/reference/gruStep.ts), over the GPU kernels' pairwise table (test/gruStep.gpu.test.ts: both reset
 * conventions, goBackwards) at their tolerances, plus the gate activations the table does not reach.
 */
import { describe, expect, it } from 'vitest';
import { WasmGru, gruForwardWasm } from '../src/cpu/gru';
import type { CellActivation, GateActivation } from '../src/kernels/activations';
import { ShapeError } from '../src/errors';
import { gruForward } from '../src/reference/gruStep';
import { expectClose } from './support/compare';
import { stepMask } from './support/maskCases';
import { GRU_TABLE, recurrentCaseData, type RecurrentCase } from './support/recurrentCases';
import { SEQUENCE, STEP } from './support/tolerances';

type Case = RecurrentCase & { activation: CellActivation; recurrentActivation?: GateActivation; resetAfter: boolean; goBackwards: boolean };

const EXTRA: Case[] = [
  // the tutorial's shape with a GRU, both conventions (the benchmark's gru case is reset before, as TF.js has it)
  { batch: 32, timesteps: 60, features: 1, units: 50, activation: 'relu', resetAfter: true, goBackwards: false, initialState: false, returnSequences: false },
  { batch: 32, timesteps: 60, features: 1, units: 50, activation: 'relu', resetAfter: false, goBackwards: false, initialState: false, returnSequences: false },
  {
    batch: 3,
    timesteps: 7,
    features: 5,
    units: 7,
    activation: 'sigmoid',
    recurrentActivation: 'hardSigmoid',
    resetAfter: true,
    goBackwards: true,
    initialState: true,
    returnSequences: true,
  },
  {
    batch: 3,
    timesteps: 7,
    features: 5,
    units: 7,
    activation: 'linear',
    recurrentActivation: 'hardSigmoid',
    resetAfter: false,
    goBackwards: false,
    initialState: true,
    returnSequences: true,
  },
];

const CASES: Case[] = [...GRU_TABLE, ...EXTRA];
const name = (c: Case) =>
  `B${c.batch} T${c.timesteps} F${c.features} U${c.units} ${c.activation}/${c.recurrentActivation ?? 'sigmoid'}` +
  ` ${c.resetAfter ? 'after' : 'before'}${c.goBackwards ? ' back' : ''}${c.initialState ? ' h0' : ''}${c.returnSequences ? ' seq' : ''}`;

describe('the GRU forward pass in WebAssembly against the float64 twin', () => {
  it.each(CASES.map((c, i) => [name(c), c, i] as const))('%s', (_label, c, index) => {
    const d = recurrentCaseData(c, 3, c.resetAfter ? 2 : 1, 2000 + index);
    const { batch: B, timesteps: T, features: F, units: U } = c;
    const inputs = {
      x: { data: d.x, shape: [B, T, F] },
      kernel: { data: d.kernel, shape: [F, 3 * U] },
      recurrentKernel: { data: d.recurrentKernel, shape: [U, 3 * U] },
      bias: { data: d.bias, shape: c.resetAfter ? [2, 3 * U] : [3 * U] },
      ...(d.h0 ? { initialState: [{ data: d.h0, shape: [B, U] }] as [{ data: Float32Array; shape: number[] }] } : {}),
    };
    const options = {
      activation: c.activation,
      recurrentActivation: c.recurrentActivation ?? 'sigmoid',
      resetAfter: c.resetAfter,
      returnSequences: c.returnSequences,
      goBackwards: c.goBackwards,
    };
    const tol = T === 1 ? STEP : SEQUENCE;
    const got = gruForwardWasm(inputs, options);
    const ref = gruForward(inputs, options);
    expect(got.output.length).toBe(ref.output.data.length);
    expectClose(got.output, ref.output.data, tol, 'output');
    expectClose(got.h, ref.h.data, tol, 'final h');
  });

  it.each([
    [true, false],
    [false, true],
  ])('under a timestep mask (padding after, before, inside, everywhere): resetAfter %s, goBackwards %s', (resetAfter, goBackwards) => {
    const [B, T, F, U] = [6, 9, 3, 5];
    const d = recurrentCaseData({ batch: B, timesteps: T, features: F, units: U, initialState: true, returnSequences: true }, 3, resetAfter ? 2 : 1, 78);
    const inputs = {
      x: { data: d.x, shape: [B, T, F] },
      kernel: { data: d.kernel, shape: [F, 3 * U] },
      recurrentKernel: { data: d.recurrentKernel, shape: [U, 3 * U] },
      bias: { data: d.bias, shape: resetAfter ? [2, 3 * U] : [3 * U] },
      initialState: [{ data: d.h0!, shape: [B, U] }] as [{ data: Float32Array; shape: number[] }],
      mask: { data: stepMask(B, T, 6), shape: [B, T] },
    };
    const options = { resetAfter, goBackwards, returnSequences: true };
    expectClose(gruForwardWasm(inputs, options).output, gruForward(inputs, options).output.data, SEQUENCE, 'output');
  });

  it('bad input: the GPU op’s typed errors', () => {
    const weights = { kernel: { data: new Float32Array(6), shape: [2, 3] }, recurrentKernel: { data: new Float32Array(3), shape: [1, 3] } };
    // resetAfter (the default) wants the bias [2, 3u]
    expect(() => new WasmGru({ ...weights, bias: { data: new Float32Array(3), shape: [3] } })).toThrow(/\[2, 3·units\]/);
    const gru = new WasmGru({ ...weights, bias: { data: new Float32Array(3), shape: [3] } }, { resetAfter: false });
    expect(() => gru.forward({ data: new Float32Array(3), shape: [1, 1, 3] })).toThrow(ShapeError);
    expect(() => gru.forward({ data: new Float32Array(2), shape: [1, 1, 2] }, [{ data: new Float32Array(2), shape: [2, 1] }])).toThrow(ShapeError);
  });
});
