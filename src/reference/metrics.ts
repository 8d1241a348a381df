/** Float64 twin of shaders/metrics.wgsl: per-sample metric values, Keras semantics (first index wins ties). */
import type { MetricConfig } from '../kernels/metrics';

function argmax(a: ArrayLike<number>, base: number, cols: number): number {
  let best = a[base]!;
  let arg = 0;
  for (let j = 1; j < cols; j++) {
    if (a[base + j]! > best) {
      best = a[base + j]!;
      arg = j;
    }
  }
  return arg;
}

/** m_r for every row of P [rows, cols] against Y ([rows, cols], or [rows] class ids when sparse). */
export function metricRows(config: MetricConfig, p: ArrayLike<number>, y: ArrayLike<number>, rows: number, cols: number): Float64Array {
  const out = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    if (config.kind === 'categoricalAccuracy') {
      out[r] = argmax(p, base, cols) === argmax(y, base, cols) ? 1 : 0;
    } else if (config.kind === 'sparseCategoricalAccuracy') {
      out[r] = argmax(p, base, cols) === y[r] ? 1 : 0;
    } else {
      let sum = 0;
      for (let j = 0; j < cols; j++) {
        const pv = p[base + j]!;
        const yv = y[base + j]!;
        if (config.kind === 'mse') sum += (pv - yv) ** 2;
        else if (config.kind === 'mae') sum += Math.abs(pv - yv);
        else sum += (pv > config.threshold ? 1 : 0) === yv ? 1 : 0;
      }
      out[r] = sum / cols;
    }
  }
  return out;
}

/** Σ_r m_r: what the GPU adds into the metric's accumulator slot. */
export function metricSum(config: MetricConfig, p: ArrayLike<number>, y: ArrayLike<number>, rows: number, cols: number): number {
  return metricRows(config, p, y, rows, cols).reduce((a, b) => a + b, 0);
}
