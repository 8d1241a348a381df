/**
 * The forecasts a model must beat, each made from the same origin t (the last observed row) for h = 1..H
 * steps ahead, in the series' own values:
 *
 *   naive            ŷ_{t+h} = y_t                              ("tomorrow = today")
 *   seasonal naive   ŷ_{t+h} = y_{t+h−m·⌈h/m⌉}                  (the same step of the last observed season m)
 *   moving average   ŷ_{t+h} = mean(y_{t−W+1..t})               (the mean of the window the model reads)
 *   linear AR        ẑ_h = β_h · [1, window features]           (least squares on the model's own windows,
 *                                                               one coefficient vector per horizon: "direct")
 *
 * The linear autoregression is fitted with a small ridge penalty (λ on every coefficient but the intercept) so
 * that a window of many correlated columns stays well posed; features are standardized, so one λ fits all.
 */
import { solveRidge } from '../../../src/model/ridgeSolve';
export function naiveForecast(values: ArrayLike<number>, origin: number, horizon: number): number[] {
  return new Array<number>(horizon).fill(values[origin]!);
}

export function seasonalNaiveForecast(values: ArrayLike<number>, origin: number, horizon: number, season: number): number[] {
  return Array.from({ length: horizon }, (_, k) => {
    const h = k + 1;
    const row = origin + h - season * Math.ceil(h / season);
    if (row < 0) throw new RangeError(`seasonal naive forecast needs a full season (${season} rows) before row ${origin}`);
    return values[row]!;
  });
}

export function movingAverageForecast(values: ArrayLike<number>, origin: number, horizon: number, window: number): number[] {
  let sum = 0;
  for (let r = origin - window + 1; r <= origin; r++) sum += values[r]!;
  return new Array<number>(horizon).fill(sum / window);
}

export interface LinearModel {
  /** coefficients[h][0] is the intercept, then one per feature. */
  coefficients: Float64Array[];
  predict(features: ArrayLike<number>): number[];
}

/**
 * Ridge least squares, one target column per horizon: β = (XᵀX + λD)⁻¹ XᵀZ with D = diag(0, 1, ..., 1), the
 * intercept unpenalized: the sums here, the float64 Cholesky solve of model.fitRidge (src/model/ridgeSolve.ts).
 * `rows` are feature vectors (without the 1), `targets` one row of H values per sample.
 */
export function fitLinear(rows: readonly ArrayLike<number>[], targets: readonly ArrayLike<number>[], lambda: number): LinearModel {
  const n = rows.length;
  if (n === 0 || targets.length !== n) throw new RangeError(`fitLinear needs as many target rows as feature rows (≥ 1); got ${n} and ${targets.length}`);
  const d = rows[0]!.length;
  const H = targets[0]!.length;
  const sums = { rows: n, d, outputs: H, xx: new Float64Array(d * d), x: new Float64Array(d), xy: new Float64Array(d * H), y: new Float64Array(H), yy: 0 };
  for (let i = 0; i < n; i++) {
    const [x, z] = [rows[i]!, targets[i]!];
    for (let a = 0; a < d; a++) {
      const xa = x[a]!;
      sums.x[a]! += xa;
      for (let b = 0; b < d; b++) sums.xx[a * d + b]! += xa * x[b]!;
      for (let h = 0; h < H; h++) sums.xy[a * H + h]! += xa * z[h]!;
    }
    for (let h = 0; h < H; h++) sums.y[h]! += z[h]!;
  }
  const { kernel, bias } = solveRidge(sums, lambda, true, 'the linear baseline');
  // coefficients[h]: the intercept, then one per feature.
  const coefficients = Array.from({ length: H }, (_, h) => Float64Array.from({ length: d + 1 }, (_, j) => (j === 0 ? bias[h]! : kernel[(j - 1) * H + h]!)));
  return {
    coefficients,
    predict(features) {
      return coefficients.map((beta) => {
        let s = beta[0]!;
        for (let j = 1; j <= d; j++) s += beta[j]! * features[j - 1]!;
        return s;
      });
    },
  };
}
