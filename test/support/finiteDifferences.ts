/**
 * Central finite differences of a scalar loss over every element of some parameter arrays, and the loss every
 * recurrent gradient test uses: L = Σ dOutput·output + Σ dh·h_T, so one backward call checks every gradient.
 */
import { expect } from 'vitest';
import { expectClose } from './compare';
import { FINITE_DIFFERENCE } from './tolerances';

export function numericGradient(values: Float64Array, loss: () => number, eps = 1e-6): Float64Array {
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const keep = values[i]!;
    values[i] = keep + eps;
    const up = loss();
    values[i] = keep - eps;
    const down = loss();
    values[i] = keep;
    out[i] = (up - down) / (2 * eps);
  }
  return out;
}

export function dotLoss(out: { output: { data: Float64Array }; h: { data: Float64Array } }, dOutput: Float64Array, dh: Float64Array): number {
  let sum = 0;
  out.output.data.forEach((v, i) => (sum += v * dOutput[i]!));
  out.h.data.forEach((v, i) => (sum += v * dh[i]!));
  return sum;
}

/** Checks analytic[grad] against finite differences of `loss` in params[param], for each pair. */
export function expectGradients<P extends Record<string, Float64Array>, G extends string>(
  params: P,
  analytic: Record<G, { data: Float64Array }>,
  pairs: readonly (readonly [keyof P & string, G])[],
  loss: () => number,
): void {
  expect(Number.isFinite(loss()), 'the loss is finite (a NaN on both sides would compare equal)').toBe(true);
  for (const [param, grad] of pairs) {
    expect(analytic[grad].data.every(Number.isFinite), `${grad} is finite`).toBe(true);
    expectClose(analytic[grad].data, numericGradient(params[param], loss), FINITE_DIFFERENCE, `${grad} vs finite differences`);
  }
}

/** Keras's [B, T, C] with the time axis reversed (what go_backwards must be equivalent to). */
export function reverseTime(data: Float64Array, B: number, T: number, C: number) {
  const out = new Float64Array(data.length);
  for (let b = 0; b < B; b++) for (let t = 0; t < T; t++) out.set(data.subarray((b * T + t) * C, (b * T + t + 1) * C), (b * T + T - 1 - t) * C);
  return out;
}
