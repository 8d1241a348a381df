/**
 * Float64 CPU twin of the echo-state reservoir (shaders/simpleRnnStep.wgsl with LEAK) and of src/ops/echoState.ts:
 *   h_t = (1 − a) h_{t−1} + a · tanh(x_t·W_in + h_{t−1}·W + b)
 * in processing order (goBackwards: step s reads x at time T−1−s; sequences come in processing order, as Keras's).
 */
import type { EchoStateGradients, EchoStateGrads, EchoStateInputs, EchoStateOptions, EchoStateOutputs } from '../ops/echoStateArgs';
import { resolveEchoStateOptions } from '../ops/echoStateArgs';
import { sequenceOf } from './gruStep';
import type { F64Tensor } from './lstmStep';

type In = { data: ArrayLike<number>; shape: readonly number[] };

function run(inputs: EchoStateInputs<In>, options: EchoStateOptions) {
  const { leakRate: a, returnSequences, goBackwards } = resolveEchoStateOptions(options);
  const [B, T, F] = inputs.x.shape as [number, number, number];
  const U = inputs.reservoir.shape[0]!;
  const [Win, W, bias, x] = [inputs.inputKernel.data, inputs.reservoir.data, inputs.bias.data, inputs.x.data];
  const time = (s: number) => (goBackwards ? T - 1 - s : s);
  const runs = (b: number, t: number) => !inputs.mask || inputs.mask.data[b * T + t] !== 0;
  const h: Float64Array[] = [Float64Array.from(inputs.initialState?.[0].data ?? new Float64Array(B * U))];
  /** z_t = tanh(s_t), kept for backward. */
  const z: Float64Array[] = [];
  for (let s = 0; s < T; s++) {
    const t = time(s);
    const [prev, next, zs] = [h[s]!, Float64Array.from(h[s]!), new Float64Array(B * U)];
    for (let b = 0; b < B; b++) {
      if (!runs(b, t)) continue;
      for (let j = 0; j < U; j++) {
        let pre = bias[j]!;
        for (let k = 0; k < F; k++) pre += x[(b * T + t) * F + k]! * Win[k * U + j]!;
        for (let k = 0; k < U; k++) pre += prev[b * U + k]! * W[k * U + j]!;
        zs[b * U + j] = Math.tanh(pre);
        next[b * U + j] = (1 - a) * prev[b * U + j]! + a * zs[b * U + j]!;
      }
    }
    h.push(next);
    z.push(zs);
  }
  const final = { data: Float64Array.from(h[T]!), shape: [B, U] };
  const out: EchoStateOutputs<F64Tensor> = { output: returnSequences ? sequenceOf(h, B, T, U) : final, h: { ...final, data: Float64Array.from(h[T]!) } };
  return { out, cache: { a, B, T, F, U, h, z, time, runs, returnSequences } };
}

export function echoStateForward(inputs: EchoStateInputs<In>, options: EchoStateOptions = {}): EchoStateOutputs<F64Tensor> {
  return run(inputs, options).out;
}

/** Forward then backpropagation through time; returns the forward outputs and every gradient. */
export function echoStateBackward(inputs: EchoStateInputs<In>, grads: EchoStateGrads<In>, options: EchoStateOptions = {}): EchoStateGradients<F64Tensor> {
  const { out, cache } = run(inputs, options);
  const { a, B, T, F, U, h, z, time, runs, returnSequences } = cache;
  const [Win, W, x] = [inputs.inputKernel.data, inputs.reservoir.data, inputs.x.data];
  const dX = new Float64Array(B * T * F);
  const dInputKernel = new Float64Array(F * U);
  const dReservoir = new Float64Array(U * U);
  const dBias = new Float64Array(U);
  let dh = Float64Array.from(grads.dh?.data ?? new Float64Array(B * U));
  if (!returnSequences) for (let i = 0; i < B * U; i++) dh[i] += grads.dOutput.data[i]!;
  for (let s = T - 1; s >= 0; s--) {
    const t = time(s);
    if (returnSequences) for (let b = 0; b < B; b++) for (let j = 0; j < U; j++) dh[b * U + j] += grads.dOutput.data[(b * T + s) * U + j]!;
    const next = new Float64Array(B * U);
    for (let b = 0; b < B; b++) {
      if (!runs(b, t)) {
        next.set(dh.subarray(b * U, (b + 1) * U), b * U);
        continue;
      }
      for (let j = 0; j < U; j++) {
        const i = b * U + j;
        next[i] += (1 - a) * dh[i]!;
        const d = dh[i]! * a * (1 - z[s]![i]! ** 2);
        dBias[j] += d;
        for (let k = 0; k < F; k++) {
          dInputKernel[k * U + j] += x[(b * T + t) * F + k]! * d;
          dX[(b * T + t) * F + k] += d * Win[k * U + j]!;
        }
        for (let k = 0; k < U; k++) {
          dReservoir[k * U + j] += h[s]![b * U + k]! * d;
          next[b * U + k] += d * W[k * U + j]!;
        }
      }
    }
    dh = next;
  }
  return {
    ...out,
    dX: { data: dX, shape: [B, T, F] },
    dInputKernel: { data: dInputKernel, shape: [F, U] },
    dReservoir: { data: dReservoir, shape: [U, U] },
    dBias: { data: dBias, shape: [U] },
    dh0: { data: dh, shape: [B, U] },
  };
}
