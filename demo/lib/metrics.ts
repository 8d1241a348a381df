/** Forecast errors in the series' own units (dollars for a price): what a reader can compare with the price. */
export interface ErrorPair {
  rmse: number;
  mae: number;
}

export function errorsOf(predicted: readonly number[], actual: readonly number[]): ErrorPair {
  if (predicted.length !== actual.length || actual.length === 0) {
    throw new Error(`errorsOf needs two equally long, non-empty lists; got ${predicted.length} predictions and ${actual.length} actual values`);
  }
  let se = 0;
  let ae = 0;
  for (let i = 0; i < actual.length; i++) {
    const d = predicted[i]! - actual[i]!;
    se += d * d;
    ae += Math.abs(d);
  }
  return { rmse: Math.sqrt(se / actual.length), mae: ae / actual.length };
}
