/**
 * The GRU kernels on WebGPU (shaders/gruStep.wgsl and the gruStepVec4*.wgsl family, each variant through the
 * functional API) against the float64 CPU reference (src/reference/gruStep.ts): forward outputs and final state, and every gradient of BPTT, over the
 * pairwise table (sizes × activation × resetAfter × goBackwards × states) plus the activations it does not reach.
 */
import { describe, expect, it } from 'vitest';
import type { CellActivation, GateActivation } from '../src/kernels/activations';
import { GRU_FUSED_INPUT_MAX_FEATURES, GRU_VARIANTS, type GruVariant } from '../src/kernels/gruStep';
import { GRU_WEIGHT_GRAD_MAX_FEATURES } from '../src/kernels/gruStepVec4';
import { gruBackward, gruForward } from '../src/reference/gruStep';
import { encodeFloats } from './support/base64';
import { expectClose, expectCloseRelativeToMax } from './support/compare';
import { skipGpu, useHarness } from './support/page';
import { GRU_TABLE, recurrentCaseData, type RecurrentCaseData } from './support/recurrentCases';
import { GRADIENT_RELATIVE_TO_MAX, SEQUENCE, STEP } from './support/tolerances';

interface Case {
  batch: number;
  timesteps: number;
  features: number;
  units: number;
  activation: CellActivation;
  recurrentActivation?: GateActivation;
  resetAfter: boolean;
  goBackwards: boolean;
  initialState: boolean;
  returnSequences: boolean;
  stateGradients: boolean;
}

const EXTRA: Case[] = [
  // the Keras tutorial's shape with a GRU: GRU(50, activation='relu') on 60 steps of 1 feature, batch 32
  {
    batch: 32,
    timesteps: 60,
    features: 1,
    units: 50,
    activation: 'relu',
    resetAfter: true,
    goBackwards: false,
    initialState: false,
    returnSequences: false,
    stateGradients: false,
  },
  {
    batch: 3,
    timesteps: 7,
    features: 5,
    units: 7,
    activation: 'sigmoid',
    recurrentActivation: 'hardSigmoid',
    resetAfter: false,
    goBackwards: true,
    initialState: true,
    returnSequences: true,
    stateGradients: true,
  },
  {
    batch: 3,
    timesteps: 7,
    features: 5,
    units: 7,
    activation: 'linear',
    recurrentActivation: 'hardSigmoid',
    resetAfter: true,
    goBackwards: true,
    initialState: true,
    returnSequences: false,
    stateGradients: true,
  },
  // the benchmark's GRU: reset_after=false (TF.js's only kind), the tutorial's shape
  {
    batch: 32,
    timesteps: 60,
    features: 1,
    units: 50,
    activation: 'relu',
    resetAfter: false,
    goBackwards: false,
    initialState: false,
    returnSequences: false,
    stateGradients: false,
  },
  // the vec4 blocks' edges: batch and units past a multiple of 4, features past the fused-input limit
  {
    batch: 5,
    timesteps: 9,
    features: 33,
    units: 13,
    activation: 'tanh',
    resetAfter: false,
    goBackwards: true,
    initialState: true,
    returnSequences: true,
    stateGradients: true,
  },
  {
    batch: 6,
    timesteps: 9,
    features: 40,
    units: 9,
    activation: 'relu',
    resetAfter: true,
    goBackwards: false,
    initialState: true,
    returnSequences: true,
    stateGradients: true,
  },
  // the 8-row blocks (batch ≥ 8): a full block and a partial one (13 = 8 + 5), units past a multiple of 4
  {
    batch: 13,
    timesteps: 6,
    features: 3,
    units: 10,
    activation: 'tanh',
    resetAfter: false,
    goBackwards: false,
    initialState: true,
    returnSequences: true,
    stateGradients: true,
  },
  {
    batch: 13,
    timesteps: 6,
    features: 3,
    units: 10,
    activation: 'relu',
    resetAfter: true,
    goBackwards: true,
    initialState: true,
    returnSequences: false,
    stateGradients: true,
  },
  {
    batch: 9,
    timesteps: 5,
    features: 34,
    units: 6,
    activation: 'tanh',
    resetAfter: false,
    goBackwards: true,
    initialState: false,
    returnSequences: true,
    stateGradients: false,
  },
  // weight_grad's x rows past one 8-row block (12 features + the bias row), h rows past a multiple of 8
  {
    batch: 8,
    timesteps: 4,
    features: 12,
    units: 17,
    activation: 'relu',
    resetAfter: false,
    goBackwards: false,
    initialState: false,
    returnSequences: false,
    stateGradients: true,
  },
  {
    batch: 8,
    timesteps: 4,
    features: 12,
    units: 17,
    activation: 'tanh',
    resetAfter: true,
    goBackwards: true,
    initialState: true,
    returnSequences: true,
    stateGradients: false,
  },
];

const CASES: Case[] = [...GRU_TABLE, ...EXTRA];
const name = (c: Case) =>
  `B${c.batch} T${c.timesteps} F${c.features} U${c.units} ${c.activation}/${c.recurrentActivation ?? 'sigmoid'}` +
  ` ${c.resetAfter ? 'after' : 'before'}${c.goBackwards ? ' back' : ''}${c.initialState ? ' h0' : ''}${c.returnSequences ? ' seq' : ''}${c.stateGradients ? ' dh' : ''}`;

