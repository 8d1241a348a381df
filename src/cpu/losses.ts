/**
 * The losses and metrics of training on the wasm backend, on the host: Keras's semantics as shaders/losses.wgsl and
 * shaders/metrics.wgsl compute them on the GPU (the math is written out in those headers), row by row over the
 * model's output [rows, cols]. Checked against their float64 twins (src/reference/losses.ts, metrics.ts) through the
 * models of test/wasmTraining.test.ts. A few products per output value: no kernel needed.
 */
import type { LossConfig } from '../kernels/losses';
import type { MetricConfig } from '../kernels/metrics';

/** Keras's backend epsilon and 1 − ε, as float32 (what TensorFlow clips probabilities to). */
const EPSILON = Math.fround(1e-7);
const ONE_MINUS_EPSILON = Math.fround(1 - EPSILON);
const clip = (p: number) => Math.min(ONE_MINUS_EPSILON, Math.max(EPSILON, p));
/** tf.clip_by_value's gradient: 1 inside the bounds (included), 0 outside. */
const inside = (p: number) => (p >= EPSILON && p <= ONE_MINUS_EPSILON ? 1 : 0);

/**
 * Each row's loss ℓ_r, summed, with dP = ∂L/∂P of the batch-mean loss L = (1/rows) Σ w_r·ℓ_r written into `dP`. y is
 * [rows, cols], or [rows] class ids for the sparse loss (a bad id gives its row NaN, as on the GPU). `weights` w_r
 * (a masked output's: sequenceMask.wgsl loss_weights) scale each row's loss and gradient; none: 1.
 */
export function lossRows(
  config: LossConfig,
  p: Float32Array,
  y: Float32Array,
  rows: number,
  cols: number,
  dP: Float32Array,
  weights: Float32Array | null = null,
): number {
  let sum = 0;
  const g = new Float64Array(cols);
  for (let r = 0; r < rows; r++) {
    const row = p.subarray(r * cols, (r + 1) * cols);
    let l: number;
    if (config.kind === 'categoricalCrossentropy') l = categorical(config.fromLogits, row, y.subarray(r * cols, (r + 1) * cols), g);
    else if (config.kind === 'sparseCategoricalCrossentropy') l = sparse(config.fromLogits, row, y[r]!, g);
    else {
      l = 0;
      for (let j = 0; j < cols; j++) l += elementwise(config, row[j]!, y[r * cols + j]!, g, j);
      l /= cols;
      for (let j = 0; j < cols; j++) g[j]! /= cols;
    }
    const w = weights ? weights[r]! : 1;
    for (let j = 0; j < cols; j++) dP[r * cols + j] = (w * g[j]!) / rows;
    // w·ℓ even where w is 0, as the GPU's row_loss: a NaN there (a bad class id on a padded step) reaches the loss
    // watch instead of slipping into the gradient (0·NaN) behind a finite loss.
    sum += w * l;
  }
  return sum;
}

/** ℓ_j of mse, mae, huber or binary crossentropy, its ∂ℓ_j/∂p into g[j]. */
function elementwise(c: LossConfig, p: number, y: number, g: Float64Array, j: number): number {
  const e = p - y;
  if (c.kind === 'mse') return ((g[j] = 2 * e), e * e);
  if (c.kind === 'mae') return ((g[j] = Math.sign(e)), Math.abs(e));
  if (c.kind === 'huber') {
    if (Math.abs(e) <= c.delta) return ((g[j] = e), 0.5 * e * e);
    return ((g[j] = c.delta * Math.sign(e)), c.delta * Math.abs(e) - 0.5 * c.delta * c.delta);
  }
  if (c.fromLogits) {
    const s = p >= 0 ? 1 / (1 + Math.exp(-p)) : Math.exp(p) / (1 + Math.exp(p));
    return ((g[j] = s - y), Math.max(p, 0) - p * y + Math.log1p(Math.exp(-Math.abs(p))));
  }
  const q = clip(p);
  g[j] = inside(p) * (-y / q + (1 - y) / (1 - q));
  return -(y * Math.log(q) + (1 - y) * Math.log(1 - q));
}

