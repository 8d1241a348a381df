/**
 * The SRU kernels on WebGPU (shaders/sruSeq.wgsl through the functional API) against the float64 CPU reference
 * (src/reference/sruSeq.ts): forward outputs and final states, and every gradient of BPTT, over the pairwise
 * table (sizes × linear/tanh × goBackwards × states), the identity skip (features = units), a mask and recurrent
 * dropout. Each direction is one GEMM and one dispatch whatever the length: the counts prove it.
 */
import { describe, expect, it } from 'vitest';
import type { CellActivation } from '../src/kernels/activations';
import { sruBackward, sruForward } from '../src/reference/sruSeq';
import { encodeFloats } from './support/base64';
import { expectClose, expectCloseRelativeToMax } from './support/compare';
import { skipGpu, useHarness } from './support/page';
import { rng, uniform } from './support/random';
import { SRU_TABLE } from './support/recurrentCases';
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
  masked?: boolean;
  dropout?: boolean;
  /** Pinned kernels: 'single' takes one feature only. Unset: defaultSruVariant's. */
  variant?: 'seq' | 'single';
}

const EXTRA: Case[] = [
  // features = units: the skip is x itself (3 kernel blocks), its gradient added to dX.
  { batch: 3, timesteps: 7, features: 7, units: 7, activation: 'linear', goBackwards: false, initialState: true, returnSequences: true, stateGradients: true },
  {
    batch: 32,
    timesteps: 60,
    features: 50,
    units: 50,
    activation: 'tanh',
    goBackwards: true,
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
    goBackwards: true,
    initialState: true,
    returnSequences: true,
    stateGradients: true,
    masked: true,
  },
  {
    batch: 3,
    timesteps: 7,
    features: 7,
    units: 7,
    activation: 'relu',
    goBackwards: false,
    initialState: true,
    returnSequences: false,
    stateGradients: true,
    masked: true,
    dropout: true,
  },
];

// One feature: the table's F1 cases run the default ('single'), and each once more on 'seq'; so do the extras.
const ONE_FEATURE: Case[] = [
  {
    batch: 3,
    timesteps: 7,
    features: 1,
    units: 5,
    activation: 'tanh',
    goBackwards: true,
    initialState: true,
    returnSequences: true,
    stateGradients: true,
    masked: true,
  },
  {
    batch: 2,
    timesteps: 6,
    features: 1,
    units: 4,
    activation: 'linear',
    goBackwards: false,
    initialState: true,
    returnSequences: false,
    stateGradients: true,
    dropout: true,
  },
  {
    batch: 2,
    timesteps: 5,
    features: 1,
    units: 1,
    activation: 'linear',
    goBackwards: false,
    initialState: false,
    returnSequences: true,
    stateGradients: false,
  },
];
const CASES: Case[] = [
  ...SRU_TABLE,
  ...SRU_TABLE.filter((c) => c.features === 1).map((c) => ({ ...c, variant: 'seq' as const })),
  ...EXTRA,
  ...ONE_FEATURE,
  ...ONE_FEATURE.map((c) => ({ ...c, variant: 'seq' as const })),
];
const name = (c: Case) =>
  `B${c.batch} T${c.timesteps} F${c.features} U${c.units} ${c.activation}` +
  `${c.goBackwards ? ' back' : ''}${c.initialState ? ' state0' : ''}${c.returnSequences ? ' seq' : ''}${c.stateGradients ? ' dstate' : ''}` +
  `${c.masked ? ' masked' : ''}${c.dropout ? ' dropout' : ''}${c.variant ? ` [${c.variant}]` : ''}`;

function caseData(c: Case, seed: number) {
  const random = rng(seed);
  const { batch: B, timesteps: T, features: F, units: U } = c;
  const blocks = F === U ? 3 : 4;
  // Padding at the front of row 0 and the back of row 1, as padSequences' two sides give.
  const mask = Float32Array.from({ length: B * T }, (_, i) => (i < 2 ? 0 : i >= 2 * T - 2 && i < 2 * T ? 0 : 1));
  const keep = Float32Array.from({ length: B * U }, () => (random() < 0.3 ? 0 : 1 / 0.7));
  return {
    x: uniform(random, B * T * F, 1),
    kernel: uniform(random, F * blocks * U, 1 / Math.sqrt(Math.max(U, F))),
    recurrentWeights: uniform(random, 2 * U, 0.5),
    bias: uniform(random, 2 * U, 0.1),
    h0: uniform(random, B * U, 0.5),
    c0: uniform(random, B * U, 0.5),
    dOutput: uniform(random, c.returnSequences ? B * T * U : B * U, 1),
    dh: uniform(random, B * U, 1),
    dc: uniform(random, B * U, 1),
    mask,
    keep,
  };
}

