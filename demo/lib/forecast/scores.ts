/**
 * Errors of a multi-step forecast, per horizon, in the series' own units: RMSE, MAE, and MASE (Hyndman &
 * Koehler 2006): the MAE divided by the in-sample MAE of the one-step naive forecast (or the seasonal naive one,
 * with a season m) on the train part. MASE < 1 beats that in-sample benchmark; it compares across series.
 */
export interface HorizonErrors {
  rmse: number;
  mae: number;
  mase: number;
}

/** `predicted[o][h]` and `actual[o][h]`: origin o, h + 1 steps ahead. One entry per horizon. */
export function errorsByHorizon(predicted: readonly (readonly number[])[], actual: readonly (readonly number[])[], scale: number): HorizonErrors[] {
  if (predicted.length !== actual.length || actual.length === 0) {
    throw new RangeError(`errorsByHorizon needs as many forecasts as actual rows (≥ 1); got ${predicted.length} and ${actual.length}`);
  }
  const H = actual[0]!.length;
  return Array.from({ length: H }, (_, h) => {
    let se = 0;
    let ae = 0;
    for (let o = 0; o < actual.length; o++) {
      const d = predicted[o]![h]! - actual[o]![h]!;
      se += d * d;
      ae += Math.abs(d);
    }
    const mae = ae / actual.length;
    return { rmse: Math.sqrt(se / actual.length), mae, mase: mae / scale };
  });
}

/** The MASE scale: mean |y_r − y_{r−m}| over rows [start + m, end). */
export function naiveScale(values: ArrayLike<number>, start: number, end: number, season = 1): number {
  let sum = 0;
  let n = 0;
  for (let r = start + season; r < end; r++) {
    sum += Math.abs(values[r]! - values[r - season]!);
    n++;
  }
  if (n === 0) throw new RangeError(`the train part (${end - start} rows) is shorter than the season (${season}); MASE needs more than one season`);
  return sum / n;
}
