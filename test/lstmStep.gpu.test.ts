/**
 * The fused LSTM kernels on WebGPU (shaders/lstmStep.wgsl through the functional API) against the float64 CPU
 * reference (src/reference/lstmStep.ts): forward outputs and final states, and every gradient of BPTT, over
 * the pairwise table of the core issue plus the activations the table does not reach and goBackwards.
 */
import { describe, expect, it } from 'vitest';
import { lstmBackward, lstmForward } from '../src/reference/lstmStep';
import type { CellActivation, GateActivation } from '../src/kernels/activations';
import { LSTM_FUSED_INPUT_MAX_FEATURES, LSTM_VARIANTS, type LstmVariant } from '../src/kernels/lstmStep';
import { LSTM_WEIGHT_GRAD_MAX_UNITS } from '../src/kernels/lstmWeightGrad';
import { encodeFloats } from './support/base64';
import { expectClose, expectCloseRelativeToMax } from './support/compare';
import { LSTM_TABLE, lstmCaseData, type LstmCaseData } from './support/lstmCases';
import { skipGpu, useHarness } from './support/page';
import { GRADIENT_RELATIVE_TO_MAX, SEQUENCE, STEP } from './support/tolerances';

interface Case {
  batch: number;
  timesteps: number;
  features: number;
  units: number;
  activation: CellActivation;
  recurrentActivation?: GateActivation;
  initialState: boolean;
  returnSequences: boolean;
  stateGradients: boolean;
  goBackwards?: boolean;
}

const EXTRA: Case[] = [
  // the Keras tutorial's layer: LSTM(50, activation='relu') on 60 steps of 1 feature, batch 32
  { batch: 32, timesteps: 60, features: 1, units: 50, activation: 'relu', initialState: false, returnSequences: false, stateGradients: false },
  {
    batch: 3,
    timesteps: 7,
    features: 5,
    units: 7,
    activation: 'sigmoid',
    recurrentActivation: 'hardSigmoid',
    initialState: true,
    returnSequences: true,
    stateGradients: true,
  },
  { batch: 3, timesteps: 7, features: 5, units: 7, activation: 'linear', initialState: true, returnSequences: false, stateGradients: true },
  // goBackwards: initial state in slot T, outputs back in processing order, dG aligned with x for the GEMMs
  { batch: 3, timesteps: 7, features: 5, units: 7, activation: 'tanh', initialState: true, returnSequences: true, stateGradients: true, goBackwards: true },
  {
    batch: 32,
    timesteps: 60,
    features: 1,
    units: 50,
    activation: 'relu',
    initialState: false,
    returnSequences: false,
    stateGradients: false,
    goBackwards: true,
  },
  { batch: 1, timesteps: 1, features: 33, units: 64, activation: 'tanh', initialState: true, returnSequences: true, stateGradients: false, goBackwards: true },
  {
    batch: 3,
    timesteps: 60,
    features: 33,
    units: 130,
    activation: 'relu',
    recurrentActivation: 'hardSigmoid',
    initialState: true,
    returnSequences: false,
    stateGradients: true,
    goBackwards: true,
  },
  // a batch of 8 or more runs 8-row blocks (forward8 in lstmStepVec4Forward.wgsl, backward8 in lstmStepVec4Backward.wgsl): 13 rows end in a partial block
  { batch: 13, timesteps: 5, features: 3, units: 9, activation: 'tanh', initialState: true, returnSequences: true, stateGradients: true },
];

const CASES: Case[] = [...LSTM_TABLE, ...EXTRA];
const name = (c: Case) =>
  `B${c.batch} T${c.timesteps} F${c.features} U${c.units} ${c.activation}/${c.recurrentActivation ?? 'sigmoid'}` +
  `${c.initialState ? ' h0c0' : ''}${c.returnSequences ? ' seq' : ''}${c.stateGradients ? ' dhdc' : ''}${c.goBackwards ? ' back' : ''}`;

function enc(data: Float32Array, shape: number[]) {
  return { data: encodeFloats(data), shape };
}

function pageInputs(c: Case, d: LstmCaseData) {
  const { batch: B, timesteps: T, features: F, units: U } = c;
  return {
    x: enc(d.x, [B, T, F]),
    kernel: enc(d.kernel, [F, 4 * U]),
    recurrentKernel: enc(d.recurrentKernel, [U, 4 * U]),
    bias: enc(d.bias, [4 * U]),
    ...(d.h0 && d.c0 ? { initialState: [enc(d.h0, [B, U]), enc(d.c0, [B, U])] as [ReturnType<typeof enc>, ReturnType<typeof enc>] } : {}),
  };
}

