/**
 * Float64 twin of shaders/losses.wgsl: per-sample losses and the gradient of the batch-mean loss, Keras
 * semantics. The clip bounds are the float32 values the GPU (and TensorFlow in float32) uses.
 */
import type { LossConfig } from '../kernels/losses';

export const EPSILON = Math.fround(1e-7);
export const ONE_MINUS_EPSILON = Math.fround(1 - EPSILON);

const clip = (x: number) => Math.min(ONE_MINUS_EPSILON, Math.max(EPSILON, x));
const clipMask = (x: number) => (x >= EPSILON && x <= ONE_MINUS_EPSILON ? 1 : 0);
const sigmoid = (x: number) => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)));

export interface LossResult {
  /** ∂(batch-mean loss)/∂P, [rows, cols]. */
  dPredictions: Float64Array;
  /** Per-sample losses ℓ_r. */
  rowLosses: Float64Array;
  /** Σ_r ℓ_r, what the GPU adds into accum[0]. */
  sum: number;
}

/** Per element of mse/mae/huber/binaryCrossentropy: [ℓ_j, ∂ℓ_j/∂p] before the mean over cols. */
function elementwise(c: LossConfig, p: number, y: number): [number, number] {
  const e = p - y;
  switch (c.kind) {
    case 'mse':
      return [e * e, 2 * e];
    case 'mae':
      return [Math.abs(e), Math.sign(e)];
    case 'huber':
      return Math.abs(e) <= c.delta ? [0.5 * e * e, e] : [c.delta * Math.abs(e) - 0.5 * c.delta * c.delta, c.delta * Math.sign(e)];
    default: {
      if (c.fromLogits) return [Math.max(p, 0) - p * y + Math.log1p(Math.exp(-Math.abs(p))), sigmoid(p) - y];
      const q = clip(p);
      return [-(y * Math.log(q) + (1 - y) * Math.log(1 - q)), clipMask(p) * (-y / q + (1 - y) / (1 - q))];
    }
  }
}

/** ℓ and ∂ℓ/∂p of one row of a categorical crossentropy (dense targets). */
function categorical(c: LossConfig, p: ArrayLike<number>, y: ArrayLike<number>): [number, number[]] {
  const n = p.length;
  if (c.fromLogits) {
    const m = Math.max(...Array.from(p));
    const s = Array.from(p).reduce((acc, x) => acc + Math.exp(x - m), 0);
    const ysum = Array.from(y).reduce((acc, v) => acc + v, 0);
    const lse = m + Math.log(s);
    let loss = 0;
    const g: number[] = [];
    for (let j = 0; j < n; j++) {
      loss += y[j]! * (lse - p[j]!);
      g.push((Math.exp(p[j]! - m) / s) * ysum - y[j]!);
    }
    return [loss, g];
  }
  const s = Array.from(p).reduce((acc, x) => acc + x, 0);
  const q = Array.from(p, (x) => x / s);
  const gq = q.map((qj, j) => (-y[j]! * clipMask(qj)) / clip(qj));
  const dot = gq.reduce((acc, gj, j) => acc + gj * q[j]!, 0);
  const loss = -q.reduce((acc, qj, j) => acc + y[j]! * Math.log(clip(qj)), 0);
  return [loss, gq.map((gj) => (gj - dot) / s)];
}

/** ℓ and ∂ℓ/∂p of one row of a sparse categorical crossentropy with class id `label`. */
function sparse(c: LossConfig, p: ArrayLike<number>, label: number): [number, number[]] {
  const n = p.length;
  if (!(Number.isInteger(label) && label >= 0 && label < n)) return [Number.NaN, Array.from(p, () => Number.NaN)];
  if (c.fromLogits) {
    const m = Math.max(...Array.from(p));
    const s = Array.from(p).reduce((acc, x) => acc + Math.exp(x - m), 0);
    return [m + Math.log(s) - p[label]!, Array.from(p, (x, j) => Math.exp(x - m) / s - (j === label ? 1 : 0))];
  }
  const s = Array.from(p).reduce((acc, x) => acc + clip(x), 0);
  const g = Array.from(p, (x, j) => clipMask(x) * (1 / s - (j === label ? 1 / clip(x) : 0)));
  return [Math.log(s) - Math.log(clip(p[label]!)), g];
}

/** The loss of P [rows, cols] against Y ([rows, cols], or [rows] class ids for the sparse loss). */
export function loss(config: LossConfig, p: ArrayLike<number>, y: ArrayLike<number>, rows: number, cols: number): LossResult {
  const dPredictions = new Float64Array(rows * cols);
  const rowLosses = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    const pr = Array.prototype.slice.call(p, r * cols, (r + 1) * cols) as number[];
    let l: number;
    let g: number[];
    if (config.kind === 'categoricalCrossentropy') {
      [l, g] = categorical(config, pr, Array.prototype.slice.call(y, r * cols, (r + 1) * cols) as number[]);
    } else if (config.kind === 'sparseCategoricalCrossentropy') {
      [l, g] = sparse(config, pr, y[r]!);
    } else {
      const parts = pr.map((pv, j) => elementwise(config, pv, y[r * cols + j]!));
      l = parts.reduce((acc, [lj]) => acc + lj, 0) / cols;
      g = parts.map(([, gj]) => gj / cols);
    }
    rowLosses[r] = l;
    for (let j = 0; j < cols; j++) dPredictions[r * cols + j] = g[j]! / rows;
  }
  return { dPredictions, rowLosses, sum: rowLosses.reduce((a, b) => a + b, 0) };
}

/** The batch-mean loss (what Keras's fit() minimizes), for finite differences. */
export function meanLoss(config: LossConfig, p: ArrayLike<number>, y: ArrayLike<number>, rows: number, cols: number): number {
  return loss(config, p, y, rows, cols).sum / rows;
}

/** Twin of the `accumulate` entry: scale · Σ values. */
export function accumulate(values: ArrayLike<number>, scale = 1): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i]!;
  return scale * sum;
}