function tensors<T>(c: Case, d: ReturnType<typeof caseData>, wrap: (data: Float32Array, shape: number[]) => T) {
  const { batch: B, timesteps: T, features: F, units: U } = c;
  return {
    x: wrap(d.x, [B, T, F]),
    kernel: wrap(d.kernel, [F, d.kernel.length / F]),
    recurrentWeights: wrap(d.recurrentWeights, [2, U]),
    bias: wrap(d.bias, [2, U]),
    ...(c.initialState ? { initialState: [wrap(d.h0, [B, U]), wrap(d.c0, [B, U])] as [T, T] } : {}),
    ...(c.masked ? { mask: wrap(d.mask, [B, T]) } : {}),
    ...(c.dropout ? { recurrentDropoutMask: wrap(d.keep, [B, U]) } : {}),
  };
}
const enc = (data: Float32Array, shape: number[]) => ({ data: encodeFloats(data), shape });
const plain = (data: Float32Array, shape: number[]) => ({ data, shape });

describe.skipIf(skipGpu)('sruSeq on WebGPU vs the float64 reference', () => {
  const page = useHarness();

  it.each(CASES.map((c, i) => [name(c), c, i] as const))('%s', async (_label, c, index) => {
    const d = caseData(c, 5000 + index);
    const { batch: B, timesteps: T, units: U } = c;
    const options = { activation: c.activation, returnSequences: c.returnSequences, goBackwards: c.goBackwards, ...(c.variant ? { variant: c.variant } : {}) };
    // One feature runs the 'single' kernels by default: no GEMM for the projections, nor for dW.
    const single = c.features === 1 && c.variant !== 'seq' ? 1 : 0;
    const tol = T === 1 ? STEP : SEQUENCE;

    const fwd = await page.run('sru', { inputs: tensors(c, d, enc), options });
    expect(fwd.validationError).toBeNull();
    expect(fwd.dispatches, 'forward: one input GEMM (none for one feature) + one dispatch for the whole recurrence').toBe(2 - single);
    expect(fwd.liveBuffersAfter, 'every buffer freed').toBe(0);
    const ref = sruForward(tensors(c, d, plain), options);
    expectClose(fwd.outputs.output!, ref.output.data, tol, 'output');
    expectClose(fwd.outputs.h!, ref.h.data, tol, 'final h');
    expectClose(fwd.outputs.c!, ref.c.data, tol, 'final c');

    const outShape = c.returnSequences ? [B, T, U] : [B, U];
    const stateGrads = <T>(wrap: (data: Float32Array, shape: number[]) => T) => (c.stateGradients ? { dh: wrap(d.dh, [B, U]), dc: wrap(d.dc, [B, U]) } : {});
    const back = await page.run('sru', { inputs: tensors(c, d, enc), grads: { dOutput: enc(d.dOutput, outShape), ...stateGrads(enc) }, options });
    expect(back.validationError).toBeNull();
    const identity = c.features === c.units ? 1 : 0;
    expect(back.dispatches, 'forward 2; backward 1 recurrence + 1 column sum + 2 GEMMs (+ the skip add); one GEMM fewer each way for one feature').toBe(
      2 + 4 + identity - 2 * single,
    );
    expect(back.liveBuffersAfter).toBe(0);
    const refGrads = sruBackward(tensors(c, d, plain), { dOutput: plain(d.dOutput, outShape), ...stateGrads(plain) }, options);
    expectClose(back.outputs.output!, refGrads.output.data, tol, 'output (backward call)');
    for (const key of ['dX', 'dKernel', 'dRecurrentWeights', 'dBias', 'dh0', 'dc0'] as const) {
      expectCloseRelativeToMax(back.outputs[key]!, refGrads[key].data, GRADIENT_RELATIVE_TO_MAX, key);
    }
  });
});
