/**
 * The functional GRU API: one layer's forward pass, and its backward pass (BPTT), on the GPU. Each call uploads
 * its inputs, runs everything in one plan (one compute pass, one submit), reads the results back with one map,
 * and frees its buffers. The float64 twin with the same arguments is src/reference/gruStep.ts.
 *
 * x is batch-major [batch, timesteps, features] as in Keras; the kernels work time-major, so x is transposed on
 * upload and sequences on the way back (src/ops/timeOrder.ts, which also restores Keras's processing order
 * for goBackwards). The [2, 3u] bias of resetAfter travels as two [3u] rows, one buffer each.
 */
import { OwnedBuffers } from '../gpu/ownedBuffers';
import { Plan } from '../gpu/plan';
import type { Runtime } from '../gpu/runtime';
import { finalSlot, initialSlot, outputsSlot } from '../kernels/direction';
import { defaultGruVariant, gruSizes, recordGruBackward, recordGruForward } from '../kernels/gruStep';
import { checkFinite, swapLeadingAxes, type Tensor, type TensorLike } from '../tensor';
import { checkGruGrads, checkGruInputs, resolveGruOptions, type GruGradients, type GruGrads, type GruInputs, type GruOptions, type GruOutputs } from './gruArgs';
import { fromTimeMajor, toTimeMajor } from './timeOrder';

export async function gruForward(rt: Runtime, inputs: GruInputs<TensorLike>, options: GruOptions = {}): Promise<GruOutputs<Tensor>> {
  return (await runGru(rt, inputs, null, options)).outputs;
}

/**
 * Runs the forward pass and backpropagation through time in one submit, from the gradient of `output` (and
 * optionally of the final state) to the gradients of x, the weights and the initial state. The forward outputs
 * come back too.
 */
export async function gruBackward(
  rt: Runtime,
  inputs: GruInputs<TensorLike>,
  grads: GruGrads<TensorLike>,
  options: GruOptions = {},
): Promise<GruGradients<Tensor>> {
  const { outputs, gradients } = await runGru(rt, inputs, grads, options);
  return { ...outputs, ...gradients! };
}

