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
 * Ridge least squares, one target column per horizon: β = (XᵀX + λD)⁻¹ XᵀZ with D = diag(0, 1, ..., 1), solved
 * by Cholesky in float64. `rows` are feature vectors (without the 1), `targets` one row of H values per sample.
 */
export function fitLinear(rows: readonly ArrayLike<number>[], targets: readonly ArrayLike<number>[], lambda: number): LinearModel {
  const n = rows.length;
  if (n === 0 || targets.length !== n) throw new RangeError(`fitLinear needs as many target rows as feature rows (≥ 1); got ${n} and ${targets.length}`);
  const p = rows[0]!.length + 1;
  const H = targets[0]!.length;
  const gram = new Float64Array(p * p);
  const rhs = new Float64Array(p * H);
  const x = new Float64Array(p);
  for (let i = 0; i < n; i++) {
    x[0] = 1;
    for (let j = 1; j < p; j++) x[j] = rows[i]![j - 1]!;
    for (let a = 0; a < p; a++) {
      const xa = x[a]!;
      if (xa === 0) continue;
      for (let b = a; b < p; b++) gram[a * p + b]! += xa * x[b]!;
      for (let h = 0; h < H; h++) rhs[a * H + h]! += xa * targets[i]![h]!;
    }
  }
  for (let a = 0; a < p; a++) {
    for (let b = 0; b < a; b++) gram[a * p + b] = gram[b * p + a]!;
    if (a > 0) gram[a * p + a]! += lambda;
  }
  const L = cholesky(gram, p);
  const coefficients = Array.from({ length: H }, (_, h) =>
    solveCholesky(
      L,
      p,
      Float64Array.from({ length: p }, (_, a) => rhs[a * H + h]!),
    ),
  );
  return {
    coefficients,
    predict(features) {
      return coefficients.map((beta) => {
        let s = beta[0]!;
        for (let j = 1; j < p; j++) s += beta[j]! * features[j - 1]!;
        return s;
      });
    },
  };
}

/** Lower-triangular L with L·Lᵀ = A (A symmetric positive definite, p×p row-major). */
export function cholesky(A: Float64Array, p: number): Float64Array {
  const L = new Float64Array(p * p);
  for (let i = 0; i < p; i++) {
    for (let j = 0; j <= i; j++) {
      let s = A[i * p + j]!;
      for (let k = 0; k < j; k++) s -= L[i * p + k]! * L[j * p + k]!;
      if (i === j) {
        if (!(s > 0)) throw new RangeError(`the least-squares system is singular at column ${i}: give the linear baseline more rows than features`);
        L[i * p + i] = Math.sqrt(s);
      } else {
        L[i * p + j] = s / L[j * p + j]!;
      }
    }
  }
  return L;
}

function solveCholesky(L: Float64Array, p: number, b: Float64Array): Float64Array {
  const y = new Float64Array(p);
  for (let i = 0; i < p; i++) {
    let s = b[i]!;
    for (let k = 0; k < i; k++) s -= L[i * p + k]! * y[k]!;
    y[i] = s / L[i * p + i]!;
  }
  const x = new Float64Array(p);
  for (let i = p - 1; i >= 0; i--) {
    let s = y[i]!;
    for (let k = i + 1; k < p; k++) s -= L[k * p + i]! * x[k]!;
    x[i] = s / L[i * p + i]!;
  }
  return x;
}
