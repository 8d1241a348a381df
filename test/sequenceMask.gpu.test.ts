/**
 * Keras's timestep mask on WebGPU against the float64 twins: the recurrent step kernels with MASKED
 * (shaders/direction.wgsl) through the functional APIs, forward and backward, for padding at the end, at the
 * start, in holes and over a whole row, in both directions, with initial states and final-state gradients.
 * A masked step must keep the states exactly (the carried h is the output there) and pass dh and dc through whole.
 * The LSTM, the GRU in both reset conventions (its carry of dh past masked steps is its own bypass carry) and the
 * SimpleRNN (direction.wgsl's dh_carry) each run every case. Also the mask kernels of shaders/sequenceMask.wgsl and
 * the masked average pooling against their twins (src/reference/sequenceMask.ts, globalPooling1d.ts).
 */
import { describe, expect, it } from 'vitest';
import { gruBackward } from '../src/reference/gruStep';
import { lstmBackward } from '../src/reference/lstmStep';
import { maskedAvgPoolBackward, maskedAvgPoolForward } from '../src/reference/globalPooling1d';
import { lossWeights, maskApply, maskFromValues } from '../src/reference/sequenceMask';
import { rng, uniform } from './support/random';
import { LSTM_VARIANTS } from '../src/kernels/lstmStep';
import { simpleRnnBackward } from '../src/reference/simpleRnnStep';
import { encodeFloats } from './support/base64';
import { expectClose, expectCloseRelativeToMax } from './support/compare';
import { lstmCaseData } from './support/lstmCases';
import { stepMask } from './support/maskCases';
import { skipGpu, useHarness } from './support/page';
import { recurrentCaseData, type RecurrentCase } from './support/recurrentCases';
import { GRADIENT_RELATIVE_TO_MAX, SEQUENCE, STEP } from './support/tolerances';

interface Case extends RecurrentCase {
  stateGradients: boolean;
  goBackwards: boolean;
}

const CASES: Case[] = [
  { batch: 5, timesteps: 9, features: 3, units: 6, initialState: false, returnSequences: false, stateGradients: false, goBackwards: false },
  { batch: 6, timesteps: 8, features: 4, units: 5, initialState: true, returnSequences: true, stateGradients: true, goBackwards: false },
  { batch: 6, timesteps: 8, features: 4, units: 5, initialState: true, returnSequences: true, stateGradients: true, goBackwards: true },
  { batch: 4, timesteps: 1, features: 2, units: 3, initialState: true, returnSequences: false, stateGradients: true, goBackwards: false },
  // 8-row blocks with a partial one (the register-blocked LSTM's forward8/backward8), and an input GEMM (> 32 features)
  { batch: 11, timesteps: 6, features: 34, units: 7, initialState: true, returnSequences: true, stateGradients: true, goBackwards: true },
];
const name = (c: Case) =>
  `B${c.batch} T${c.timesteps} F${c.features} U${c.units}${c.initialState ? ' h0' : ''}${c.returnSequences ? ' seq' : ''}` +
  `${c.stateGradients ? ' dFinal' : ''}${c.goBackwards ? ' back' : ''}`;

type Tensor = { data: Float32Array; shape: number[] };
const enc = (data: Float32Array, shape: number[]) => ({ data: encodeFloats(data), shape });
const f64 = (data: Float32Array, shape: number[]): Tensor => ({ data, shape });
const encoded = <V extends Record<string, unknown>>(o: V) =>
  Object.fromEntries(
    Object.entries(o).map(([k, v]) => [k, Array.isArray(v) ? v.map((t: Tensor) => enc(t.data, t.shape)) : enc((v as Tensor).data, (v as Tensor).shape)]),
  );

/** Row 3 is all padding: its final h, and every output of a returned sequence, is its initial h bit for bit. */
function expectRow3Kept(c: Case, h0: Float32Array | null, out: { h: Float32Array; output: Float32Array }) {
  const U = c.units;
  const initial = Array.from((h0 ?? new Float32Array(c.batch * U)).subarray(3 * U, 4 * U));
  expect(Array.from(out.h.subarray(3 * U, 4 * U)), 'row 3 final h').toEqual(initial);
  if (!c.returnSequences) return;
  for (let s = 0; s < c.timesteps; s++) {
    const at = (3 * c.timesteps + s) * U;
    expect(Array.from(out.output.subarray(at, at + U)), `row 3 output ${s}`).toEqual(initial);
  }
}

