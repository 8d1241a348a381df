/**
 * Keras's timestep mask on WebGPU against the float64 twins: the recurrent step kernels with MASKED
 * (shaders/direction.wgsl) through the functional APIs, forward and backward, for padding at the end, at the
 * start, in holes and over a whole row, in both directions, with initial states and final-state gradients.
 * A masked step must keep the states exactly (the carried h is the output there) and pass dh and dc through whole.
 */
import { describe, expect, it } from 'vitest';
import { lstmBackward, lstmForward } from '../src/reference/lstmStep';
import { encodeFloats } from './support/base64';
import { expectClose, expectCloseRelativeToMax } from './support/compare';
import { lstmCaseData } from './support/lstmCases';
import { stepMask } from './support/maskCases';
import { skipGpu, useHarness } from './support/page';
import { GRADIENT_RELATIVE_TO_MAX, SEQUENCE } from './support/tolerances';

interface Case {
  batch: number;
  timesteps: number;
  features: number;
  units: number;
  initialState: boolean;
  returnSequences: boolean;
  stateGradients: boolean;
  goBackwards: boolean;
}

const CASES: Case[] = [
  { batch: 5, timesteps: 9, features: 3, units: 6, initialState: false, returnSequences: false, stateGradients: false, goBackwards: false },
  { batch: 6, timesteps: 8, features: 4, units: 5, initialState: true, returnSequences: true, stateGradients: true, goBackwards: false },
  { batch: 6, timesteps: 8, features: 4, units: 5, initialState: true, returnSequences: true, stateGradients: true, goBackwards: true },
  { batch: 4, timesteps: 1, features: 2, units: 3, initialState: true, returnSequences: false, stateGradients: true, goBackwards: false },
];
const name = (c: Case) =>
  `B${c.batch} T${c.timesteps} F${c.features} U${c.units}${c.initialState ? ' h0' : ''}${c.returnSequences ? ' seq' : ''}` +
  `${c.stateGradients ? ' dFinal' : ''}${c.goBackwards ? ' back' : ''}`;

type Tensor = { data: Float32Array; shape: number[] };
const enc = (data: Float32Array, shape: number[]) => ({ data: encodeFloats(data), shape });
const f64 = (data: Float32Array, shape: number[]): Tensor => ({ data, shape });

describe.skipIf(skipGpu)('masked recurrences on WebGPU vs the float64 twins', () => {
  const page = useHarness();

  it.each(CASES.map((c, i) => [name(c), c, i] as const))('lstm %s', async (_label, c, index) => {
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
    const encoded = <V extends Record<string, unknown>>(o: V) =>
      Object.fromEntries(
        Object.entries(o).map(([k, v]) => [k, Array.isArray(v) ? v.map((t) => enc(t.data, t.shape)) : enc((v as Tensor).data, (v as Tensor).shape)]),
      );
    const options = { returnSequences: c.returnSequences, goBackwards: c.goBackwards };
    const back = await page.run('lstm', { inputs: encoded(tensors) as never, grads: encoded(gradTensors) as never, options });
    expect(back.validationError).toBeNull();
    expect(back.liveBuffersAfter).toBe(0);
    const ref = lstmBackward(tensors, gradTensors, options);
    expectClose(back.outputs.output!, ref.output.data, SEQUENCE, 'output');
    expectClose(back.outputs.h!, ref.h.data, SEQUENCE, 'final h');
    expectClose(back.outputs.c!, ref.c.data, SEQUENCE, 'final c');
    for (const key of ['dX', 'dKernel', 'dRecurrentKernel', 'dBias', 'dh0', 'dc0'] as const) {
      expectCloseRelativeToMax(back.outputs[key]!, ref[key].data, GRADIENT_RELATIVE_TO_MAX, key);
    }
    // Row 3 is all padding: its final states are its initial ones, bit for bit.
    const h0 = d.h0 ?? new Float32Array(B * U);
    expect(Array.from(back.outputs.h!.subarray(3 * U, 4 * U))).toEqual(Array.from(h0.subarray(3 * U, 4 * U)));
    const fwd = await page.run('lstm', { inputs: encoded(tensors) as never, options });
    expect(fwd.validationError).toBeNull();
    expectClose(fwd.outputs.output!, lstmForward(tensors, options).output.data, SEQUENCE, 'output (forward call)');
  });
});
