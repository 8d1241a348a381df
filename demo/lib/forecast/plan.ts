/**
 * Everything a forecast run decides before a model exists, in float64 and without a GPU, so `npm start` can
 * check a user's options in Node within a second and the tests can check the bookkeeping without a browser.
 *
 * Rows are split in time (70 % train, 15 % validation, 15 % test, the last rows). A forecast origin t is the
 * last row a window ends on; it forecasts rows t+1..t+H. An origin belongs to a part when every row it is
 * scored on lies in that part (inputs may look back into the part before: that is what deployment does). The
 * scalers are fitted on train rows only. `direct` trains one model with H outputs (z_1..z_H); `recursive`
 * trains a one-step model and feeds its predictions back, which needs the target column as its only input.
 */
import { MinMaxScaler, StandardScaler, chronologicalSplit } from '../../../src/index';
import { volatility } from './intervals';
import { autoTarget, checkTarget, firstStepRow, relative, stepMove, stepValue, type TargetKind } from './targets';

export type Strategy = 'direct' | 'recursive';
export const STRATEGIES: readonly Strategy[] = ['direct', 'recursive'];
/** 'best': tanh LSTM, standard scaling; 'tutorial': the Keras tutorial's relu LSTM on min-max scaled values. */
export type Recipe = 'best' | 'tutorial';
export const RECIPES: readonly Recipe[] = ['best', 'tutorial'];

export interface ForecastOptions {
  /** The series by column name, oldest row first, all of one length. */
  series: Record<string, ArrayLike<number>>;
  /** The column to forecast. */
  column: string;
  /** The columns the model reads per timestep (the target column among them or not). */
  inputs: string[];
  recipe: Recipe;
  target: TargetKind | 'auto';
  strategy: Strategy;
  window: number;
  horizon: number;
  /** The season length m for the seasonal naive baseline and MASE, or null. */
  season: number | null;
}

export interface Part {
  start: number;
  end: number;
}

export interface ForecastPlan {
  kind: TargetKind;
  /** Why this target: the user's choice, or what 'auto' saw in the data. */
  why: string;
  values: Float64Array;
  rows: number;
  split: { train: Part; validation: Part; test: Part };
  features: number;
  /** Scaled input features, row-major [rows, features]; rows before firstRow are NaN. */
  scaled: Float64Array;
  firstRow: number;
  /** Outputs the model is trained on: H (direct) or 1 (recursive). */
  outputs: number;
  origins: {
    /** Train and validation origins for fit (their `outputs` targets lie in the part). */
    fit: number[];
    fitValidation: number[];
    /** Validation origins scored at every horizon: their errors give the intervals. */
    calibration: number[];
    /** Test origins scored at every horizon. */
    test: number[];
    /** Train origins whose H targets lie in the train part: the linear baseline's rows. */
    linear: number[];
  };
  /** Maps between z (relative to the origin, per output column) and what the model is trained on. */
  targetScale: { scale: number[]; offset: number[] };
  /** The least volatility an interval scales by: a millionth of the train rows' one-step spread (a flat stretch gives bands, not zero). */
  volatilityFloor: number;
}

/** A plan that cannot be made: one line saying which option or column and what to do. */
export class ForecastOptionError extends Error {
  override name = 'ForecastOptionError';
}

/** Fewer rows cannot give every part a window and a target. */
export const MIN_ROWS = 20;