const SINGLE_STATE_GRADS = ['dX', 'dKernel', 'dRecurrentKernel', 'dBias', 'dh0'] as const;

// The GRU's rows in both reset conventions and both variants (the register-blocked one reads the mask in its cells).
const GRU_ROWS = (['step', 'vec4'] as const).flatMap((variant) =>
  [true, false].flatMap((resetAfter) => CASES.map((c, i) => [`${variant} ${name(c)} ${resetAfter ? 'after' : 'before'}`, c, i, resetAfter, variant] as const)),
);

describe.skipIf(skipGpu)('masked recurrences on WebGPU vs the float64 twins', () => {
  const page = useHarness();

  /**
   * Runs one masked cell through its page case, backward (which returns the forward outputs too), then forward
   * alone, and compares both with the twin's `ref`: the output, the final `states`, every gradient in `grads`, and
   * row 3's kept state.
   */
  async function expectAsTwin(
    kind: 'lstm' | 'gru' | 'simpleRnn',
    c: Case,
    h0: Float32Array | null,
    run: { tensors: Record<string, unknown>; gradTensors: Record<string, unknown>; options: Record<string, unknown> },
    ref: { output: { data: Float64Array } },
    states: readonly string[],
    grads: readonly string[],
  ): Promise<void> {
    const twin = ref as unknown as Record<string, { data: Float64Array }>;
    const inputs = encoded(run.tensors) as never;
    const back = await page.run(kind, { inputs, grads: encoded(run.gradTensors) as never, options: run.options as never });
    expect(back.validationError).toBeNull();
    expect(back.liveBuffersAfter).toBe(0);
    expectClose(back.outputs.output!, ref.output.data, SEQUENCE, 'output');
    for (const state of states) expectClose(back.outputs[state]!, twin[state]!.data, SEQUENCE, `final ${state}`);
    for (const key of grads) expectCloseRelativeToMax(back.outputs[key]!, twin[key]!.data, GRADIENT_RELATIVE_TO_MAX, key);
    expectRow3Kept(c, h0, { h: back.outputs.h!, output: back.outputs.output! });
    const fwd = await page.run(kind, { inputs, options: run.options as never });
    expect(fwd.validationError).toBeNull();
    expectClose(fwd.outputs.output!, ref.output.data, SEQUENCE, 'output (forward call)');
  }

  // Every LSTM variant reads the mask (the register-blocked ones in their cell functions, lstmStepVec4.wgsl).
  const lstmRows = LSTM_VARIANTS.flatMap((variant) => CASES.map((c, i) => [`${variant} ${name(c)}`, c, i, variant] as const));
  it.each(lstmRows)('lstm %s', async (_label, c, index, variant) => {
    const d = lstmCaseData(c, 7000 + index);
    const { batch: B, timesteps: T, features: F, units: U } = c;
    const mask = stepMask(B, T, 70 + index);
    const outShape = c.returnSequences ? [B, T, U] : [B, U];
    const tensors = {
      x: f64(d.x, [B, T, F]),
      kernel: f64(d.kernel, [F, 4 * U]),
      recurrentKernel: f64(d.recurrentKernel, [U, 4 * U]),
      bias: f64(d.bias, [4 * U]),
      mask: f64(mask, [B, T]),
      ...(d.h0 && d.c0 ? { initialState: [f64(d.h0, [B, U]), f64(d.c0, [B, U])] as const } : {}),
    };
    const gradTensors = { dOutput: f64(d.dOutput, outShape), ...(c.stateGradients ? { dh: f64(d.dh, [B, U]), dc: f64(d.dc, [B, U]) } : {}) };
    const options = { returnSequences: c.returnSequences, goBackwards: c.goBackwards, variant };
    const ref = lstmBackward(tensors, gradTensors, { returnSequences: c.returnSequences, goBackwards: c.goBackwards });
    await expectAsTwin('lstm', c, d.h0, { tensors, gradTensors, options }, ref, ['h', 'c'], ['dX', 'dKernel', 'dRecurrentKernel', 'dBias', 'dh0', 'dc0']);
  });

  it.each(GRU_ROWS)('gru %s', async (_label, c, index, resetAfter, variant) => {
    const d = recurrentCaseData(c, 3, resetAfter ? 2 : 1, 7100 + index);
    const { batch: B, timesteps: T, features: F, units: U } = c;
    const tensors = {
      x: f64(d.x, [B, T, F]),
      kernel: f64(d.kernel, [F, 3 * U]),
      recurrentKernel: f64(d.recurrentKernel, [U, 3 * U]),
      bias: f64(d.bias, resetAfter ? [2, 3 * U] : [3 * U]),
      mask: f64(stepMask(B, T, 71 + index), [B, T]),
      ...(d.h0 ? { initialState: [f64(d.h0, [B, U])] as const } : {}),
    };
    const gradTensors = { dOutput: f64(d.dOutput, c.returnSequences ? [B, T, U] : [B, U]), ...(c.stateGradients ? { dh: f64(d.dh, [B, U]) } : {}) };
    const options = { returnSequences: c.returnSequences, goBackwards: c.goBackwards, resetAfter, variant };
    const ref = gruBackward(tensors, gradTensors, { returnSequences: c.returnSequences, goBackwards: c.goBackwards, resetAfter });
    await expectAsTwin('gru', c, d.h0, { tensors, gradTensors, options }, ref, ['h'], SINGLE_STATE_GRADS);
  });

  it.each(CASES.map((c, i) => [name(c), c, i] as const))('simpleRnn %s', async (_label, c, index) => {
    const d = recurrentCaseData(c, 1, 1, 7200 + index);
    const { batch: B, timesteps: T, features: F, units: U } = c;
    const tensors = {
      x: f64(d.x, [B, T, F]),
      kernel: f64(d.kernel, [F, U]),
      recurrentKernel: f64(d.recurrentKernel, [U, U]),
      bias: f64(d.bias, [U]),
      mask: f64(stepMask(B, T, 72 + index), [B, T]),
      ...(d.h0 ? { initialState: [f64(d.h0, [B, U])] as const } : {}),
    };
    const gradTensors = { dOutput: f64(d.dOutput, c.returnSequences ? [B, T, U] : [B, U]), ...(c.stateGradients ? { dh: f64(d.dh, [B, U]) } : {}) };
    const options = { returnSequences: c.returnSequences, goBackwards: c.goBackwards };
    const ref = simpleRnnBackward(tensors, gradTensors, options);
    await expectAsTwin('simpleRnn', c, d.h0, { tensors, gradTensors, options }, ref, ['h'], SINGLE_STATE_GRADS);
  });

  it('the mask kernels and masked average pooling equal their float64 twins', async () => {
    const [T, B, C, offset] = [5, 4, 3, 7];
    const random = rng(850);
    const x = uniform(random, offset + T * B * C, 1);
    // Rows that are all −2 (the mask value), one value −2 among others (real), and the last batch row all padding.
    for (let r = 0; r < T * B; r++) if (r % 3 === 0 || r % B === B - 1) x.fill(-2, offset + r * C, offset + (r + 1) * C);
    x[offset + 1 * C] = -2;
    const dy = uniform(random, B * C, 1);
    const out = await page.run('sequenceMaskKernels', {
      x: enc(x, [x.length]),
      dy: enc(dy, [B * C]),
      timesteps: T,
      batch: B,
      cols: C,
      xOffset: offset,
      maskValue: -2,
    });
    expect(out.validationError).toBeNull();
    const body = x.subarray(offset);
    const mask = maskFromValues(body, T * B, C, -2);
    expect(Array.from(out.outputs.mask!)).toEqual(Array.from(mask));
    expect(Array.from(out.outputs.masked!)).toEqual(Array.from(maskApply(body, mask, C)));
    expectClose(out.outputs.weights!, lossWeights(mask), STEP, 'loss weights');
    expectClose(
      out.outputs.sums!,
      Float64Array.from(body.subarray(0, B * C), (v) => v + 1),
      STEP,
      'add_into',
    );
    expectClose(out.outputs.pooled!, maskedAvgPoolForward(body, mask, T, B, C), STEP, 'masked average pool');
    expectClose(out.outputs.dx!, maskedAvgPoolBackward(mask, dy, T, B, C), STEP, 'its gradient');
  });
});
