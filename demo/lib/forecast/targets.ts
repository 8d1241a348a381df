/**
 * What a forecaster models, relative to the forecast origin t (the last observed row):
 *
 *   level   z_h = y_{t+h}               (the tutorial: the values themselves)
 *   change  z_h = y_{t+h} − y_t         (how far the series moves in h steps)
 *   logret  z_h = ln(y_{t+h} / y_t)     (the log return over h steps: scale-free, for prices)
 *
 * Every map is increasing in y_{t+h}, so a quantile of z is the same quantile of the level: an interval drawn
 * around ẑ_h maps to an interval of the series' own values through fromRelative. The step form (h = 1, origin
 * t − 1) is what the model reads per timestep for the target column, and what a recursive forecast feeds back.
 */
export type TargetKind = 'level' | 'change' | 'logret';
export const TARGET_KINDS: readonly TargetKind[] = ['level', 'change', 'logret'];

export function relative(kind: TargetKind, future: number, origin: number): number {
  if (kind === 'level') return future;
  if (kind === 'change') return future - origin;
  return Math.log(future / origin);
}

export function fromRelative(kind: TargetKind, z: number, origin: number): number {
  if (kind === 'level') return z;
  if (kind === 'change') return origin + z;
  return origin * Math.exp(z);
}

/**
 * Composes one-step values s_{t+1..t+h} (each relative to the row before it) into z_h relative to the origin t:
 * a level is the last step itself, changes and log returns add up.
 */
export function composeSteps(kind: TargetKind, steps: readonly number[]): number[] {
  if (kind === 'level') return [...steps];
  let sum = 0;
  return steps.map((s) => (sum += s));
}

/** The first row whose step value exists: a change or log return needs the row before it. */
export function firstStepRow(kind: TargetKind): number {
  return kind === 'level' ? 0 : 1;
}

/** The step value of row r (r ≥ firstStepRow). */
export function stepValue(kind: TargetKind, values: ArrayLike<number>, r: number): number {
  return kind === 'level' ? values[r]! : relative(kind, values[r]!, values[r - 1]!);
}

/**
 * How far the series moved into row r (r ≥ 1), in the target's terms: a change, a log return, and for levels the
 * change too (a level's own size is no move). The spread of these moves scales the intervals.
 */
export function stepMove(kind: TargetKind, values: ArrayLike<number>, r: number): number {
  return relative(kind === 'level' ? 'change' : kind, values[r]!, values[r - 1]!);
}

/**
 * The default target: log returns for a series that is positive throughout (prices, concentrations), whose
 * moves scale with its level; changes otherwise (temperatures cross zero, and a log needs positive values).
 * Levels are never the default: a model on levels must extrapolate once the series leaves its training range.
 */
// It reads every row, test rows too, but only to know whether a log is defined on each of them: no statistic of
// the test part reaches the model.
export function autoTarget(values: ArrayLike<number>): { kind: TargetKind; why: string } {
  for (let i = 0; i < values.length; i++) {
    if (!(values[i]! > 0)) return { kind: 'change', why: `changes, since the series is not positive throughout (row ${i} is ${shown(values[i]!)})` };
  }
  return { kind: 'logret', why: 'log returns, since the series is positive throughout and its moves scale with its level' };
}

/** A log return needs positive values; anything else is an error naming the first bad row. */
export function checkTarget(kind: TargetKind, values: ArrayLike<number>, column: string): void {
  if (kind !== 'logret') return;
  for (let i = 0; i < values.length; i++) {
    if (!(values[i]! > 0)) {
      throw new RangeError(
        `target logret needs a positive series, but column ${column} is ${shown(values[i]!)} at row ${i}; use --target change (or level) for this column`,
      );
    }
  }
}

/** A value as a message shows it: CSV cells are float32, so -1.1 arrives as -1.100000023841858. */
export function shown(v: number): string {
  return String(Number(v.toPrecision(7)));
}
