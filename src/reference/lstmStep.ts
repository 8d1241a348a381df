/**
 * Float64 CPU twin of shaders/lstmStep.wgsl and of the functional API in src/ops/lstm.ts: the same inputs
 * (Keras layout, batch-major x), the same outputs and gradients, computed the plain way. Tests compare the
 * GPU against it and check it against finite differences. No GPU, no float32 anywhere.
 *
 * goBackwards is written the plain way: step s reads x at time T−1−s, and every per-step array here (h, c,
 * gates, returned sequences) is in processing order, as Keras returns it. The kernels index by input time
 * instead (shaders/direction.wgsl); the two meet only through the functional API's outputs.
 */
import type { LstmGradients, LstmGrads, LstmInputs, LstmOptions, LstmOutputs } from '../ops/lstmArgs';
import { resolveLstmOptions } from '../ops/lstmArgs';
import { act, actGradFromOutput } from './activations';

export interface F64Tensor {
  data: Float64Array;
  shape: number[];
}
type In = { data: ArrayLike<number>; shape: readonly number[] };

interface Cache {
  B: number;
  T: number;
  F: number;
  U: number;
  /** h[s] and c[s] before processing step s = 0..T (s = T: final), each [B, U]. */
  h: Float64Array[];
  c: Float64Array[];
  /** Activated gates per step, [B, 4U] in order i, f, g, o. */
  gates: Float64Array[];
  /** Input time read by processing step s. */
  time: (s: number) => number;
  /** Whether row b takes x_t (Keras's mask; always without one). */
  runs: (b: number, t: number) => boolean;
}

/** One timestep for every batch row: returns h_t, c_t and the activated gates. */
export function lstmStep(
  xt: ArrayLike<number>, // [B, F]
  hPrev: Float64Array,
  cPrev: Float64Array,
  kernel: ArrayLike<number>,
  recurrentKernel: ArrayLike<number>,
  bias: ArrayLike<number>,
  dims: { B: number; F: number; U: number },
  options: LstmOptions = {},
): { h: Float64Array; c: Float64Array; gates: Float64Array } {
  const { activation, recurrentActivation } = resolveLstmOptions(options);
  const { B, F, U } = dims;
  const h = new Float64Array(B * U);
  const c = new Float64Array(B * U);
  const gates = new Float64Array(B * 4 * U);
  const z = new Float64Array(4 * U);
  for (let b = 0; b < B; b++) {
    for (let m = 0; m < 4 * U; m++) {
      let s = bias[m]!;
      for (let k = 0; k < F; k++) s += xt[b * F + k]! * kernel[k * 4 * U + m]!;
      for (let k = 0; k < U; k++) s += hPrev[b * U + k]! * recurrentKernel[k * 4 * U + m]!;
      z[m] = s;
    }
    for (let j = 0; j < U; j++) {
      const i = act(z[j]!, recurrentActivation);
      const f = act(z[U + j]!, recurrentActivation);
      const g = act(z[2 * U + j]!, activation);
      const o = act(z[3 * U + j]!, recurrentActivation);
      const ct = f * cPrev[b * U + j]! + i * g;
      c[b * U + j] = ct;
      h[b * U + j] = o * act(ct, activation);
      const row = b * 4 * U;
      gates[row + j] = i;
      gates[row + U + j] = f;
      gates[row + 2 * U + j] = g;
      gates[row + 3 * U + j] = o;
    }
  }
  return { h, c, gates };
}

function run(inputs: LstmInputs<In>, options: LstmOptions): { out: LstmOutputs<F64Tensor>; cache: Cache } {
  const { returnSequences, goBackwards } = resolveLstmOptions(options);
  const [B, T, F] = inputs.x.shape as [number, number, number];
  const U = inputs.recurrentKernel.shape[0]!;
  const h: Float64Array[] = [Float64Array.from(inputs.initialState?.[0].data ?? new Float64Array(B * U))];
  const c: Float64Array[] = [Float64Array.from(inputs.initialState?.[1].data ?? new Float64Array(B * U))];
  const gates: Float64Array[] = [];
  const xt = new Float64Array(B * F);
  const time = (s: number) => (goBackwards ? T - 1 - s : s);
  const runs = (b: number, t: number) => !inputs.mask || inputs.mask.data[b * T + t] !== 0;
  const keep = inputs.recurrentDropoutMask?.data;
  for (let s = 0; s < T; s++) {
    for (let b = 0; b < B; b++) {
      for (let k = 0; k < F; k++) xt[b * F + k] = inputs.x.data[(b * T + time(s)) * F + k]!;
    }
    // Recurrent dropout: the recurrent product reads h ⊙ keep (h itself enters nothing else).
    const hIn = keep ? h[s]!.map((v, i) => v * keep[i]!) : h[s]!;
    const step = lstmStep(xt, hIn, c[s]!, inputs.kernel.data, inputs.recurrentKernel.data, inputs.bias.data, { B, F, U }, options);
    // A masked row keeps its states (its output is the carried h, as Keras 3's rnn() without zero_output_for_mask).
    for (let b = 0; b < B; b++) {
      if (runs(b, time(s))) continue;
      step.h.set(h[s]!.subarray(b * U, (b + 1) * U), b * U);
      step.c.set(c[s]!.subarray(b * U, (b + 1) * U), b * U);
    }
    h.push(step.h);
    c.push(step.c);
    gates.push(step.gates);
  }
  let output: F64Tensor;
  if (returnSequences) {
    const data = new Float64Array(B * T * U);
    for (let s = 0; s < T; s++) {
      for (let b = 0; b < B; b++) data.set(h[s + 1]!.subarray(b * U, (b + 1) * U), (b * T + s) * U);
    }
    output = { data, shape: [B, T, U] };
  } else {
    output = { data: Float64Array.from(h[T]!), shape: [B, U] };
  }
  return {
    out: { output, h: { data: Float64Array.from(h[T]!), shape: [B, U] }, c: { data: Float64Array.from(c[T]!), shape: [B, U] } },
    cache: { B, T, F, U, h, c, gates, time, runs },
  };
}