function referenceInputs(c: Case, d: LstmCaseData) {
  const { batch: B, timesteps: T, features: F, units: U } = c;
  return {
    x: { data: d.x, shape: [B, T, F] },
    kernel: { data: d.kernel, shape: [F, 4 * U] },
    recurrentKernel: { data: d.recurrentKernel, shape: [U, 4 * U] },
    bias: { data: d.bias, shape: [4 * U] },
    ...(d.h0 && d.c0
      ? {
          initialState: [
            { data: d.h0, shape: [B, U] },
            { data: d.c0, shape: [B, U] },
          ] as const,
        }
      : {}),
  };
}

describe.skipIf(skipGpu)('lstmStep on WebGPU vs the float64 reference', () => {
  const page = useHarness();

  it('runs on a real WebGPU adapter', async () => {
    const adapter = await page.call('adapter');
    expect(adapter.vendor + adapter.architecture + adapter.description).not.toBe('');
  });

  // Every kernel variant runs the whole table. Dispatches, forward: the input GEMM and one step per timestep
  // (vec4: + the weight pack + the compact initial state, and no GEMM for ≤ LSTM_FUSED_INPUT_MAX_FEATURES
  // features; seq: the same with one dispatch for every step). Backward: the steps (vec4: + the pack; seq: the
  // pack + 1), then 4 GEMMs and the bias-gradient sum.
  const fusedInput = (variant: LstmVariant, F: number) => (variant !== 'step' && F <= LSTM_FUSED_INPUT_MAX_FEATURES ? 1 : 0);
  const forwardDispatches: Record<LstmVariant, (T: number) => number> = { step: (T) => 1 + T, vec4: (T) => 3 + T, seq: () => 4 };
  // vec4 and seq: pack + steps + dh0 and dX GEMMs + dU, dW, db: one dispatch (lstmWeightGrad.wgsl) for few units
  const weightGrads = (units: number) => (units <= LSTM_WEIGHT_GRAD_MAX_UNITS ? 1 : 3);
  const backwardDispatches: Record<LstmVariant, (T: number, U: number) => number> = {
    step: (T) => T + 5,
    vec4: (T, U) => T + 3 + weightGrads(U),
    seq: (_T, U) => 4 + weightGrads(U),
  };
  const table = LSTM_VARIANTS.flatMap((variant) => CASES.map((c, i) => [`${variant} ${name(c)}`, c, i, variant] as const));
  it.each(table)('%s', async (_label, c, index, variant) => {
    const d = lstmCaseData(c, 1000 + index);
    const options = {
      activation: c.activation,
      recurrentActivation: c.recurrentActivation ?? 'sigmoid',
      returnSequences: c.returnSequences,
      goBackwards: c.goBackwards ?? false,
      variant,
    };
    const { batch: B, timesteps: T, features: F, units: U } = c;
    const tol = T === 1 ? STEP : SEQUENCE;

    const fwd = await page.run('lstm', { inputs: pageInputs(c, d), options });
    expect(fwd.validationError).toBeNull();
    expect(fwd.dispatches, 'forward: one input GEMM + the recurrence').toBe(forwardDispatches[variant](T) - fusedInput(variant, F));
    expect(fwd.submits, 'forward: one submit for the sequence + one for the readback').toBe(2);
    expect(fwd.liveBuffersAfter, 'every buffer freed').toBe(0);
    const ref = lstmForward(referenceInputs(c, d), options);
    expectClose(fwd.outputs.output!, ref.output.data, tol, 'output');
    expectClose(fwd.outputs.h!, ref.h.data, tol, 'final h');
    expectClose(fwd.outputs.c!, ref.c.data, tol, 'final c');

    const outShape = c.returnSequences ? [B, T, U] : [B, U];
    const grads = {
      dOutput: enc(d.dOutput, outShape),
      ...(c.stateGradients ? { dh: enc(d.dh, [B, U]), dc: enc(d.dc, [B, U]) } : {}),
    };
    const back = await page.run('lstm', { inputs: pageInputs(c, d), grads, options });
    expect(back.validationError).toBeNull();
    expect(back.dispatches, 'forward, then the backward steps + GEMMs + the weight gradients').toBe(
      forwardDispatches[variant](T) - fusedInput(variant, F) + backwardDispatches[variant](T, c.units),
    );
    expect(back.submits).toBe(2);
    expect(back.liveBuffersAfter).toBe(0);
    const refGrads = lstmBackward(
      referenceInputs(c, d),
      {
        dOutput: { data: d.dOutput, shape: outShape },
        ...(c.stateGradients ? { dh: { data: d.dh, shape: [B, U] }, dc: { data: d.dc, shape: [B, U] } } : {}),
      },
      options,
    );
    expectClose(back.outputs.output!, refGrads.output.data, tol, 'output (backward call)');
    for (const key of ['dX', 'dKernel', 'dRecurrentKernel', 'dBias', 'dh0', 'dc0'] as const) {
      expectCloseRelativeToMax(back.outputs[key]!, refGrads[key].data, GRADIENT_RELATIVE_TO_MAX, key);
    }
    expect(back.outputs.dX!.length).toBe(B * T * F);
  });
});
