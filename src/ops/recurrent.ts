/**
 * The functional API's one runner for every recurrent cell (src/ops/lstm.ts, gru.ts and simpleRnn.ts check their
 * arguments and name the results; this does the GPU work): upload, one plan through the cell interface
 * (src/kernels/cell.ts) with the forward pass and optionally backpropagation through time, one submit, one
 * readback, and every buffer freed, whatever happens.
 *
 * x is batch-major [batch, timesteps, features] as in Keras; the kernels work time-major, so x is transposed on
 * upload and sequences on the way back (src/ops/timeOrder.ts, which also restores Keras's processing order for
 * goBackwards).
 */
import { makeCellBackward, makeCellForward } from '../cells/buffers';
import { OwnedBuffers } from '../gpu/ownedBuffers';
import { Plan } from '../gpu/plan';
import type { Runtime } from '../gpu/runtime';
import type { CellDims, CellKernels } from '../kernels/cell';
import { finalSlot, initialSlot, outputsSlot } from '../kernels/direction';
import { recurrentKeepLayout, type RecurrentKeep } from '../kernels/recurrentDropout';
import { checkFinite, swapLeadingAxes, type Tensor } from '../tensor';
import { fromTimeMajor, toTimeMajor } from './timeOrder';

/** Checked inputs, in Keras layout; one initial state per cell state (null: zeros). */
export interface CellInputs {
  dims: CellDims;
  x: Tensor;
  kernel: Tensor;
  recurrentKernel: Tensor;
  bias: Tensor;
  initialStates: readonly (Tensor | null)[];
  /** Keras's timestep mask [batch, timesteps], 1 (or any non-zero) where x_t is real; null: every step runs. */
  mask: Tensor | null;
  /** Recurrent dropout's keep [batch, units] on h_{t−1} in the recurrent products; null: none. */
  recurrentKeep: Tensor | null;
}

/** Checked output gradients: of `output`, and one per final state (null: zeros). */
export interface CellOutputGrads {
  dOutput: Tensor;
  dFinal: readonly (Tensor | null)[];
}

export interface CellRunOptions {
  returnSequences: boolean;
  goBackwards: boolean;
}

export interface CellRunResult {
  output: Tensor;
  finalStates: Tensor[];
  gradients: { dX: Tensor; dKernel: Tensor; dRecurrentKernel: Tensor; dBias: Tensor; dInitial: Tensor[] } | null;
}

/**
 * Every input must be finite (a NaN would come back as silent garbage): the first bad one is named as the
 * functional API names it (x, kernel, …, h0, c0, dOutput, dh, dc).
 */
function checkAllFinite(
  names: readonly string[],
  weightNames: { kernel?: string; recurrent?: string },
  inputs: CellInputs,
  grads: CellOutputGrads | null,
): void {
  // The arguments' names in the cell's functional API (the SRU's recurrentWeights, the echo state's inputKernel).
  const camel = (name: string | undefined, fallback: string) => (name ? name.replace(/_(\w)/g, (_, c: string) => c.toUpperCase()) : fallback);
  const named: [string, Tensor | null | undefined][] = [
    ['x', inputs.x],
    [camel(weightNames.kernel, 'kernel'), inputs.kernel],
    [camel(weightNames.recurrent, 'recurrentKernel'), inputs.recurrentKernel],
    ['bias', inputs.bias],
    ['recurrentDropoutMask', inputs.recurrentKeep],
    ...names.map((n, i): [string, Tensor | null | undefined] => [`${n}0`, inputs.initialStates[i]]),
    ['dOutput', grads?.dOutput],
    ...names.map((n, i): [string, Tensor | null | undefined] => [`d${n}`, grads?.dFinal[i]]),
  ];
  for (const [name, t] of named) if (t) checkFinite(t, name);
}

/** The step kernels' buffer under recurrent dropout (src/kernels/recurrentDropout.ts): the mask, then keep. */
function uploadRecurrentKeep(bufs: OwnedBuffers, dims: CellDims, maskRows: Float32Array | null, keep: Tensor): RecurrentKeep {
  const layout = recurrentKeepLayout(dims);
  const data = new Float32Array(layout.floats);
  if (maskRows) data.set(maskRows);
  data.set(keep.data, layout.keepOffset);
  return { buffer: bufs.upload('recurrent dropout mask', data), ...layout };
}

