/**
 * The functional SimpleRNN API: one layer's forward pass, and its backward pass (BPTT), on the GPU. Each call
 * uploads its inputs, runs everything in one plan (one compute pass, one submit), reads the results back with
 * one map, and frees its buffers. The float64 twin with the same arguments is src/reference/simpleRnnStep.ts.
 * x is transposed to time-major on upload, sequences back on readback (src/ops/timeOrder.ts).
 */
import { OwnedBuffers } from '../gpu/ownedBuffers';
import { Plan } from '../gpu/plan';
import type { Runtime } from '../gpu/runtime';
import { finalSlot, initialSlot, outputsSlot } from '../kernels/direction';
import { recordSimpleRnnBackward, recordSimpleRnnForward, simpleRnnSizes } from '../kernels/simpleRnnStep';
import { checkFinite, swapLeadingAxes, type Tensor, type TensorLike } from '../tensor';
import {
  checkSimpleRnnGrads,
  checkSimpleRnnInputs,
  resolveSimpleRnnOptions,
  type SimpleRnnGradients,
  type SimpleRnnGrads,
  type SimpleRnnInputs,
  type SimpleRnnOptions,
  type SimpleRnnOutputs,
} from './simpleRnnArgs';
import { fromTimeMajor, toTimeMajor } from './timeOrder';

export async function simpleRnnForward(rt: Runtime, inputs: SimpleRnnInputs<TensorLike>, options: SimpleRnnOptions = {}): Promise<SimpleRnnOutputs<Tensor>> {
  return (await runSimpleRnn(rt, inputs, null, options)).outputs;
}

/** Forward and backpropagation through time in one submit; returns the forward outputs and every gradient. */
export async function simpleRnnBackward(
  rt: Runtime,
  inputs: SimpleRnnInputs<TensorLike>,
  grads: SimpleRnnGrads<TensorLike>,
  options: SimpleRnnOptions = {},
): Promise<SimpleRnnGradients<Tensor>> {
  const { outputs, gradients } = await runSimpleRnn(rt, inputs, grads, options);
  return { ...outputs, ...gradients! };
}

async function runSimpleRnn(
  rt: Runtime,
  rawInputs: SimpleRnnInputs<TensorLike>,
  rawGrads: SimpleRnnGrads<TensorLike> | null,
  options: SimpleRnnOptions,
): Promise<{ outputs: SimpleRnnOutputs<Tensor>; gradients: Omit<SimpleRnnGradients<Tensor>, keyof SimpleRnnOutputs<Tensor>> | null }> {
  rt.check();
  const opts = resolveSimpleRnnOptions(options);
  const inputs = checkSimpleRnnInputs(rawInputs);
  const { dims } = inputs;
  const grads = rawGrads ? checkSimpleRnnGrads(rawGrads, dims, opts.returnSequences) : null;
  for (const [name, t] of [['x', inputs.x], ['kernel', inputs.kernel], ['recurrentKernel', inputs.recurrentKernel], ['bias', inputs.bias], ['h0', inputs.h0], ['dOutput', grads?.dOutput], ['dh', grads?.dh]] as const) {
    if (t) checkFinite(t, name);
  }

  const { batch: B, timesteps: T, features: F, units: U } = dims;
  const backwards = opts.goBackwards;
  const size = simpleRnnSizes(dims);
  const bufs = new OwnedBuffers(rt, 'simpleRnn');
  const make = bufs.make.bind(bufs);
  const upload = bufs.upload.bind(bufs);
  const plan = new Plan(rt, 'simpleRnn');
  try {
    const fwd = {
      x: upload('x', swapLeadingAxes(inputs.x.data, B, T, F)),
      kernel: upload('kernel', inputs.kernel.data),
      recurrentKernel: upload('recurrentKernel', inputs.recurrentKernel.data),
      bias: upload('bias', inputs.bias.data),
      xproj: make('xproj', size.gates),
      h: make('h', size.states),
    };
    rt.write(fwd.h, inputs.h0?.data ?? new Float32Array(size.state), initialSlot(T, backwards) * size.state);
    recordSimpleRnnForward(plan, fwd, dims, opts);

    let back: { dx: GPUBuffer; dKernel: GPUBuffer; dRecurrentKernel: GPUBuffer; dBias: GPUBuffer; dh0: GPUBuffer } | null = null;
    if (grads) {
      const dy = opts.returnSequences ? toTimeMajor(grads.dOutput.data, B, T, U, backwards) : grads.dOutput.data;
      back = {
        dx: make('dx', size.x),
        dKernel: make('dKernel', size.kernel),
        dRecurrentKernel: make('dRecurrentKernel', size.recurrentKernel),
        dBias: make('dBias', size.bias),
        dh0: make('dh0', size.state),
      };
      const io = { dy: upload('dy', dy), dhLast: upload('dhLast', grads.dh?.data ?? new Float32Array(size.state)), dgates: make('dgates', size.gates) };
      recordSimpleRnnBackward(plan, { ...fwd, ...back, ...io }, dims, opts, opts.returnSequences);
    }
    await plan.prepare();
    plan.run();

    const last = finalSlot(T, backwards) * size.state;
    const ranges = [
      opts.returnSequences
        ? { ref: fwd.h, offsetFloats: outputsSlot(backwards) * size.state, length: size.sequence }
        : { ref: fwd.h, offsetFloats: last, length: size.state },
      { ref: fwd.h, offsetFloats: last, length: size.state },
    ];
    if (back) {
      for (const [ref, length] of [[back.dx, size.x], [back.dKernel, size.kernel], [back.dRecurrentKernel, size.recurrentKernel], [back.dBias, size.bias], [back.dh0, size.state]] as const) {
        ranges.push({ ref, offsetFloats: 0, length });
      }
    }
    const [out, h, dx, dKernel, dRecurrentKernel, dBias, dh0] = await rt.readMany(ranges);
    const outputs: SimpleRnnOutputs<Tensor> = {
      output: opts.returnSequences ? { data: fromTimeMajor(out!, T, B, U, backwards), shape: [B, T, U] } : { data: out!, shape: [B, U] },
      h: { data: h!, shape: [B, U] },
    };
    const gradients = back
      ? {
          dX: { data: swapLeadingAxes(dx!, T, B, F), shape: [B, T, F] },
          dKernel: { data: dKernel!, shape: [F, U] },
          dRecurrentKernel: { data: dRecurrentKernel!, shape: [U, U] },
          dBias: { data: dBias!, shape: [U] },
          dh0: { data: dh0!, shape: [B, U] },
        }
      : null;
    return { outputs, gradients };
  } finally {
    plan.destroy();
    bufs.destroy();
  }
}
