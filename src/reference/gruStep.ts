/**
 * Float64 CPU twin of shaders/gruStep.wgsl and of the functional API in src/ops/gru.ts: same arguments (Keras
 * layout, batch-major x), same outputs and gradients, computed the plain way in processing order.
 *
 * The cell is Keras's GRUCell.call (keras/src/layers/rnn/gru.py), gate order z, r, h in every 3u-wide block:
 *   z = σ(x·Wz + bz + h·Uz [+ bz_rec])   r = σ(x·Wr + br + h·Ur [+ br_rec])      σ = recurrentActivation
 *   resetAfter true:  hh = act(x·Wh + bh + r ⊙ (h·Uh + bh_rec))                    bias [2, 3u]: input, recurrent
 *   resetAfter false: hh = act(x·Wh + bh + (r ⊙ h)·Uh)                             bias [3u], no recurrent bias
 *   h' = z ⊙ h + (1 − z) ⊙ hh
 * PyTorch's nn.GRU / GRUCell document r = σ(W_ir x + b_ir + W_hr h + b_hr), z = σ(W_iz x + b_iz + W_hz h + b_hz),
 * n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn)), h' = (1 − z) ⊙ n + z ⊙ h: exactly resetAfter true with
 * act = tanh, σ = sigmoid, n = hh, kernel = [W_iz; W_ir; W_in]ᵀ, recurrentKernel = [W_hz; W_hr; W_hn]ᵀ,
 * bias = [b_i(z,r,n); b_h(z,r,n)]. Note PyTorch stacks weight_ih as (r, z, n), reset first; Keras (z, r, h).
 * PyTorch has no reset-before variant; cuDNN's GRU is reset-after too.
 */
import type { GruGradients, GruGrads, GruInputs, GruOptions, GruOutputs } from '../ops/gruArgs';
import { resolveGruOptions } from '../ops/gruArgs';
import { act, actGradFromOutput } from './activations';
import type { F64Tensor } from './lstmStep';

type In = { data: ArrayLike<number>; shape: readonly number[] };

export interface GruStepResult {
  h: Float64Array;
  /** [B, 3U]: z, r and the candidate hh, after their activations. */
  gates: Float64Array;
  /** [B, U]: what r multiplies into the candidate: h·Uh + bh_rec (resetAfter), else the product (r ⊙ h)·Uh. */
  recurrentH: Float64Array;
}

/**
 * One timestep for every batch row. `keep` [B, U] (recurrent dropout): every product with U reads hPrev ⊙ keep,
 * the mix z ⊙ hPrev the state itself (Keras 3's GRUCell).
 */
export function gruStep(
  xt: ArrayLike<number>, // [B, F]
  hPrev: Float64Array,
  kernel: ArrayLike<number>,
  recurrentKernel: ArrayLike<number>,
  bias: ArrayLike<number>,
  dims: { B: number; F: number; U: number },
  options: GruOptions = {},
  keep: ArrayLike<number> | null = null,
): GruStepResult {
  const { activation, recurrentActivation, resetAfter } = resolveGruOptions(options);
  const { B, F, U } = dims;
  const U3 = 3 * U;
  const h = new Float64Array(B * U);
  const gates = new Float64Array(B * U3);
  const recurrentH = new Float64Array(B * U);
  const xp = new Float64Array(U3);
  const hp = new Float64Array(U3);
  for (let b = 0; b < B; b++) {
    const hb = hPrev.subarray(b * U, (b + 1) * U);
    const hIn = keep ? hb.map((v, k) => v * keep[b * U + k]!) : hb;
    for (let m = 0; m < U3; m++) {
      let s = bias[m]!;
      for (let k = 0; k < F; k++) s += xt[b * F + k]! * kernel[k * U3 + m]!;
      xp[m] = s;
      let r = resetAfter ? bias[U3 + m]! : 0;
      for (let k = 0; k < U; k++) r += hIn[k]! * recurrentKernel[k * U3 + m]!;
      hp[m] = r;
    }
    const row = gates.subarray(b * U3, (b + 1) * U3);
    for (let j = 0; j < U; j++) {
      row[j] = act(xp[j]! + hp[j]!, recurrentActivation);
      row[U + j] = act(xp[U + j]! + hp[U + j]!, recurrentActivation);
    }
    for (let j = 0; j < U; j++) {
      let n = 0;
      if (resetAfter) n = hp[2 * U + j]!;
      else for (let k = 0; k < U; k++) n += row[U + k]! * hIn[k]! * recurrentKernel[k * U3 + 2 * U + j]!;
      recurrentH[b * U + j] = n;
      const hh = act(xp[2 * U + j]! + (resetAfter ? row[U + j]! * n : n), activation);
      row[2 * U + j] = hh;
      const z = row[j]!;
      h[b * U + j] = z * hb[j]! + (1 - z) * hh;
    }
  }
  return { h, gates, recurrentH };
}

