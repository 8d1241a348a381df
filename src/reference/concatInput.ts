/**
 * Float64 CPU twin of shaders/concatInput.wgsl: an echo-state layer's [u_t; x_t] rows and their gradient.
 * `reverseBatch`: output row t·batch + b comes from input row (T−1−t)·batch + b (a goBackwards sequence).
 */
export interface ConcatInputShape {
  rows: number;
  nu: number;
  nx: number;
  reverseBatch?: number;
}

function rowU(r: number, s: ConcatInputShape): number {
  const batch = s.reverseBatch;
  if (batch === undefined) return r;
  const timesteps = s.rows / batch;
  return (timesteps - 1 - Math.floor(r / batch)) * batch + (r % batch);
}

export function concatInput(u: ArrayLike<number>, x: ArrayLike<number>, s: ConcatInputShape): Float64Array {
  const width = s.nu + s.nx;
  const out = new Float64Array(s.rows * width);
  for (let r = 0; r < s.rows; r++) {
    for (let j = 0; j < s.nu; j++) out[r * width + j] = u[rowU(r, s) * s.nu + j]!;
    for (let j = 0; j < s.nx; j++) out[r * width + s.nu + j] = x[r * s.nx + j]!;
  }
  return out;
}

/** The gradient: dOut [rows, nu + nx] → dState [rows, nx] and dU (laid out as u, `rows` rows) . */
export function concatInputGrad(dOut: ArrayLike<number>, s: ConcatInputShape): { dState: Float64Array; dU: Float64Array } {
  const width = s.nu + s.nx;
  const dState = new Float64Array(s.rows * s.nx);
  const dU = new Float64Array(s.rows * s.nu);
  for (let r = 0; r < s.rows; r++) {
    for (let j = 0; j < s.nx; j++) dState[r * s.nx + j] = dOut[r * width + s.nu + j]!;
    for (let j = 0; j < s.nu; j++) dU[rowU(r, s) * s.nu + j] = dOut[r * width + j]!;
  }
  return { dState, dU };
}
