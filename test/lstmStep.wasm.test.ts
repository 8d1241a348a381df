/**
 * The LSTM forward pass on the CPU path (wasm/lstmStep.ts through src/cpu/lstm.ts) against the float64 reference
 * (src/reference/lstmStep.ts), over the same pairwise table and tolerances as the GPU kernels
 * (test/lstmStep.gpu.test.ts), plus the activations the table does not reach and goBackwards.
 */
import { describe, expect, it } from 'vitest';
import { WasmLstm, lstmForwardWasm } from '../src/cpu/lstm';
import type { CellActivation, GateActivation } from '../src/kernels/activations';
import { ShapeError, ValueError } from '../src/errors';
import { lstmForward } from '../src/reference/lstmStep';
import { expectClose } from './support/compare';
import { LSTM_TABLE, lstmCaseData } from './support/lstmCases';
import { stepMask } from './support/maskCases';
import type { RecurrentCase } from './support/recurrentCases';
import { SEQUENCE, STEP } from './support/tolerances';

/** An initial state as both the wasm path and the twin take it. */
type State = { data: Float32Array; shape: number[] };

type Case = RecurrentCase & { activation: CellActivation; recurrentActivation?: GateActivation; goBackwards?: boolean };

const EXTRA: Case[] = [
  // the Keras tutorial's layer: LSTM(50, activation='relu') on 60 steps of 1 feature, batch 32
  { batch: 32, timesteps: 60, features: 1, units: 50, activation: 'relu', initialState: false, returnSequences: false },
  { batch: 3, timesteps: 7, features: 5, units: 7, activation: 'sigmoid', recurrentActivation: 'hardSigmoid', initialState: true, returnSequences: true },
  { batch: 3, timesteps: 7, features: 5, units: 7, activation: 'linear', initialState: true, returnSequences: false },
  { batch: 3, timesteps: 7, features: 5, units: 7, activation: 'tanh', initialState: true, returnSequences: true, goBackwards: true },
  { batch: 5, timesteps: 9, features: 3, units: 6, activation: 'tanh', recurrentActivation: 'hardSigmoid', initialState: false, returnSequences: true },
  // gemm's 4×8 tiles with row and column tails: 9 rows (T·B), 4·Up = 24 columns
  { batch: 9, timesteps: 1, features: 11, units: 5, activation: 'tanh', initialState: true, returnSequences: false },
];

const CASES: Case[] = [...LSTM_TABLE, ...EXTRA];
const name = (c: Case) =>
  `B${c.batch} T${c.timesteps} F${c.features} U${c.units} ${c.activation}/${c.recurrentActivation ?? 'sigmoid'}` +
  `${c.initialState ? ' h0' : ''}${c.returnSequences ? ' seq' : ''}${c.goBackwards ? ' backwards' : ''}`;

