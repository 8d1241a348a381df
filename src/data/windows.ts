/**
 * Supervised windows from a time series: each sample's input x is `window` consecutive rows (all features),
 * its target y the next `horizon` values of the target column. Like Keras's timeseries_dataset_from_array
 * with the targets shifted by `window`, but returning whole tensors for Sequential.fit.
 */
import { ShapeError, ValueError } from '../errors';
import type { Tensor } from '../tensor';
import { checkInteger, checkKnownOptions, toMatrix } from './matrix';
import type { Matrix, SeriesInput } from './matrix';

export interface WindowOptions {
  /** Timesteps per input sample (the LSTM's `timesteps`). */
  window: number;
  /** How many future values of the target column each sample predicts; 1 by default. */
  horizon?: number;
  /** Which column y is taken from; required when the series has more than one feature. */
  targetColumn?: number;
  /** Rows between the starts of consecutive samples; 1 by default (every possible window). */
  stride?: number;
}

export interface Windows {
  /** [n, window, features] */
  x: Tensor;
  /** [n, horizon] */
  y: Tensor;
  /** For each sample, the row index (in the series given) of its first target: for plotting and leakage checks. */
  targetIndex: Int32Array;
}

export interface ResolvedWindowOptions {
  window: number;
  horizon: number;
  targetColumn: number;
  stride: number;
}

export const WINDOW_OPTIONS = ['window', 'horizon', 'targetColumn', 'stride'];

export function resolveWindowOptions(options: WindowOptions, features: number, fn: string): ResolvedWindowOptions {
  if (typeof options !== 'object' || options === null) {
    throw new ValueError(`${fn} needs options { window, horizon?, targetColumn?, stride? }; got ${String(options)}`);
  }
  const window = checkInteger(options.window, `${fn} window`, 1, 'timesteps per input sample');
  const horizon = checkInteger(options.horizon ?? 1, `${fn} horizon`, 1, 'future values predicted per sample');
  const stride = checkInteger(options.stride ?? 1, `${fn} stride`, 1, 'rows between consecutive samples');
  if (options.targetColumn === undefined && features > 1) {
    throw new ValueError(`${fn}: the series has ${features} features; pass targetColumn (0 to ${features - 1}) to say which one y predicts`);
  }
  const targetColumn = checkInteger(options.targetColumn ?? 0, `${fn} targetColumn`, 0, `a feature index below ${features}`);
  if (targetColumn >= features) {
    throw new ValueError(`${fn} targetColumn must be below ${features} (the series has ${features} feature${features > 1 ? 's' : ''}); got ${targetColumn}`);
  }
  return { window, horizon, targetColumn, stride };
}

/**
 * Windows whose targets all lie in rows [firstTarget, end) and whose inputs are the `window` rows just before
 * the first target (which may precede firstTarget; never before row 0). Samples step by `stride` from the first.
 */
export function windowRange(m: Matrix, o: ResolvedWindowOptions, firstTarget: number, end: number): Windows {
  const first = Math.max(firstTarget, o.window);
  const n = end - first - o.horizon < 0 ? 0 : Math.floor((end - first - o.horizon) / o.stride) + 1;
  const x = new Float32Array(n * o.window * m.cols);
  const y = new Float32Array(n * o.horizon);
  const targetIndex = new Int32Array(n);
  for (let s = 0; s < n; s++) {
    const t = first + s * o.stride;
    targetIndex[s] = t;
    x.set(m.data.subarray((t - o.window) * m.cols, t * m.cols), s * o.window * m.cols);
    for (let h = 0; h < o.horizon; h++) y[s * o.horizon + h] = m.data[(t + h) * m.cols + o.targetColumn]!;
  }
  return { x: { data: x, shape: [n, o.window, m.cols] }, y: { data: y, shape: [n, o.horizon] }, targetIndex };
}

/** All windows of `series` ([rows] or [rows, features]); see WindowOptions. */
export function makeWindows(series: SeriesInput, options: WindowOptions): Windows {
  const m = toMatrix(series, 'makeWindows(series)');
  checkKnownOptions(options, WINDOW_OPTIONS, 'makeWindows');
  const o = resolveWindowOptions(options, m.cols, 'makeWindows');
  if (m.rows < o.window + o.horizon) {
    throw new ShapeError(
      `makeWindows: window ${o.window} + horizon ${o.horizon} needs at least ${o.window + o.horizon} rows; the series has ${m.rows}. ` +
        'Use a shorter window or horizon, or a longer series.',
    );
  }
  return windowRange(m, o, o.window, m.rows);
}