function tensors<T>(c: Case, d: RecurrentCaseData, wrap: (data: Float32Array, shape: number[]) => T) {
  const { batch: B, timesteps: T, features: F, units: U } = c;
  return {
    x: wrap(d.x, [B, T, F]),
    kernel: wrap(d.kernel, [F, 3 * U]),
    recurrentKernel: wrap(d.recurrentKernel, [U, 3 * U]),
    bias: wrap(d.bias, c.resetAfter ? [2, 3 * U] : [3 * U]),
    ...(d.h0 ? { initialState: [wrap(d.h0, [B, U])] as [T] } : {}),
  };
}
const enc = (data: Float32Array, shape: number[]) => ({ data: encodeFloats(data), shape });
const plain = (data: Float32Array, shape: number[]) => ({ data, shape });

describe.skipIf(skipGpu)('gruStep on WebGPU vs the float64 reference', () => {
  const page = useHarness();

  // Every kernel variant runs the whole table. Dispatches per step: 1 (resetAfter) or 2 (reset before), forward
  // and backward. Forward: the input GEMM, then the steps (vec4: + the weight pack + the compact initial state,
  // and no GEMM for ≤ GRU_FUSED_INPUT_MAX_FEATURES features). Backward: the steps, one initial-state gradient,
  // 3 GEMMs (dX, dW, dU) and a column sum per bias row (vec4: + the pack, + an unpack after dW and after dU,
  // one bias-gradient entry for both rows, and with reset before a 4th GEMM for dU's candidate columns).
  const forwardDispatches = (v: GruVariant, perStepT: number, F: number) =>
    v === 'step' ? 1 + perStepT : 2 + (F <= GRU_FUSED_INPUT_MAX_FEATURES ? 0 : 1) + perStepT;
  // vec4 with ≤ GRU_WEIGHT_GRAD_MAX_FEATURES features: pack, steps, initial-state gradient, dX, one weight_grad.
  const backwardDispatches = (v: GruVariant, perStepT: number, resetAfter: boolean, F: number) =>
    v === 'step' ? perStepT + 1 + 3 + (resetAfter ? 2 : 1) : perStepT + (F <= GRU_WEIGHT_GRAD_MAX_FEATURES ? 4 : resetAfter ? 8 : 9);
  const table = GRU_VARIANTS.flatMap((variant) => CASES.map((c, i) => [`${variant} ${name(c)}`, c, i, variant] as const));
  it.each(table)('%s', async (_label, c, index, variant) => {
    const d = recurrentCaseData(c, 3, c.resetAfter ? 2 : 1, 2000 + index);
    const { batch: B, timesteps: T, units: U } = c;
    const options = {
      activation: c.activation,
      recurrentActivation: c.recurrentActivation ?? 'sigmoid',
      returnSequences: c.returnSequences,
      goBackwards: c.goBackwards,
      resetAfter: c.resetAfter,
      variant,
    };
    const tol = T === 1 ? STEP : SEQUENCE;
    // reset before needs two dispatches per step, forward and backward (see the WGSL header)
    const perStep = c.resetAfter ? 1 : 2;

    const fwd = await page.run('gru', { inputs: tensors(c, d, enc), options });
    expect(fwd.validationError).toBeNull();
    expect(fwd.dispatches, 'forward: the input GEMM (or the pack) + the step dispatches').toBe(forwardDispatches(variant, perStep * T, c.features));
    expect(fwd.submits, 'forward: one submit for the sequence + one for the readback').toBe(2);
    expect(fwd.liveBuffersAfter, 'every buffer freed').toBe(0);
    const ref = gruForward(tensors(c, d, plain), options);
    expectClose(fwd.outputs.output!, ref.output.data, tol, 'output');
    expectClose(fwd.outputs.h!, ref.h.data, tol, 'final h');

    const outShape = c.returnSequences ? [B, T, U] : [B, U];
    const grads = { dOutput: enc(d.dOutput, outShape), ...(c.stateGradients ? { dh: enc(d.dh, [B, U]) } : {}) };
    const back = await page.run('gru', { inputs: tensors(c, d, enc), grads, options });
    expect(back.validationError).toBeNull();
    expect(back.dispatches).toBe(forwardDispatches(variant, perStep * T, c.features) + backwardDispatches(variant, perStep * T, c.resetAfter, c.features));
    expect(back.submits).toBe(2);
    expect(back.liveBuffersAfter).toBe(0);
    const refGrads = gruBackward(
      tensors(c, d, plain),
      { dOutput: plain(d.dOutput, outShape), ...(c.stateGradients ? { dh: plain(d.dh, [B, U]) } : {}) },
      options,
    );
    expectClose(back.outputs.output!, refGrads.output.data, tol, 'output (backward call)');
    for (const key of ['dX', 'dKernel', 'dRecurrentKernel', 'dBias', 'dh0'] as const) {
      expectCloseRelativeToMax(back.outputs[key]!, refGrads[key].data, GRADIENT_RELATIVE_TO_MAX, key);
    }
  });
});
