/**
 * Prediction intervals by conformal prediction, made the way a deployed forecaster would make them.
 *
 * Score. An origin t's error h steps ahead, in the target's own terms (a log return for a price), divided by the
 * scale an error h steps ahead has at t: s = |z_h − ẑ_h| / d_t(h), with d_t(h) = σ_t·√h + |μ_t|·h from the
 * series' last one-step moves (σ_t their spread, μ_t their mean: errorScale). That is how far h moves of a random
 * walk with drift wander (√h spreads) plus how far a forecast that missed the drift falls behind (h drifts). The
 * band is ẑ_h ± q·d_t(h), so it widens when the series turns volatile or starts to trend (locally weighted
 * conformal prediction, Lei et al. 2018), and a quantile of z maps to the same quantile of the level (every
 * target map is increasing). Without the drift term (σ_t alone), a trend the validation part never saw gets
 * bands as narrow as a calm stretch's, and the long horizons' coverage collapses (README, "Prediction intervals").
 *
 * Calibration. q starts as the conformal quantile of the validation part's scores (data the model was not
 * fitted on; rank ⌈(n + 1)(1 − α)⌉). Walking the test part in time, each origin also uses the scores already
 * observed by then (origin t's error h steps ahead is known at row t + h), and adaptive conformal inference
 * (Gibbs & Candès 2021) moves the miss rate after each observed outcome: α ← α + γ(α₀ − miss). A run of misses
 * widens the band, a run of hits narrows it. Coverage on the test part, the fraction of actual values inside
 * their band, is the check; nothing from a later row reaches an earlier band. The validation part also chose
 * the early-stopping epoch, so its errors are slightly optimistic: one more reason coverage can fall short.
 * Where the miss rate reaches 0 the method calls for an unbounded band; here it is the widest score seen, and
 * a test value outside it counts as a miss (so the reported coverage is, if anything, low).
 */
export const INTERVAL_LEVELS = [0.8, 0.95] as const;
export type IntervalLevel = (typeof INTERVAL_LEVELS)[number];

/** The step γ of adaptive conformal inference: how fast the miss rate is corrected. */
export const ACI_STEP = 0.05;

/** The p-quantile of `scores` with the conformal rank: the ⌈(n+1)p⌉-th smallest (clamped to the list; p < 0.5 rounds down). */
export function conformalQuantile(scores: readonly number[], p: number): number {
  if (scores.length === 0) throw new RangeError('conformalQuantile needs at least one score');
  const sorted = [...scores].sort((a, b) => a - b);
  const n = sorted.length;
  const rank = p >= 0.5 ? Math.ceil((n + 1) * p) : Math.floor((n + 1) * p);
  return sorted[Math.min(n, Math.max(1, rank)) - 1]!;
}

/** One origin at one horizon: made at `row`, scored at `target`, with its score |error| / σ. */
export interface ScoredOrigin {
  row: number;
  target: number;
  score: number;
}

/**
 * Walks the origins in time order (see the file header) at nominal miss rate α₀. Returns the fraction of
 * origins whose band held the actual value, the score quantile each origin's band used, and the quantile for
 * a forecast after the last origin (every score observed, α after the last outcome); `widest` when that rank is
 * past the last score (α near or below 0), so the band is the widest score seen rather than a quantile: in
 * theory, an unbounded one.
 */
export function adaptiveIntervals(calibration: readonly number[], origins: readonly ScoredOrigin[], nominalMiss: number, step = ACI_STEP) {
  const known = [...calibration];
  const missed: boolean[] = [];
  const quantiles: number[] = [];
  let alpha = nominalMiss;
  let observed = 0;
  let inside = 0;
  const observe = () => {
    known.push(origins[observed]!.score);
    alpha += step * (nominalMiss - (missed[observed] ? 1 : 0));
    observed++;
  };
  origins.forEach((o, i) => {
    while (observed < i && origins[observed]!.target <= o.row) observe();
    const q = conformalQuantile(known, 1 - Math.min(1, Math.max(0, alpha)));
    quantiles.push(q);
    missed.push(o.score > q);
    if (o.score <= q) inside++;
  });
  while (observed < origins.length) observe();
  const finalMiss = Math.min(1, Math.max(0, alpha));
  return {
    coverage: origins.length ? inside / origins.length : NaN,
    quantiles,
    final: conformalQuantile(known, 1 - finalMiss),
    // The conformal rank ⌈(n + 1)(1 − α)⌉ past n: no score is large enough, the band is the widest seen.
    widest: Math.ceil((known.length + 1) * (1 - finalMiss)) > known.length,
  };
}

/**
 * d_t(h) = σ·√h + |μ|·h for the recent one-step `moves` (σ their spread, floored; μ their mean): the scale of an
 * error `steps` ahead (file header).
 */
export function errorScale(moves: readonly number[], steps: number, floor: number): number {
  const mean = moves.reduce((a, b) => a + b, 0) / moves.length;
  return volatility(moves, floor) * Math.sqrt(steps) + Math.abs(mean) * steps;
}

/** The spread (standard deviation) of `steps`, floored so a flat stretch cannot make a band of zero width. */
export function volatility(steps: readonly number[], floor: number): number {
  const n = steps.length;
  const mean = steps.reduce((a, b) => a + b, 0) / n;
  const sd = Math.sqrt(steps.reduce((a, b) => a + (b - mean) * (b - mean), 0) / Math.max(1, n - 1));
  return Math.max(sd, floor);
}
