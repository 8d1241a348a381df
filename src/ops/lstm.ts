/**
 * The functional LSTM API: one layer's forward pass, and its backward pass (BPTT), on the GPU. Each call
 * uploads its inputs, runs everything in one plan (one compute pass, one submit), reads the results back with
 * one map, and frees its buffers. The float64 twin with the same arguments is src/reference/lstmStep.ts.
 *
 * x is batch-major [batch, timesteps, features] as in Keras; the kernels work time-major, so x is transposed
 * on upload and sequence outputs on the way back.
 */
import { defaultLstmVariant, recordLstmBackward, recordLstmForward, lstmSizes } from '../kernels/lstmStep';
import { OwnedBuffers } from '../gpu/ownedBuffers';
import { Plan } from '../gpu/plan';
import type { Runtime } from '../gpu/runtime';
import { finalSlot, initialSlot, outputsSlot } from '../kernels/direction';
import { checkFinite, swapLeadingAxes, type Tensor, type TensorLike } from '../tensor';
import { fromTimeMajor, toTimeMajor } from './timeOrder';
import {
  checkLstmGrads,
  checkLstmInputs,
  resolveLstmOptions,
  type CheckedLstmGrads,
  type LstmGradients,
  type LstmGrads,
  type LstmInputs,
  type LstmOptions,
  type LstmOutputs,
} from './lstmArgs';

export async function lstmForward(rt: Runtime, inputs: LstmInputs<TensorLike>, options: LstmOptions = {}): Promise<LstmOutputs<Tensor>> {
  return (await runLstm(rt, inputs, null, options)).outputs;
}

/**
 * Runs the forward pass and backpropagation through time in one submit, from the gradient of `output` (and
 * optionally of the final states) to the gradients of x, the weights and the initial states. The forward
 * outputs come back too, so a caller that needs both makes this one call.
 */
export async function lstmBackward(
  rt: Runtime,
  inputs: LstmInputs<TensorLike>,
  grads: LstmGrads<TensorLike>,
  options: LstmOptions = {},
): Promise<LstmGradients<Tensor>> {
  const { outputs, gradients } = await runLstm(rt, inputs, grads, options);
  return { ...outputs, ...gradients! };
}

