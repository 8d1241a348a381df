/**
 * Float64 CPU twin of shaders/sruSeq.wgsl and of the functional API in src/ops/sru.ts: the Simple Recurrent Unit
 * of Lei et al. (2018), computed the plain way in processing order (goBackwards: step s reads x at time T−1−s,
 * and returned sequences come in processing order, as Keras returns them).
 *
 *   x̃ = x·W   f = σ(x·W_f + v_f ⊙ c + b_f)   r = σ(x·W_r + v_r ⊙ c + b_r)
 *   c' = f ⊙ c + (1 − f) ⊙ x̃                  h = r ⊙ g(c') + (1 − r) ⊙ x̂,  x̂ = x (features = units) or x·W_h
 */
import type { SruGradients, SruGrads, SruInputs, SruOptions, SruOutputs } from '../ops/sruArgs';
import { resolveSruOptions } from '../ops/sruArgs';
import { act, actGradFromOutput } from './activations';
import { sequenceOf } from './gruStep';
import type { F64Tensor } from './lstmStep';

type In = { data: ArrayLike<number>; shape: readonly number[] };

const sigmoid = (v: number) => act(v, 'sigmoid');

/** The sizes, and the pre-activations of every gate for (row b, unit j) at input time t, given c_{t−1}. */
function model(inputs: SruInputs<In>) {
  const [B, T, F] = inputs.x.shape as [number, number, number];
  const U = inputs.recurrentWeights.shape[1]!;
  const blocks = F === U ? 3 : 4;
  const [W, x, v, bias] = [inputs.kernel.data, inputs.x.data, inputs.recurrentWeights.data, inputs.bias.data];
  /** x_t·kernel column g·U + j for row b. */
  const proj = (b: number, t: number, g: number, j: number) => {
    let s = 0;
    for (let k = 0; k < F; k++) s += x[(b * T + t) * F + k]! * W[k * blocks * U + g * U + j]!;
    return s;
  };
  const gates = (b: number, t: number, j: number, cPrev: number, keep: number) => {
    const xt = proj(b, t, 0, j);
    const f = sigmoid(proj(b, t, 1, j) + v[j]! * cPrev * keep + bias[j]!);
    const r = sigmoid(proj(b, t, 2, j) + v[U + j]! * cPrev * keep + bias[U + j]!);
    const skip = blocks === 3 ? x[(b * T + t) * F + j]! : proj(b, t, 3, j);
    return { xt, f, r, skip };
  };
  return { B, T, F, U, blocks, gates };
}

function run(inputs: SruInputs<In>, options: SruOptions) {
  const { activation, returnSequences, goBackwards } = resolveSruOptions(options);
  const m = model(inputs);
  const { B, T, U } = m;
  const time = (s: number) => (goBackwards ? T - 1 - s : s);
  const runs = (b: number, t: number) => !inputs.mask || inputs.mask.data[b * T + t] !== 0;
  const keepOf = (i: number) => inputs.recurrentDropoutMask?.data[i] ?? 1;
  const h: Float64Array[] = [Float64Array.from(inputs.initialState?.[0].data ?? new Float64Array(B * U))];
  const c: Float64Array[] = [Float64Array.from(inputs.initialState?.[1].data ?? new Float64Array(B * U))];
  for (let s = 0; s < T; s++) {
    const [hNext, cNext] = [Float64Array.from(h[s]!), Float64Array.from(c[s]!)];
    for (let b = 0; b < B; b++) {
      if (!runs(b, time(s))) continue; // a masked step keeps both states
      for (let j = 0; j < U; j++) {
        const i = b * U + j;
        const { xt, f, r, skip } = m.gates(b, time(s), j, c[s]![i]!, keepOf(i));
        cNext[i] = f * c[s]![i]! + (1 - f) * xt;
        hNext[i] = r * act(cNext[i]!, activation) + (1 - r) * skip;
      }
    }
    h.push(hNext);
    c.push(cNext);
  }
  const final = (a: Float64Array[]) => ({ data: Float64Array.from(a[T]!), shape: [B, U] });
  const output = returnSequences ? sequenceOf(h, B, T, U) : final(h);
  const out: SruOutputs<F64Tensor> = { output, h: final(h), c: final(c) };
  return { out, cache: { m, c, time, runs, keepOf, activation, returnSequences } };
}

