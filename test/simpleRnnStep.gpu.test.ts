/**
 * The SimpleRNN kernels on WebGPU (shaders/simpleRnnStep.wgsl through the functional API) against the float64
 * CPU reference (src/reference/simpleRnnStep.ts): forward outputs and final state, and every gradient of BPTT,
 * over the pairwise table (sizes × tanh/relu × goBackwards × states) plus sigmoid and linear.
 */
import { describe, expect, it } from 'vitest';
import type { CellActivation } from '../src/kernels/activations';
import { defaultSimpleRnnVariant } from '../src/kernels/simpleRnnStep';
import { simpleRnnBackward, simpleRnnForward } from '../src/reference/simpleRnnStep';
import { encodeFloats } from './support/base64';
import { expectClose, expectCloseRelativeToMax } from './support/compare';
import { skipGpu, useHarness } from './support/page';
import { SIMPLE_RNN_TABLE, recurrentCaseData, type RecurrentCaseData } from './support/recurrentCases';
import { GRADIENT_RELATIVE_TO_MAX, SEQUENCE, STEP } from './support/tolerances';

interface Case {
  batch: number;
  timesteps: number;
  features: number;
  units: number;
  activation: CellActivation;
  goBackwards: boolean;
  initialState: boolean;
  returnSequences: boolean;
  stateGradients: boolean;
  /** A pinned forward kernel; unset, defaultSimpleRnnVariant's. */
  variant?: 'step' | 'seq' | 'sparse' | 'sparseStep';
}

const EXTRA: Case[] = [
  { batch: 3, timesteps: 7, features: 5, units: 7, activation: 'sigmoid', goBackwards: true, initialState: true, returnSequences: true, stateGradients: true },
  { batch: 3, timesteps: 7, features: 5, units: 7, activation: 'linear', goBackwards: false, initialState: true, returnSequences: false, stateGradients: true },
];

// Every case on its default forward kernel, and each once more on the other one; the extra cases also over the
// recurrent kernel's non-zeros ('sparse', 'sparseStep': a dense kernel there is all non-zeros, the same sum).
const CASES: Case[] = [...SIMPLE_RNN_TABLE, ...EXTRA].flatMap((c) => [
  c,
  { ...c, variant: defaultSimpleRnnVariant(c) === 'seq' ? ('step' as const) : ('seq' as const) },
  ...(EXTRA.includes(c)
    ? [
        { ...c, variant: 'sparse' as const },
        { ...c, variant: 'sparseStep' as const },
      ]
    : []),
]);
const name = (c: Case) =>
  `B${c.batch} T${c.timesteps} F${c.features} U${c.units} ${c.activation}` +
  `${c.goBackwards ? ' back' : ''}${c.initialState ? ' h0' : ''}${c.returnSequences ? ' seq' : ''}${c.stateGradients ? ' dh' : ''}` +
  ` [${c.variant ?? `${defaultSimpleRnnVariant(c)}, default`}]`;

function tensors<T>(c: Case, d: RecurrentCaseData, wrap: (data: Float32Array, shape: number[]) => T) {
  const { batch: B, timesteps: T, features: F, units: U } = c;
  return {
    x: wrap(d.x, [B, T, F]),
    kernel: wrap(d.kernel, [F, U]),
    recurrentKernel: wrap(d.recurrentKernel, [U, U]),
    bias: wrap(d.bias, [U]),
    ...(d.h0 ? { initialState: [wrap(d.h0, [B, U])] as [T] } : {}),
  };
}
const enc = (data: Float32Array, shape: number[]) => ({ data: encodeFloats(data), shape });
const plain = (data: Float32Array, shape: number[]) => ({ data, shape });

describe.skipIf(skipGpu)('simpleRnnStep on WebGPU vs the float64 reference', () => {
  const page = useHarness();

  it.each(CASES.map((c, i) => [name(c), c, i] as const))('%s', async (_label, c, index) => {
    const d = recurrentCaseData(c, 1, 1, 3000 + index);
    const { batch: B, timesteps: T, units: U } = c;
    const options = { activation: c.activation, returnSequences: c.returnSequences, goBackwards: c.goBackwards, ...(c.variant ? { variant: c.variant } : {}) };
    // The sequence kernel runs the whole forward recurrence in one dispatch.
    const forwardSteps = { seq: 1, sparse: 2, step: T, sparseStep: 1 + T }[c.variant ?? defaultSimpleRnnVariant(c)];
    const tol = T === 1 ? STEP : SEQUENCE;

    const fwd = await page.run('simpleRnn', { inputs: tensors(c, d, enc), options });
    expect(fwd.validationError).toBeNull();
    expect(fwd.dispatches, 'forward: one input GEMM + one fused step per timestep, or one for them all').toBe(1 + forwardSteps);
    expect(fwd.submits, 'forward: one submit for the sequence + one for the readback').toBe(2);
    expect(fwd.liveBuffersAfter, 'every buffer freed').toBe(0);
    const ref = simpleRnnForward(tensors(c, d, plain), options);
    expectClose(fwd.outputs.output!, ref.output.data, tol, 'output');
    expectClose(fwd.outputs.h!, ref.h.data, tol, 'final h');

    const outShape = c.returnSequences ? [B, T, U] : [B, U];
    const grads = { dOutput: enc(d.dOutput, outShape), ...(c.stateGradients ? { dh: enc(d.dh, [B, U]) } : {}) };
    const back = await page.run('simpleRnn', { inputs: tensors(c, d, enc), grads, options });
    expect(back.validationError).toBeNull();
    expect(back.dispatches, 'forward 1 + T (or 2), backward T steps + 4 GEMMs + 1 column sum').toBe(1 + forwardSteps + T + 5);
    expect(back.submits).toBe(2);
    expect(back.liveBuffersAfter).toBe(0);
    const refGrads = simpleRnnBackward(
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