interface Cache {
  B: number;
  T: number;
  F: number;
  U: number;
  /** h[s]: the state before processing step s (s = T: final), each [B, U]. */
  h: Float64Array[];
  steps: GruStepResult[];
  time: (s: number) => number;
  /** Whether row b takes x_t (Keras's mask; always without one). */
  runs: (b: number, t: number) => boolean;
}

function run(inputs: GruInputs<In>, options: GruOptions): { out: GruOutputs<F64Tensor>; cache: Cache } {
  const { returnSequences, goBackwards } = resolveGruOptions(options);
  const [B, T, F] = inputs.x.shape as [number, number, number];
  const U = inputs.recurrentKernel.shape[0]!;
  const time = (s: number) => (goBackwards ? T - 1 - s : s);
  const runs = (b: number, t: number) => !inputs.mask || inputs.mask.data[b * T + t] !== 0;
  const keep = inputs.recurrentDropoutMask?.data ?? null;
  const h: Float64Array[] = [Float64Array.from(inputs.initialState?.[0].data ?? new Float64Array(B * U))];
  const steps: GruStepResult[] = [];
  const xt = new Float64Array(B * F);
  for (let s = 0; s < T; s++) {
    for (let b = 0; b < B; b++) for (let k = 0; k < F; k++) xt[b * F + k] = inputs.x.data[(b * T + time(s)) * F + k]!;
    const step = gruStep(xt, h[s]!, inputs.kernel.data, inputs.recurrentKernel.data, inputs.bias.data, { B, F, U }, options, keep);
    // A masked row keeps its state (its output is the carried h, as Keras 3's rnn() without zero_output_for_mask).
    for (let b = 0; b < B; b++) if (!runs(b, time(s))) step.h.set(h[s]!.subarray(b * U, (b + 1) * U), b * U);
    h.push(step.h);
    steps.push(step);
  }
  const output = returnSequences ? sequenceOf(h, B, T, U) : { data: Float64Array.from(h[T]!), shape: [B, U] };
  return { out: { output, h: { data: Float64Array.from(h[T]!), shape: [B, U] } }, cache: { B, T, F, U, h, steps, time, runs } };
}

/** h[1..T] (processing order) as Keras's [B, T, U]. */
export function sequenceOf(h: Float64Array[], B: number, T: number, U: number): F64Tensor {
  const data = new Float64Array(B * T * U);
  for (let s = 0; s < T; s++) for (let b = 0; b < B; b++) data.set(h[s + 1]!.subarray(b * U, (b + 1) * U), (b * T + s) * U);
  return { data, shape: [B, T, U] };
}

export function gruForward(inputs: GruInputs<In>, options: GruOptions = {}): GruOutputs<F64Tensor> {
  return run(inputs, options).out;
}