export function sruForward(inputs: SruInputs<In>, options: SruOptions = {}): SruOutputs<F64Tensor> {
  return run(inputs, options).out;
}

/** Forward then backpropagation through time; returns the forward outputs and every gradient. */
export function sruBackward(inputs: SruInputs<In>, grads: SruGrads<In>, options: SruOptions = {}): SruGradients<F64Tensor> {
  const { out, cache } = run(inputs, options);
  const { m, c, time, runs, keepOf, activation, returnSequences } = cache;
  const { B, T, F, U, blocks } = m;
  const [W, v] = [inputs.kernel.data, inputs.recurrentWeights.data];
  const dX = new Float64Array(B * T * F);
  const dKernel = new Float64Array(F * blocks * U);
  const dV = new Float64Array(2 * U);
  const dBias = new Float64Array(2 * U);
  const dh = Float64Array.from(grads.dh?.data ?? new Float64Array(B * U));
  const dc = Float64Array.from(grads.dc?.data ?? new Float64Array(B * U));
  if (!returnSequences) for (let i = 0; i < B * U; i++) dh[i] += grads.dOutput.data[i]!;
  /** Adds d to the gradient of x_t·kernel column g·U + j, i.e. to dKernel and dX. */
  const backProj = (b: number, t: number, g: number, j: number, d: number) => {
    for (let k = 0; k < F; k++) {
      dKernel[k * blocks * U + g * U + j] += inputs.x.data[(b * T + t) * F + k]! * d;
      dX[(b * T + t) * F + k] += d * W[k * blocks * U + g * U + j]!;
    }
  };
  for (let s = T - 1; s >= 0; s--) {
    const t = time(s);
    for (let b = 0; b < B; b++) {
      for (let j = 0; j < U; j++) {
        const i = b * U + j;
        if (returnSequences) dh[i] += grads.dOutput.data[(b * T + s) * U + j]!;
        // Skipped: the output there was the one before, so dh goes on whole; dc too (c was kept).
        if (!runs(b, t)) continue;
        const [cPrev, cNew, keep] = [c[s]![i]!, c[s + 1]![i]!, keepOf(i)];
        const { xt, f, r, skip } = m.gates(b, t, j, cPrev, keep);
        const g = act(cNew, activation);
        const dr = dh[i]! * (g - skip) * r * (1 - r);
        const dct = dc[i]! + dh[i]! * r * actGradFromOutput(g, activation);
        const df = dct * (cPrev - xt) * f * (1 - f);
        backProj(b, t, 0, j, dct * (1 - f));
        backProj(b, t, 1, j, df);
        backProj(b, t, 2, j, dr);
        const dSkip = dh[i]! * (1 - r);
        if (blocks === 4) backProj(b, t, 3, j, dSkip);
        else dX[(b * T + t) * F + j] += dSkip;
        dV[j] += df * cPrev * keep;
        dV[U + j] += dr * cPrev * keep;
        dBias[j] += df;
        dBias[U + j] += dr;
        dc[i] = dct * f + (df * v[j]! + dr * v[U + j]!) * keep;
        dh[i] = 0;
      }
    }
  }
  return {
    ...out,
    dX: { data: dX, shape: [B, T, F] },
    dKernel: { data: dKernel, shape: [F, blocks * U] },
    dRecurrentWeights: { data: dV, shape: [2, U] },
    dBias: { data: dBias, shape: [2, U] },
    dh0: { data: dh, shape: [B, U] },
    dc0: { data: dc, shape: [B, U] },
  };
}
