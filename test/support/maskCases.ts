/**
 * Timestep masks for the masked-recurrence tests: every way padding meets a recurrent layer. Row 0 is padded at
 * the end (Keras pad_sequences padding='post'), row 1 at the start (its default 'pre'), row 2 has holes in the
 * middle, row 3 is all padding, and further rows are random; a 1 marks a real step.
 */
import { rng } from './random';

export function stepMask(batch: number, timesteps: number, seed: number): Float32Array {
  const random = rng(seed);
  const mask = new Float32Array(batch * timesteps);
  for (let b = 0; b < batch; b++) {
    const length = 1 + Math.floor(random() * timesteps);
    for (let t = 0; t < timesteps; t++) {
      let real: boolean;
      if (b === 0) real = t < length;
      else if (b === 1) real = t >= timesteps - length;
      else if (b === 2) real = t % 3 !== 1;
      else if (b === 3) real = false;
      else real = random() < 0.6;
      mask[b * timesteps + t] = real ? 1 : 0;
    }
  }
  return mask;
}

/** Random parameters of a cell with `gates` gates ([B, T, F] x, kernels, bias rows, h0 and c0), in float64. */
export function randomCellParams(dims: { batch: number; timesteps: number; features: number; units: number }, seed: number, gates: number, biasRows: number) {
  const { batch: B, timesteps: T, features: F, units: U } = dims;
  const random = rng(seed);
  const r = (n: number, s = 1) => Float64Array.from({ length: n }, () => (random() * 2 - 1) * s);
  return {
    x: r(B * T * F),
    kernel: r(F * gates * U, 0.6),
    recurrentKernel: r(U * gates * U, 0.6),
    bias: r(biasRows * gates * U, 0.3),
    h0: r(B * U, 0.5),
    c0: r(B * U, 0.5),
  };
}

/** A recurrent dropout keep mask of `length` values: 0 or 1/(1 − 0.3), about 30 % dropped, seeded. */
export function keepMask(length: number, seed: number): Float32Array {
  const random = rng(seed + 77);
  return Float32Array.from({ length }, () => (random() < 0.3 ? 0 : 1 / 0.7));
}
