/**
 * Prediction intervals by split conformal prediction: the model's errors on the validation part (data it was
 * not fitted on), z_h − ẑ_h per horizon h, give the band ẑ_h + [q_lo, q_hi] with q the empirical quantiles of
 * those signed errors. The finite-sample rank ⌈(n + 1)·p⌉ makes the band no narrower than the n errors
 * support. Errors are taken in the target's own terms (log returns for a price), so a band scales with the
 * level at which it is drawn. Its coverage on the test part, the fraction of actual values inside, is the check.
 */
export const INTERVAL_LEVELS = [0.8, 0.95] as const;
export type IntervalLevel = (typeof INTERVAL_LEVELS)[number];

/** The p-quantile of `errors` with the conformal rank: the ⌈(n+1)p⌉-th smallest (clamped to the list). */
export function conformalQuantile(errors: readonly number[], p: number): number {
  if (errors.length === 0) throw new RangeError('conformalQuantile needs at least one error');
  const sorted = [...errors].sort((a, b) => a - b);
  const n = sorted.length;
  const rank = p >= 0.5 ? Math.ceil((n + 1) * p) : Math.floor((n + 1) * p);
  return sorted[Math.min(n, Math.max(1, rank)) - 1]!;
}

/** Per horizon and level: the [low, high] offsets to add to ẑ_h. `errors[o][h]` is origin o's error at h + 1. */
export function errorQuantiles(errors: readonly (readonly number[])[], horizon: number): Record<IntervalLevel, [number, number][]> {
  const out = {} as Record<IntervalLevel, [number, number][]>;
  for (const level of INTERVAL_LEVELS) {
    const tail = (1 - level) / 2;
    out[level] = Array.from({ length: horizon }, (_, h) => {
      const column = errors.map((e) => e[h]!);
      return [conformalQuantile(column, tail), conformalQuantile(column, 1 - tail)] as [number, number];
    });
  }
  return out;
}

/** The fraction of actual values inside [low, high]. */
export function coverage(actual: readonly number[], low: readonly number[], high: readonly number[]): number {
  if (actual.length === 0) return NaN;
  let inside = 0;
  actual.forEach((a, i) => {
    if (a >= low[i]! && a <= high[i]!) inside++;
  });
  return inside / actual.length;
}

/** One origin of a sequence of forecasts at one horizon: made at `row`, scored at `target`, with its signed error. */
export interface ScoredOrigin {
  row: number;
  target: number;
  error: number;
}

/** The step of adaptive conformal inference (Gibbs & Candès 2021): how fast the miss rate is corrected. */
export const ACI_STEP = 0.05;

/**
 * Walks the origins in time order as a deployed forecaster would: each band uses the calibration errors plus
 * the errors of origins already scored by then (target ≤ row), at miss rate α_t, which adaptive conformal
 * inference moves after each observed outcome: α ← α + γ(α₀ − miss). A run of misses widens the band, a run of
 * hits narrows it, so the long-run miss rate approaches α₀ even when the errors drift. Returns the fraction of
 * origins whose band held the actual value, and α after the last observed outcome.
 */
export function adaptiveIntervals(calibration: readonly number[], origins: readonly ScoredOrigin[], nominalMiss: number, step = ACI_STEP) {
  const known = [...calibration];
  const missed: boolean[] = [];
  let alpha = nominalMiss;
  let observed = 0;
  let inside = 0;
  origins.forEach((o, i) => {
    while (observed < i && origins[observed]!.target <= o.row) {
      known.push(origins[observed]!.error);
      alpha += step * (nominalMiss - (missed[observed] ? 1 : 0));
      observed++;
    }
    const a = Math.min(1, Math.max(0, alpha));
    const hit = o.error >= conformalQuantile(known, a / 2) && o.error <= conformalQuantile(known, 1 - a / 2);
    missed.push(!hit);
    if (hit) inside++;
  });
  for (; observed < origins.length; observed++) alpha += step * (nominalMiss - (missed[observed] ? 1 : 0));
  return { coverage: origins.length ? inside / origins.length : NaN, alpha: Math.min(1, Math.max(0, alpha)) };
}