async function runGru(
  rt: Runtime,
  rawInputs: GruInputs<TensorLike>,
  rawGrads: GruGrads<TensorLike> | null,
  options: GruOptions,
): Promise<{ outputs: GruOutputs<Tensor>; gradients: Omit<GruGradients<Tensor>, keyof GruOutputs<Tensor>> | null }> {
  rt.check();
  const opts = resolveGruOptions(options);
  const inputs = checkGruInputs(rawInputs, opts.resetAfter);
  const { dims } = inputs;
  const grads = rawGrads ? checkGruGrads(rawGrads, dims, opts.returnSequences) : null;
  for (const [name, t] of [['x', inputs.x], ['kernel', inputs.kernel], ['recurrentKernel', inputs.recurrentKernel], ['bias', inputs.bias], ['h0', inputs.h0], ['dOutput', grads?.dOutput], ['dh', grads?.dh]] as const) {
    if (t) checkFinite(t, name);
  }

  const { batch: B, timesteps: T, features: F, units: U } = dims;
  const { resetAfter, goBackwards: backwards } = opts;
  // The same kernels a model would run on this adapter, unless the caller names a variant.
  const variant = opts.variant ?? rt.kernels.gru ?? defaultGruVariant(dims, rt.adapter, resetAfter);
  const size = gruSizes(dims, resetAfter, variant);
  const bufs = new OwnedBuffers(rt, 'gru');
  const make = bufs.make.bind(bufs);
  const upload = bufs.upload.bind(bufs);
  const plan = new Plan(rt, 'gru');
  try {
    const u3 = 3 * U;
    const fwd = {
      x: upload('x', swapLeadingAxes(inputs.x.data, B, T, F)),
      kernel: upload('kernel', inputs.kernel.data),
      recurrentKernel: upload('recurrentKernel', inputs.recurrentKernel.data),
      bias: upload('bias', inputs.bias.data.subarray(0, u3)),
      ...(resetAfter ? { recurrentBias: upload('recurrentBias', inputs.bias.data.subarray(u3)) } : { hcat: make('hcat', size.hcat) }),
      xproj: make('xproj', size.xproj),
      h: make('h', size.states),
      gates: make('gates', size.gates),
      ...(variant === 'vec4' ? { scratch: make('scratch', size.scratch) } : {}),
    };
    const state = B * U;
    rt.write(fwd.h, inputs.h0?.data ?? new Float32Array(state), initialSlot(T, backwards) * state);
    recordGruForward(plan, fwd, dims, opts, variant);

    let back: { dx: GPUBuffer; dKernel: GPUBuffer; dRecurrentKernel: GPUBuffer; dBias: GPUBuffer; dRecurrentBias?: GPUBuffer; dh0: GPUBuffer } | null = null;
    if (grads) {
      const dy = opts.returnSequences ? toTimeMajor(grads.dOutput.data, B, T, U, backwards) : grads.dOutput.data;
      back = {
        dx: make('dx', size.x),
        dKernel: make('dKernel', size.kernel),
        dRecurrentKernel: make('dRecurrentKernel', size.recurrentKernel),
        dBias: make('dBias', size.biasRow),
        ...(resetAfter ? { dRecurrentBias: make('dRecurrentBias', size.biasRow) } : {}),
        dh0: make('dh0', state),
      };
      const scratch = { carry: make('carry', state), dgx: make('dgx', size.dgx), dgh: make('dgh', size.dgh) };
      const io = { dy: upload('dy', dy), dhLast: upload('dhLast', grads.dh?.data ?? new Float32Array(state)) };
      recordGruBackward(plan, { ...fwd, ...back, ...scratch, ...io }, dims, opts, opts.returnSequences, variant);
    }
    await plan.prepare();
    plan.run();

    const last = finalSlot(T, backwards) * state;
    const ranges = [
      opts.returnSequences ? { ref: fwd.h, offsetFloats: outputsSlot(backwards) * state, length: size.sequence } : { ref: fwd.h, offsetFloats: last, length: state },
      { ref: fwd.h, offsetFloats: last, length: state },
    ];
    if (back) {
      for (const [ref, length] of [[back.dx, size.x], [back.dKernel, size.kernel], [back.dRecurrentKernel, size.recurrentKernel], [back.dBias, size.biasRow], [back.dh0, state]] as const) {
        ranges.push({ ref, offsetFloats: 0, length });
      }
      if (back.dRecurrentBias) ranges.push({ ref: back.dRecurrentBias, offsetFloats: 0, length: size.biasRow });
    }
    const [out, h, dx, dKernel, dRecurrentKernel, dBias, dh0, dRecurrentBias] = await rt.readMany(ranges);
    const outputs: GruOutputs<Tensor> = {
      output: opts.returnSequences ? { data: fromTimeMajor(out!, T, B, U, backwards), shape: [B, T, U] } : { data: out!, shape: [B, U] },
      h: { data: h!, shape: [B, U] },
    };
    let gradients = null;
    if (back) {
      const bias = resetAfter ? concat(dBias!, dRecurrentBias!) : dBias!;
      gradients = {
        dX: { data: swapLeadingAxes(dx!, T, B, F), shape: [B, T, F] },
        dKernel: { data: dKernel!, shape: [F, u3] },
        dRecurrentKernel: { data: dRecurrentKernel!, shape: [U, u3] },
        dBias: { data: bias, shape: resetAfter ? [2, u3] : [u3] },
        dh0: { data: dh0!, shape: [B, U] },
      };
    }
    return { outputs, gradients };
  } finally {
    plan.destroy();
    bufs.destroy();
  }
}

function concat(a: Float32Array, b: Float32Array): Float32Array {
  const out = new Float32Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