export function planForecast(o: ForecastOptions): ForecastPlan {
  const values = column(o.series, o.column);
  const rows = values.length;
  if (o.inputs.length === 0) throw new ForecastOptionError('the model needs at least one input column');
  const inputs = o.inputs.map((c) => (c === o.column ? values : column(o.series, c)));
  inputs.forEach((v, i) => {
    if (v.length !== rows) throw new ForecastOptionError(`column ${o.inputs[i]} has ${v.length} rows; column ${o.column} has ${rows}`);
  });
  if (o.strategy === 'recursive' && (o.inputs.length !== 1 || o.inputs[0] !== o.column)) {
    throw new ForecastOptionError(
      `the recursive strategy feeds its own forecasts back as inputs, so it can read only the target column ${o.column}; ` +
        `the future values of ${o.inputs.filter((c) => c !== o.column).join(', ') || 'the other columns'} are unknown. Use --strategy direct.`,
    );
  }
  let kind: TargetKind;
  let why: string;
  if (o.target === 'auto') ({ kind, why } = autoTarget(values));
  else {
    checkTarget(o.target, values, o.column);
    kind = o.target;
    why = 'as chosen';
  }

  if (rows < MIN_ROWS) {
    throw new ForecastOptionError(
      `the series has ${rows} rows; a forecast needs at least ${MIN_ROWS} (train, validation and test parts, each with windows and targets)`,
    );
  }
  const split = chronologicalSplit(rows, { train: 0.7, validation: 0.15, test: 0.15 });
  const H = o.horizon;
  const W = o.window;
  const firstRow = firstStepRow(kind);
  const F = inputs.length;
  const raw = new Float64Array(rows * F).fill(NaN);
  for (let r = firstRow; r < rows; r++) {
    inputs.forEach((v, c) => (raw[r * F + c] = o.inputs[c] === o.column ? stepValue(kind, values, r) : v[r]!));
  }
  const Scaler = o.recipe === 'tutorial' ? MinMaxScaler : StandardScaler;
  const featureScaler = new Scaler().fit({ data: raw.subarray(firstRow * F, split.train.end * F), shape: [split.train.end - firstRow, F] } as never);
  const { scale, offset } = featureScaler.coefficients();
  const scaled = raw.map((x, i) => x * scale[i % F]! + offset[i % F]!);

  const outputs = o.strategy === 'direct' ? H : 1;
  const firstOrigin = firstRow + W - 1;
  const originsWhere = (firstTarget: number, lastTarget: number, steps: number) => {
    const out: number[] = [];
    for (let t = Math.max(firstOrigin, firstTarget - 1); t + steps <= lastTarget; t++) out.push(t);
    return out;
  };
  const origins = {
    fit: originsWhere(0, split.train.end - 1, outputs),
    fitValidation: originsWhere(split.validation.start, split.validation.end - 1, outputs),
    calibration: originsWhere(split.validation.start, split.validation.end - 1, H),
    test: originsWhere(split.test.start, rows - 1, H),
    linear: originsWhere(0, split.train.end - 1, H),
  };
  const partRows = (p: Part) => p.end - p.start;
  if (origins.fit.length === 0) {
    throw new ForecastOptionError(
      `the train part has ${partRows(split.train)} rows but one training window needs ${firstOrigin + 1 + outputs} ` +
        `(--window ${W}${firstRow ? ', one row before it for the first change' : ''}, then ${outputs} target row${outputs > 1 ? 's' : ''}); ` +
        `use a shorter --window${outputs > 1 ? ' or --horizon' : ''}, or a longer series (${rows} rows)`,
    );
  }
  if (origins.test.length === 0 || origins.calibration.length === 0) {
    const part = origins.test.length === 0 ? 'test' : 'validation';
    throw new ForecastOptionError(
      `the ${part} part has ${partRows(split[part])} rows, fewer than the ${H} a forecast of --horizon ${H} steps is scored on; ` +
        `use a smaller --horizon or a longer series (${rows} rows)`,
    );
  }
  if (origins.linear.length === 0) {
    throw new ForecastOptionError(
      `the train part has ${partRows(split.train)} rows, too few for the linear baseline's windows of --window ${W} plus --horizon ${H} target rows; ` +
        'use a shorter --window or --horizon, or a longer series',
    );
  }
  if (o.season !== null && o.season >= split.train.end) {
    throw new ForecastOptionError(
      `--season ${o.season} is not shorter than the train part (${split.train.end} rows); the seasonal baseline needs a full season of training rows`,
    );
  }

  // Targets: the target column's own scaler when recursive (its forecasts become inputs again), else one per horizon.
  let targetScale: ForecastPlan['targetScale'];
  if (outputs === 1 && o.inputs.includes(o.column) && o.strategy === 'recursive') {
    const c = o.inputs.indexOf(o.column);
    targetScale = { scale: [scale[c]!], offset: [offset[c]!] };
  } else {
    const z = new Float64Array(origins.fit.length * outputs);
    origins.fit.forEach((t, i) => {
      for (let h = 0; h < outputs; h++) z[i * outputs + h] = relative(kind, values[t + h + 1]!, values[t]!);
    });
    const fitted = new Scaler().fit({ data: z, shape: [origins.fit.length, outputs] } as never).coefficients();
    targetScale = { scale: [...fitted.scale], offset: [...fitted.offset] };
  }
  const moves: number[] = [];
  for (let r = Math.max(1, firstRow); r < split.train.end; r++) moves.push(stepMove(kind, values, r));
  if (moves.every((m) => m === 0)) {
    throw new ForecastOptionError(
      `column ${o.column} is constant over the train part (${split.train.end} rows); there is nothing to learn or to scale errors by`,
    );
  }
  const volatilityFloor = volatility(moves, 0) * 1e-6 || 1e-12;
  return { kind, why, values, rows, split, features: F, scaled, firstRow, outputs, origins, targetScale, volatilityFloor };
}

/** Input windows of the given origins, [origins, window, features] as the model reads them. */
export function windowsAt(plan: ForecastPlan, origins: readonly number[], window: number): { data: Float32Array; shape: number[] } {
  const F = plan.features;
  const data = new Float32Array(origins.length * window * F);
  origins.forEach((t, i) => data.set(plan.scaled.subarray((t - window + 1) * F, (t + 1) * F), i * window * F));
  return { data, shape: [origins.length, window, F] };
}

/** The scaled targets of the given origins, [origins, outputs]. */
export function targetsAt(plan: ForecastPlan, origins: readonly number[]): { data: Float32Array; shape: number[] } {
  const K = plan.outputs;
  const data = new Float32Array(origins.length * K);
  origins.forEach((t, i) => {
    for (let h = 0; h < K; h++) {
      data[i * K + h] = relative(plan.kind, plan.values[t + h + 1]!, plan.values[t]!) * plan.targetScale.scale[h]! + plan.targetScale.offset[h]!;
    }
  });
  return { data, shape: [origins.length, K] };
}

/** z relative to the origin at h = 1..H, for origins whose H rows are observed. */
export function actualZ(plan: ForecastPlan, origins: readonly number[], horizon: number): number[][] {
  return origins.map((t) => Array.from({ length: horizon }, (_, h) => relative(plan.kind, plan.values[t + h + 1]!, plan.values[t]!)));
}

function column(series: Record<string, ArrayLike<number>>, name: string): Float64Array {
  const v = series[name];
  if (!v) throw new ForecastOptionError(`column ${name} is not in the data; available: ${Object.keys(series).join(', ')}`);
  const out = Float64Array.from(v);
  const bad = out.findIndex((x) => !Number.isFinite(x));
  if (bad >= 0) throw new ForecastOptionError(`column ${name} has ${out[bad]} at row ${bad}; every value must be a finite number`);
  return out;
}