/** Σ_j e^(x_j − max) and the max, for a log-sum-exp that cannot overflow. */
function expSum(x: Float32Array): { max: number; sum: number } {
  let max = -Infinity;
  for (const v of x) max = Math.max(max, v);
  let sum = 0;
  for (const v of x) sum += Math.exp(v - max);
  return { max, sum };
}

/** Categorical crossentropy of one row with dense targets; ∂ℓ/∂p into g. */
function categorical(fromLogits: boolean, p: Float32Array, y: Float32Array, g: Float64Array): number {
  const n = p.length;
  let loss = 0;
  if (fromLogits) {
    const { max, sum } = expSum(p);
    const lse = max + Math.log(sum);
    const ySum = y.reduce((a, v) => a + v, 0);
    for (let j = 0; j < n; j++) {
      loss += y[j]! * (lse - p[j]!);
      g[j] = (Math.exp(p[j]! - max) / sum) * ySum - y[j]!;
    }
    return loss;
  }
  // Probabilities are renormalized (q = p / Σp) and clipped, as Keras does; the gradient goes back through both.
  const s = p.reduce((a, v) => a + v, 0);
  let dot = 0;
  for (let j = 0; j < n; j++) {
    const q = p[j]! / s;
    g[j] = (-y[j]! * inside(q)) / clip(q);
    dot += g[j]! * q;
    loss -= y[j]! * Math.log(clip(q));
  }
  for (let j = 0; j < n; j++) g[j] = (g[j]! - dot) / s;
  return loss;
}

/** Sparse categorical crossentropy of one row with class id k; ∂ℓ/∂p into g. */
function sparse(fromLogits: boolean, p: Float32Array, k: number, g: Float64Array): number {
  const n = p.length;
  if (!(Number.isInteger(k) && k >= 0 && k < n)) return (g.fill(Number.NaN), Number.NaN);
  if (fromLogits) {
    const { max, sum } = expSum(p);
    for (let j = 0; j < n; j++) g[j] = Math.exp(p[j]! - max) / sum - (j === k ? 1 : 0);
    return max + Math.log(sum) - p[k]!;
  }
  // As Keras: the softmax of log(clip(p)), so ℓ = log Σ clip(p) − log clip(p_k).
  let s = 0;
  for (let j = 0; j < n; j++) s += clip(p[j]!);
  for (let j = 0; j < n; j++) g[j] = inside(p[j]!) * (1 / s - (j === k ? 1 / clip(p[j]!) : 0));
  return Math.log(s) - Math.log(clip(p[k]!));
}

/** Σ_r w_r·m_r of a metric over P [rows, cols] (first index wins argmax ties, as Keras); w_r 1 without weights. */
export function metricSum(config: MetricConfig, p: Float32Array, y: Float32Array, rows: number, cols: number, weights: Float32Array | null = null): number {
  const argmax = (a: Float32Array, base: number) => {
    let best = 0;
    for (let j = 1; j < cols; j++) if (a[base + j]! > a[base + best]!) best = j;
    return best;
  };
  let sum = 0;
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    const w = weights ? weights[r]! : 1;
    if (w === 0) continue;
    if (config.kind === 'categoricalAccuracy') sum += argmax(p, base) === argmax(y, base) ? w : 0;
    else if (config.kind === 'sparseCategoricalAccuracy') sum += argmax(p, base) === y[r] ? w : 0;
    else {
      let m = 0;
      for (let j = 0; j < cols; j++) {
        const [pv, yv] = [p[base + j]!, y[base + j]!];
        if (config.kind === 'mse') m += (pv - yv) ** 2;
        else if (config.kind === 'mae') m += Math.abs(pv - yv);
        else m += (pv > config.threshold ? 1 : 0) === yv ? 1 : 0;
      }
      sum += (w * m) / cols;
    }
  }
  return sum;
}