describe('the LSTM forward pass in WebAssembly against the float64 twin', () => {
  it.each(CASES.map((c, i) => [name(c), c, i] as const))('%s', (_label, c, index) => {
    const d = lstmCaseData(c, 1000 + index);
    const { batch: B, timesteps: T, features: F, units: U } = c;
    const inputs = {
      x: { data: d.x, shape: [B, T, F] },
      kernel: { data: d.kernel, shape: [F, 4 * U] },
      recurrentKernel: { data: d.recurrentKernel, shape: [U, 4 * U] },
      bias: { data: d.bias, shape: [4 * U] },
      ...(c.initialState
        ? {
            initialState: [
              { data: d.h0!, shape: [B, U] },
              { data: d.c0!, shape: [B, U] },
            ] as [State, State],
          }
        : {}),
    };
    const options = {
      activation: c.activation,
      recurrentActivation: c.recurrentActivation ?? 'sigmoid',
      returnSequences: c.returnSequences,
      goBackwards: c.goBackwards ?? false,
    };
    const tol = T === 1 ? STEP : SEQUENCE;
    const got = lstmForwardWasm(inputs, options);
    const ref = lstmForward(inputs, options);
    expect(got.output.length).toBe(ref.output.data.length);
    expectClose(got.output, ref.output.data, tol, 'output');
    expectClose(got.h, ref.h.data, tol, 'final h');
    expectClose(got.c, ref.c.data, tol, 'final c');
  });

  it('activations far out (|z| ≫ 88) stay finite and saturate as the twin does', () => {
    const [B, T, F, U] = [2, 3, 2, 4];
    const big = (n: number, v: number) => Float32Array.from({ length: n }, (_, i) => (i % 2 ? v : -v));
    const inputs = {
      x: { data: big(B * T * F, 100), shape: [B, T, F] },
      kernel: { data: big(F * 4 * U, 10), shape: [F, 4 * U] },
      recurrentKernel: { data: new Float32Array(U * 4 * U), shape: [U, 4 * U] },
      bias: { data: new Float32Array(4 * U), shape: [4 * U] },
    };
    const got = lstmForwardWasm(inputs, { returnSequences: true });
    expect(got.output.every(Number.isFinite)).toBe(true);
    expectClose(got.output, lstmForward(inputs, { returnSequences: true }).output.data, STEP, 'output');
  });

  it('one WasmLstm runs many batches and lengths on its weights, each as a fresh call would (its memory grows)', () => {
    const [F, U] = [3, 6];
    const d = lstmCaseData({ batch: 8, timesteps: 20, features: F, units: U, initialState: true, returnSequences: true }, 5);
    const weights = {
      kernel: { data: d.kernel, shape: [F, 4 * U] },
      recurrentKernel: { data: d.recurrentKernel, shape: [U, 4 * U] },
      bias: { data: d.bias, shape: [4 * U] },
    };
    const lstm = new WasmLstm(weights, { returnSequences: true });
    for (const [B, T] of [
      [2, 3],
      [8, 20],
      [1, 5],
      [8, 20],
    ] as const) {
      const x = { data: d.x.subarray(0, B * T * F), shape: [B, T, F] };
      const state: [State, State] = [
        { data: d.h0!.subarray(0, B * U), shape: [B, U] },
        { data: d.c0!.subarray(0, B * U), shape: [B, U] },
      ];
      const ref = lstmForward({ x, ...weights, initialState: state }, { returnSequences: true });
      const got = lstm.forward(x, state);
      expectClose(got.output, ref.output.data, SEQUENCE, `output B${B} T${T}`);
      expectClose(got.c, ref.c.data, SEQUENCE, `final c B${B} T${T}`);
    }
  });

  it.each([
    [false, false],
    [true, false],
    [false, true],
    [true, true],
  ])('under a timestep mask (padding after, before, inside, everywhere): goBackwards %s, returnSequences %s', (goBackwards, returnSequences) => {
    const [B, T, F, U] = [6, 9, 3, 5];
    const d = lstmCaseData({ batch: B, timesteps: T, features: F, units: U, initialState: true, returnSequences }, 77);
    const inputs = {
      x: { data: d.x, shape: [B, T, F] },
      kernel: { data: d.kernel, shape: [F, 4 * U] },
      recurrentKernel: { data: d.recurrentKernel, shape: [U, 4 * U] },
      bias: { data: d.bias, shape: [4 * U] },
      initialState: [
        { data: d.h0!, shape: [B, U] },
        { data: d.c0!, shape: [B, U] },
      ] as [State, State],
      mask: { data: stepMask(B, T, 5), shape: [B, T] },
    };
    const options = { returnSequences, goBackwards };
    const got = lstmForwardWasm(inputs, options);
    const ref = lstmForward(inputs, options);
    expectClose(got.output, ref.output.data, SEQUENCE, 'output');
    expectClose(got.c, ref.c.data, SEQUENCE, 'final c');
  });

  it('bad input: the GPU op’s typed errors, and the recurrent dropout mask refused by name', () => {
    const x = { data: new Float32Array(6), shape: [1, 3, 2] };
    const ok = {
      kernel: { data: new Float32Array(8), shape: [2, 4] },
      recurrentKernel: { data: new Float32Array(4), shape: [1, 4] },
      bias: { data: new Float32Array(4), shape: [4] },
    };
    expect(() => lstmForwardWasm({ ...ok, x: { data: new Float32Array(6), shape: [3, 2] } })).toThrow(ShapeError);
    expect(() => lstmForwardWasm({ ...ok, x, bias: { data: new Float32Array(3), shape: [3] } })).toThrow(ShapeError);
    expect(() => lstmForwardWasm({ ...ok, x }, { activation: 'softmax' as CellActivation })).toThrow(ValueError);
    expect(() => lstmForwardWasm({ ...ok, x, recurrentDropoutMask: { data: new Float32Array(1), shape: [1, 1] } })).toThrow(/no recurrent dropout mask/);
    expect(() => lstmForwardWasm({ ...ok, x, mask: { data: new Float32Array(2), shape: [1, 2] } })).toThrow(ShapeError);
    const lstm = new WasmLstm(ok);
    expect(() => lstm.forward({ data: new Float32Array(9), shape: [1, 3, 3] })).toThrow(/x \[batch, timesteps, 2\]/);
    expect(() =>
      lstm.forward(x, [
        { data: new Float32Array(2), shape: [2, 1] },
        { data: new Float32Array(1), shape: [1, 1] },
      ]),
    ).toThrow(ShapeError);
  });
});
