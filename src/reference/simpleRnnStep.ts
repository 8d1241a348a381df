/**
 * Float64 CPU twin of shaders/simpleRnnStep.wgsl and of the functional API in src/ops/simpleRnn.ts: Keras's
 * SimpleRNNCell, h_t = act(x_t·W + h_{t−1}·U + b), computed the plain way in processing order (goBackwards:
 * step s reads x at time T−1−s, and returned sequences come in processing order, as Keras returns them).
 */
import type { SimpleRnnGradients, SimpleRnnGrads, SimpleRnnInputs, SimpleRnnOptions, SimpleRnnOutputs } from '../ops/simpleRnnArgs';
import { resolveSimpleRnnOptions } from '../ops/simpleRnnArgs';
import { act, actGradFromOutput } from './activations';
import { sequenceOf } from './gruStep';
import type { F64Tensor } from './lstmStep';

type In = { data: ArrayLike<number>; shape: readonly number[] };

/** One timestep for every batch row. */
export function simpleRnnStep(
  xt: ArrayLike<number>, // [B, F]
  hPrev: Float64Array,
  kernel: ArrayLike<number>,
  recurrentKernel: ArrayLike<number>,
  bias: ArrayLike<number>,
  dims: { B: number; F: number; U: number },
  options: SimpleRnnOptions = {},
): Float64Array {
  const { activation } = resolveSimpleRnnOptions(options);
  const { B, F, U } = dims;
  const h = new Float64Array(B * U);
  for (let b = 0; b < B; b++) {
    for (let j = 0; j < U; j++) {
      let s = bias[j]!;
      for (let k = 0; k < F; k++) s += xt[b * F + k]! * kernel[k * U + j]!;
      for (let k = 0; k < U; k++) s += hPrev[b * U + k]! * recurrentKernel[k * U + j]!;
      h[b * U + j] = act(s, activation);
    }
  }
  return h;
}

function run(inputs: SimpleRnnInputs<In>, options: SimpleRnnOptions) {
  const { returnSequences, goBackwards } = resolveSimpleRnnOptions(options);
  const [B, T, F] = inputs.x.shape as [number, number, number];
  const U = inputs.recurrentKernel.shape[0]!;
  const time = (s: number) => (goBackwards ? T - 1 - s : s);
  /** Whether row b takes x_t (Keras's mask; always without one). */
  const runs = (b: number, t: number) => !inputs.mask || inputs.mask.data[b * T + t] !== 0;
  const keep = inputs.recurrentDropoutMask?.data;
  const h: Float64Array[] = [Float64Array.from(inputs.initialState?.[0].data ?? new Float64Array(B * U))];
  const xt = new Float64Array(B * F);
  for (let s = 0; s < T; s++) {
    for (let b = 0; b < B; b++) for (let k = 0; k < F; k++) xt[b * F + k] = inputs.x.data[(b * T + time(s)) * F + k]!;
    // Recurrent dropout: the recurrent product reads h ⊙ keep.
    const hIn = keep ? h[s]!.map((v, i) => v * keep[i]!) : h[s]!;
    const next = simpleRnnStep(xt, hIn, inputs.kernel.data, inputs.recurrentKernel.data, inputs.bias.data, { B, F, U }, options);
    // A masked row keeps its state (its output is the carried h, as Keras 3's rnn() without zero_output_for_mask).
    for (let b = 0; b < B; b++) if (!runs(b, time(s))) next.set(h[s]!.subarray(b * U, (b + 1) * U), b * U);
    h.push(next);
  }
  const output = returnSequences ? sequenceOf(h, B, T, U) : { data: Float64Array.from(h[T]!), shape: [B, U] };
  const out: SimpleRnnOutputs<F64Tensor> = { output, h: { data: Float64Array.from(h[T]!), shape: [B, U] } };
  return { out, cache: { B, T, F, U, h, time, runs } };
}

export function simpleRnnForward(inputs: SimpleRnnInputs<In>, options: SimpleRnnOptions = {}): SimpleRnnOutputs<F64Tensor> {
  return run(inputs, options).out;
}

/** Forward then backpropagation through time; returns the forward outputs and every gradient. */
export function simpleRnnBackward(inputs: SimpleRnnInputs<In>, grads: SimpleRnnGrads<In>, options: SimpleRnnOptions = {}): SimpleRnnGradients<F64Tensor> {
  const { activation, returnSequences } = resolveSimpleRnnOptions(options);
  const { out, cache } = run(inputs, options);
  const { B, T, F, U } = cache;
  const W = inputs.kernel.data;
  const R = inputs.recurrentKernel.data;
  const dX = new Float64Array(B * T * F);
  const dKernel = new Float64Array(F * U);
  const dRecurrentKernel = new Float64Array(U * U);
  const dBias = new Float64Array(U);
  let dh = Float64Array.from(grads.dh?.data ?? new Float64Array(B * U));
  if (!returnSequences) for (let i = 0; i < B * U; i++) dh[i] += grads.dOutput.data[i]!;
  const keepOf = (i: number) => inputs.recurrentDropoutMask?.data[i] ?? 1;
  for (let s = T - 1; s >= 0; s--) {
    if (returnSequences) for (let b = 0; b < B; b++) for (let j = 0; j < U; j++) dh[b * U + j] += grads.dOutput.data[(b * T + s) * U + j]!;
    const [hPrev, hNext, t] = [cache.h[s]!, cache.h[s + 1]!, cache.time(s)];
    const next = new Float64Array(B * U);
    for (let b = 0; b < B; b++) {
      if (!cache.runs(b, t)) {
        // Skipped: no pre-activation gradient, and dh goes on whole to the state before.
        next.set(dh.subarray(b * U, (b + 1) * U), b * U);
        continue;
      }
      for (let j = 0; j < U; j++) {
        const d = dh[b * U + j]! * actGradFromOutput(hNext[b * U + j]!, activation);
        dBias[j] += d;
        for (let k = 0; k < F; k++) {
          dKernel[k * U + j] += inputs.x.data[(b * T + t) * F + k]! * d;
          dX[(b * T + t) * F + k] += d * W[k * U + j]!;
        }
        for (let k = 0; k < U; k++) {
          dRecurrentKernel[k * U + j] += hPrev[b * U + k]! * keepOf(b * U + k) * d;
          next[b * U + k] += d * R[k * U + j]! * keepOf(b * U + k);
        }
      }
    }
    dh = next;
  }
  return {
    ...out,
    dX: { data: dX, shape: [B, T, F] },
    dKernel: { data: dKernel, shape: [F, U] },
    dRecurrentKernel: { data: dRecurrentKernel, shape: [U, U] },
    dBias: { data: dBias, shape: [U] },
    dh0: { data: dh, shape: [B, U] },
  };
}