export function lstmForward(inputs: LstmInputs<In>, options: LstmOptions = {}): LstmOutputs<F64Tensor> {
  return run(inputs, options).out;
}

/** Forward then backpropagation through time; returns the forward outputs and every gradient. */
export function lstmBackward(inputs: LstmInputs<In>, grads: LstmGrads<In>, options: LstmOptions = {}): LstmGradients<F64Tensor> {
  const { activation, recurrentActivation, returnSequences } = resolveLstmOptions(options);
  const { out, cache } = run(inputs, options);
  const { B, T, F, U } = cache;
  const U4 = 4 * U;
  const W = inputs.kernel.data;
  const R = inputs.recurrentKernel.data;
  const dX = new Float64Array(B * T * F);
  const dKernel = new Float64Array(F * U4);
  const dRecurrentKernel = new Float64Array(U * U4);
  const dBias = new Float64Array(U4);
  let dh = Float64Array.from(grads.dh?.data ?? new Float64Array(B * U));
  const dc = Float64Array.from(grads.dc?.data ?? new Float64Array(B * U));
  if (!returnSequences) for (let i = 0; i < B * U; i++) dh[i] += grads.dOutput.data[i]!;
  const dG = new Float64Array(B * U4);
  const keepOf = (i: number) => inputs.recurrentDropoutMask?.data[i] ?? 1;
  for (let s = T - 1; s >= 0; s--) {
    if (returnSequences) {
      for (let b = 0; b < B; b++) for (let j = 0; j < U; j++) dh[b * U + j] += grads.dOutput.data[(b * T + s) * U + j]!;
    }
    const gates = cache.gates[s]!;
    const t = cache.time(s);
    for (let b = 0; b < B; b++) {
      if (!cache.runs(b, t)) {
        // Skipped: no gate gradients; dc stays, and dh goes on whole to the state before (below).
        dG.fill(0, b * U4, (b + 1) * U4);
        continue;
      }
      for (let j = 0; j < U; j++) {
        const row = b * U4;
        const [i, f, g, o] = [gates[row + j]!, gates[row + U + j]!, gates[row + 2 * U + j]!, gates[row + 3 * U + j]!];
        const a = act(cache.c[s + 1]![b * U + j]!, activation);
        const dhv = dh[b * U + j]!;
        const dct = dc[b * U + j]! + dhv * o * actGradFromOutput(a, activation);
        dG[row + j] = dct * g * actGradFromOutput(i, recurrentActivation);
        dG[row + U + j] = dct * cache.c[s]![b * U + j]! * actGradFromOutput(f, recurrentActivation);
        dG[row + 2 * U + j] = dct * i * actGradFromOutput(g, activation);
        dG[row + 3 * U + j] = dhv * a * actGradFromOutput(o, recurrentActivation);
        dc[b * U + j] = dct * f;
      }
    }
    const hPrev = cache.h[s]!;
    const next = new Float64Array(B * U);
    for (let b = 0; b < B; b++) {
      if (!cache.runs(b, t)) next.set(dh.subarray(b * U, (b + 1) * U), b * U);
      for (let m = 0; m < U4; m++) {
        const d = dG[b * U4 + m]!;
        dBias[m] += d;
        for (let k = 0; k < F; k++) {
          const xv = inputs.x.data[(b * T + t) * F + k]!;
          dKernel[k * U4 + m] += xv * d;
          dX[(b * T + t) * F + k] += d * W[k * U4 + m]!;
        }
        for (let k = 0; k < U; k++) {
          dRecurrentKernel[k * U4 + m] += hPrev[b * U + k]! * keepOf(b * U + k) * d;
          next[b * U + k] += d * R[k * U4 + m]! * keepOf(b * U + k);
        }
      }
    }
    dh = next;
  }
  return {
    ...out,
    dX: { data: dX, shape: [B, T, F] },
    dKernel: { data: dKernel, shape: [F, U4] },
    dRecurrentKernel: { data: dRecurrentKernel, shape: [U, U4] },
    dBias: { data: dBias, shape: [U4] },
    dh0: { data: dh, shape: [B, U] },
    dc0: { data: dc, shape: [B, U] },
  };
}