/** Forward then backpropagation through time; returns the forward outputs and every gradient. */
export function gruBackward(inputs: GruInputs<In>, grads: GruGrads<In>, options: GruOptions = {}): GruGradients<F64Tensor> {
  const { activation, recurrentActivation, returnSequences, resetAfter } = resolveGruOptions(options);
  const { out, cache } = run(inputs, options);
  const { B, T, F, U } = cache;
  const U3 = 3 * U;
  const W = inputs.kernel.data;
  const R = inputs.recurrentKernel.data;
  const dX = new Float64Array(B * T * F);
  const dKernel = new Float64Array(F * U3);
  const dRecurrentKernel = new Float64Array(U * U3);
  const dBias = new Float64Array(resetAfter ? 2 * U3 : U3);
  let dh = Float64Array.from(grads.dh?.data ?? new Float64Array(B * U));
  if (!returnSequences) for (let i = 0; i < B * U; i++) dh[i] += grads.dOutput.data[i]!;
  const dGx = new Float64Array(U3); // gradient of the input pre-activations x·W + b (z, r, h)
  const dGh = new Float64Array(U3); // gradient of the recurrent products h·U (+ b_rec) (z, r, h)
  // Recurrent dropout: the products with U read h ⊙ keep, so what goes back through them is ⊙ keep.
  const keepOf = (i: number) => inputs.recurrentDropoutMask?.data[i] ?? 1;
  for (let s = T - 1; s >= 0; s--) {
    if (returnSequences) for (let b = 0; b < B; b++) for (let j = 0; j < U; j++) dh[b * U + j] += grads.dOutput.data[(b * T + s) * U + j]!;
    const { gates, recurrentH } = cache.steps[s]!;
    const hPrev = cache.h[s]!;
    const t = cache.time(s);
    const next = new Float64Array(B * U);
    for (let b = 0; b < B; b++) {
      if (!cache.runs(b, t)) {
        // Skipped: no gate gradients (so nothing reaches the weights or x), and dh goes on whole to the state before.
        next.set(dh.subarray(b * U, (b + 1) * U), b * U);
        continue;
      }
      const g = gates.subarray(b * U3, (b + 1) * U3);
      for (let j = 0; j < U; j++) {
        const dhv = dh[b * U + j]!;
        const [z, hh] = [g[j]!, g[2 * U + j]!];
        dGx[j] = dGh[j] = dhv * (hPrev[b * U + j]! - hh) * actGradFromOutput(z, recurrentActivation);
        const da = dhv * (1 - z) * actGradFromOutput(hh, activation);
        dGx[2 * U + j] = da;
        dGh[2 * U + j] = resetAfter ? da * g[U + j]! : 0;
        if (resetAfter) dGx[U + j] = dGh[U + j] = da * recurrentH[b * U + j]! * actGradFromOutput(g[U + j]!, recurrentActivation);
        next[b * U + j] = dhv * z;
      }
      if (!resetAfter) {
        for (let k = 0; k < U; k++) {
          let sum = 0; // gradient of (r ⊙ h)_k, the input of the candidate's recurrent product
          for (let j = 0; j < U; j++) sum += dGx[2 * U + j]! * R[k * U3 + 2 * U + j]!;
          const r = g[U + k]!;
          const hIn = hPrev[b * U + k]! * keepOf(b * U + k);
          dGx[U + k] = dGh[U + k] = sum * hIn * actGradFromOutput(r, recurrentActivation);
          next[b * U + k] += sum * r * keepOf(b * U + k);
          // dUh = (r ⊙ h)ᵀ · da: the candidate's recurrent product reads r ⊙ h, not h
          for (let j = 0; j < U; j++) dRecurrentKernel[k * U3 + 2 * U + j] += r * hIn * dGx[2 * U + j]!;
        }
      }
      for (let m = 0; m < U3; m++) {
        dBias[m] += dGx[m]!;
        if (resetAfter) dBias[U3 + m] += dGh[m]!;
        for (let k = 0; k < F; k++) {
          dKernel[k * U3 + m] += inputs.x.data[(b * T + t) * F + k]! * dGx[m]!;
          dX[(b * T + t) * F + k] += dGx[m]! * W[k * U3 + m]!;
        }
        for (let k = 0; k < U; k++) {
          dRecurrentKernel[k * U3 + m] += hPrev[b * U + k]! * keepOf(b * U + k) * dGh[m]!;
          next[b * U + k] += dGh[m]! * R[k * U3 + m]! * keepOf(b * U + k);
        }
      }
    }
    dh = next;
  }
  return {
    ...out,
    dX: { data: dX, shape: [B, T, F] },
    dKernel: { data: dKernel, shape: [F, U3] },
    dRecurrentKernel: { data: dRecurrentKernel, shape: [U, U3] },
    dBias: { data: dBias, shape: resetAfter ? [2, U3] : [U3] },
    dh0: { data: dh, shape: [B, U] },
  };
}