async function runLstm(
  rt: Runtime,
  rawInputs: LstmInputs<TensorLike>,
  rawGrads: LstmGrads<TensorLike> | null,
  options: LstmOptions,
): Promise<{ outputs: LstmOutputs<Tensor>; gradients: Omit<LstmGradients<Tensor>, keyof LstmOutputs<Tensor>> | null }> {
  rt.check();
  const acts = resolveLstmOptions(options);
  const inputs = checkLstmInputs(rawInputs);
  const { dims } = inputs;
  const grads: CheckedLstmGrads | null = rawGrads ? checkLstmGrads(rawGrads, dims, acts.returnSequences) : null;
  for (const [name, t] of [['x', inputs.x], ['kernel', inputs.kernel], ['recurrentKernel', inputs.recurrentKernel], ['bias', inputs.bias], ['h0', inputs.h0], ['c0', inputs.c0], ['dOutput', grads?.dOutput], ['dh', grads?.dh], ['dc', grads?.dc]] as const) {
    if (t) checkFinite(t, name);
  }

  const { batch: B, timesteps: T, features: F, units: U } = dims;
  const size = lstmSizes(dims);
  const bufs = new OwnedBuffers(rt, 'lstm');
  const make = bufs.make.bind(bufs);
  const upload = bufs.upload.bind(bufs);
  const plan = new Plan(rt, 'lstm');
  // The same kernels a model would run on this adapter, unless the caller names a variant.
  const variant = acts.variant ?? rt.kernels.lstm ?? defaultLstmVariant(dims, rt.adapter);
  try {
    const fwd = {
      x: upload('x', swapLeadingAxes(inputs.x.data, B, T, F)),
      kernel: upload('kernel', inputs.kernel.data),
      recurrentKernel: upload('recurrentKernel', inputs.recurrentKernel.data),
      bias: upload('bias', inputs.bias.data),
      xproj: make('xproj', size.gates),
      h: make('h', size.states),
      c: make('c', size.states),
      gates: make('gates', size.gates),
      scratch: make('scratch', size.scratch),
    };
    // The initial-state slot (0, or T going backwards) is written here; every other slot by the steps.
    const state = B * U;
    const backwards = acts.goBackwards;
    rt.write(fwd.h, inputs.h0?.data ?? new Float32Array(size.state), initialSlot(T, backwards) * state);
    rt.write(fwd.c, inputs.c0?.data ?? new Float32Array(size.state), initialSlot(T, backwards) * state);
    recordLstmForward(plan, fwd, dims, acts, variant);

    let back: { dx: GPUBuffer; dKernel: GPUBuffer; dRecurrentKernel: GPUBuffer; dBias: GPUBuffer; dh0: GPUBuffer; dc: GPUBuffer } | null = null;
    if (grads) {
      const dy = acts.returnSequences ? toTimeMajor(grads.dOutput.data, B, T, U, backwards) : grads.dOutput.data;
      const zeros = new Float32Array(size.state);
      back = {
        dx: make('dx', size.x),
        dKernel: make('dKernel', size.kernel),
        dRecurrentKernel: make('dRecurrentKernel', size.recurrentKernel),
        dBias: make('dBias', size.bias),
        dh0: make('dh0', size.state),
        dc: upload('dc', grads.dc?.data ?? zeros),
      };
      recordLstmBackward(
        plan,
        { ...fwd, ...back, dy: upload('dy', dy), dhLast: upload('dhLast', grads.dh?.data ?? zeros), dgates: make('dgates', size.gates) },
        dims,
        acts,
        acts.returnSequences,
        variant,
      );
    }
    await plan.prepare();
    plan.run();

    const last = finalSlot(T, backwards) * state;
    const ranges = [
      acts.returnSequences ? { ref: fwd.h, offsetFloats: outputsSlot(backwards) * state, length: size.sequence } : { ref: fwd.h, offsetFloats: last, length: state },
      { ref: fwd.h, offsetFloats: last, length: state },
      { ref: fwd.c, offsetFloats: last, length: state },
    ];
    if (back) {
      ranges.push(
        { ref: back.dx, offsetFloats: 0, length: size.x },
        { ref: back.dKernel, offsetFloats: 0, length: size.kernel },
        { ref: back.dRecurrentKernel, offsetFloats: 0, length: size.recurrentKernel },
        { ref: back.dBias, offsetFloats: 0, length: size.bias },
        { ref: back.dh0, offsetFloats: 0, length: state },
        { ref: back.dc, offsetFloats: 0, length: state },
      );
    }
    const [out, h, c, dx, dKernel, dRecurrentKernel, dBias, dh0, dc0] = await rt.readMany(ranges);
    const outputs: LstmOutputs<Tensor> = {
      output: acts.returnSequences ? { data: fromTimeMajor(out!, T, B, U, backwards), shape: [B, T, U] } : { data: out!, shape: [B, U] },
      h: { data: h!, shape: [B, U] },
      c: { data: c!, shape: [B, U] },
    };
    const gradients = back
      ? {
          dX: { data: swapLeadingAxes(dx!, T, B, F), shape: [B, T, F] },
          dKernel: { data: dKernel!, shape: [F, 4 * U] },
          dRecurrentKernel: { data: dRecurrentKernel!, shape: [U, 4 * U] },
          dBias: { data: dBias!, shape: [4 * U] },
          dh0: { data: dh0!, shape: [B, U] },
          dc0: { data: dc0!, shape: [B, U] },
        }
      : null;
    return { outputs, gradients };
  } finally {
    plan.destroy();
    bufs.destroy();
  }
}