export async function runCell<O, V extends string>(
  rt: Runtime,
  cell: CellKernels<O, V>,
  inputs: CellInputs,
  grads: CellOutputGrads | null,
  options: O & CellRunOptions,
): Promise<CellRunResult> {
  rt.check();
  // These ops record into a WebGPU plan; on a wasm runtime, say which one needs WebGPU before anything runs.
  rt.requireWebGpu(`${grads ? `${cell.name}Backward` : `${cell.name}Forward`} (a functional op of webrnn)`);
  checkAllFinite(cell.stateNames, cell.weightNames ?? {}, inputs, grads);
  const dims = { ...inputs.dims, masked: inputs.mask !== null, recurrentDropout: inputs.recurrentKeep !== null };
  const { batch: B, timesteps: T, features: F, units: U } = dims;
  const { returnSequences, goBackwards } = options;
  const state = B * U;
  const bufs = new OwnedBuffers(rt, cell.name);
  const plan = new Plan(rt, cell.name);
  try {
    // The same kernels a model would run on this adapter, unless the options or the runtime pin a variant.
    const variant = cell.variant(dims, options, rt);
    const weights = {
      kernel: bufs.upload('kernel', inputs.kernel.data),
      recurrent_kernel: bufs.upload('recurrentKernel', inputs.recurrentKernel.data),
      bias: bufs.upload('bias', inputs.bias.data),
    };
    const maskRows = inputs.mask ? swapLeadingAxes(inputs.mask.data, B, T, 1) : null;
    const mask = maskRows ? bufs.upload('mask', maskRows) : null;
    const forward = makeCellForward(bufs, cell, dims, options, variant, {
      x: bufs.upload('x', swapLeadingAxes(inputs.x.data, B, T, F)),
      xOffset: 0,
      weights,
      mask,
      recurrentKeep: inputs.recurrentKeep ? uploadRecurrentKeep(bufs, dims, maskRows, inputs.recurrentKeep) : null,
    });
    // The initial-state slot (0, or T going backwards) is written here; every other slot by the steps.
    forward.states.forEach((buffer, i) =>
      rt.write(buffer as GPUBuffer, inputs.initialStates[i]?.data ?? new Float32Array(state), initialSlot(T, goBackwards) * state),
    );
    cell.recordForward(plan, forward, dims, options, variant);

    let back: { dx: GPUBuffer; grads: { kernel: GPUBuffer; recurrent_kernel: GPUBuffer; bias: GPUBuffer }; dInitial: GPUBuffer[] } | null = null;
    if (grads) {
      back = {
        dx: bufs.make('dx', T * B * F),
        grads: {
          kernel: bufs.make('dKernel', inputs.kernel.data.length),
          recurrent_kernel: bufs.make('dRecurrentKernel', inputs.recurrentKernel.data.length),
          bias: bufs.make('dBias', inputs.bias.data.length),
        },
        dInitial: forward.states.map((_, i) => bufs.make(`dInitial ${i}`, state)),
      };
      const dFinal = forward.states.map((_, i) => bufs.upload(`dFinal ${i}`, grads.dFinal[i]?.data ?? new Float32Array(state)));
      const buffers = makeCellBackward(bufs, cell, dims, options, variant, forward, { ...back, dFinal });
      const dy = bufs.upload('dy', returnSequences ? toTimeMajor(grads.dOutput.data, B, T, U, goBackwards) : grads.dOutput.data);
      cell.recordBackward(plan, { ...buffers, dy, dyIsSequence: returnSequences }, dims, options, variant);
    }
    await plan.prepare();
    plan.run();

    const h = forward.states[0]!;
    const last = finalSlot(T, goBackwards) * state;
    const ranges = [
      returnSequences ? { ref: h, offsetFloats: outputsSlot(goBackwards) * state, length: T * state } : { ref: h, offsetFloats: last, length: state },
      ...forward.states.map((ref) => ({ ref, offsetFloats: last, length: state })),
    ];
    if (back) {
      const { kernel, recurrent_kernel, bias } = back.grads;
      for (const [ref, length] of [
        [back.dx, T * B * F],
        [kernel, inputs.kernel.data.length],
        [recurrent_kernel, inputs.recurrentKernel.data.length],
        [bias, inputs.bias.data.length],
      ] as const)
        ranges.push({ ref, offsetFloats: 0, length });
      for (const ref of back.dInitial) ranges.push({ ref, offsetFloats: 0, length: state });
    }
    const read = await rt.readMany(ranges);
    const out = read[0]!;
    const finals = read.slice(1, 1 + cell.stateNames.length);
    const output: Tensor = returnSequences ? { data: fromTimeMajor(out, T, B, U, goBackwards), shape: [B, T, U] } : { data: out, shape: [B, U] };
    let gradients: CellRunResult['gradients'] = null;
    if (back) {
      const [dx, dKernel, dRecurrentKernel, dBias, ...dInitial] = read.slice(1 + cell.stateNames.length);
      gradients = {
        dX: { data: swapLeadingAxes(dx!, T, B, F), shape: [B, T, F] },
        dKernel: { data: dKernel!, shape: [...inputs.kernel.shape] },
        dRecurrentKernel: { data: dRecurrentKernel!, shape: [...inputs.recurrentKernel.shape] },
        dBias: { data: dBias!, shape: [...inputs.bias.shape] },
        dInitial: dInitial.map((data) => ({ data, shape: [B, U] })),
      };
    }
    return { output, finalStates: finals.map((data) => ({ data, shape: [B, U] })), gradients };
  } finally {
    plan.destroy();
    bufs.destroy();
  }
}
