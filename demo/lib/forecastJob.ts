/**
 * The forecasting job shared by `npm start` (demo/cli) and the Forecast page: plan (forecast/plan.ts: split in
 * time, scalers fitted on train rows, windows per origin), train an LSTM on the GPU, then score it on the
 * held-out test part at every horizon next to the baselines it must beat (forecast/baselines.ts), with
 * prediction intervals calibrated on the validation part (forecast/intervals.ts), and forecast past the end.
 *
 * The default recipe ('best') is the honest one: log returns (or changes) relative to the forecast origin, a
 * direct multi-output head, standard scaling. `recipe: 'tutorial'` is the Keras stock tutorial: LSTM(relu) on
 * min-max scaled levels, one step at a time, each prediction fed back as the next input.
 */
import { callbacks, layers, sequential, type Logs, type Runtime, type Sequential } from '../../src/index';
import { movingAverageForecast, naiveForecast, fitLinear, seasonalNaiveForecast } from './forecast/baselines';
import { INTERVAL_LEVELS, adaptiveIntervals, errorScale, type IntervalLevel } from './forecast/intervals';
import { actualZ, planForecast, targetsAt, windowsAt, type ForecastOptions, type ForecastPlan, type Part, type Strategy } from './forecast/plan';
import { errorsByHorizon, naiveScale, type HorizonErrors } from './forecast/scores';
import { composeSteps, fromRelative, stepMove, stepValue, type TargetKind } from './forecast/targets';
import { futureTimes } from './time';
import { trainingClock, type TrainingSpeed } from './speed';

export interface ForecastInput extends ForecastOptions {
  /** Epoch milliseconds per row, or null to plot against the row number. */
  times: number[] | null;
  epochs: number;
  units: number;
  batchSize: number;
  seed: number;
  /** Epochs without a better val_loss before training stops (the best weights are restored); 0 never stops. */
  patience: number;
}

export interface EpochReport extends TrainingSpeed {
  epoch: number;
  epochs: number;
  loss: number;
  valLoss: number;
}

/** Where training is within an epoch, from onBatchProgress (no readback): 1-based, as the reports count. */
export interface BatchReport {
  epoch: number;
  epochs: number;
  batch: number;
  batches: number;
}

/** One row of the error table: a forecaster and its errors at h = 1..H on the test part. */
export interface ScoredForecaster {
  name: string;
  role: 'model' | 'baseline';
  errors: HorizonErrors[];
}

export interface ForecastResult {
  rows: number;
  target: { kind: TargetKind; why: string };
  strategy: Strategy;
  inputs: string[];
  split: { train: number; validation: number; test: number };
  /** Forecast origins: windows trained on, validation windows, and the test origins scored at every horizon. */
  origins: { train: number; validation: number; calibration: number; test: number };
  history: { loss: number[]; valLoss: number[] };
  /** Set when early stopping ended training before the last epoch: the last epoch run, and the best epoch. */
  stoppedEarly: { epoch: number; bestEpoch: number } | null;
  /** The (1-based) epoch whose weights the model was scored with, when early stopping restored them (not the last one run). */
  restoredEpoch: number | null;
  /** Lowest and highest step value (level, change or log return of the target column) of the train and the test rows. */
  ranges: { train: [number, number]; test: [number, number] };
  /** Errors on the test part by horizon, in the series' units; MASE is scaled by `scale` (the in-sample naive MAE, seasonal with `season`). */
  test: { forecasters: ScoredForecaster[]; scale: number; season: number | null };
  /** Empirical coverage of the test part's actual values by the intervals, per nominal level: by horizon, and over all. */
  coverage: { level: IntervalLevel; byHorizon: number[]; overall: number }[];
  /** One-step-ahead predictions, in the series' units, at row `index` of the series (train, validation, test). */
  predicted: { index: number[]; value: number[]; part: ('train' | 'validation' | 'test')[] };
  forecast: {
    times: number[] | null;
    value: number[];
    /**
     * Per nominal level, the interval's low and high at every step. `widestSteps`: the steps whose band is only
     * the widest error seen, because the test part's misses drove that horizon's miss rate to 0 (read: unbounded).
     */
    bands: { level: IntervalLevel; low: number[]; high: number[]; widestSteps: number[] }[];
    /** Where a believable forecast lies: the observed range widened by its own span, never below 0 for a positive series. */
    plausible: [number, number];
    /** The first step where the forecast or its 95% interval leaves `plausible`, or null. */
    implausible: { step: number; value: number; why: string } | null;
  };
  speed: TrainingSpeed;
}

/** What the model is made of: the window it reads, its inputs and outputs, its LSTM, the weights' seed. */
export interface ForecastModelSpec {
  window: number;
  features: number;
  outputs: number;
  units: number;
  activation: 'relu' | 'tanh';
  seed: number;
}

/** LSTM(units, activation) + Dense(outputs), Adam, mean squared error: the tutorial's model, with H outputs when direct. */
export function forecastModel(rt: Runtime, spec: ForecastModelSpec): Sequential {
  const model = sequential(rt, { seed: spec.seed });
  model.add(layers.lstm({ units: spec.units, activation: spec.activation, inputShape: [spec.window, spec.features] }));
  model.add(layers.dense({ units: spec.outputs }));
  model.compile({ optimizer: 'adam', loss: 'mse' });
  return model;
}

/**
 * What the job asks of its model: a Sequential from forecastModel (npm start), or a RemoteModel whose worker
 * serves forecastModel (the Forecast page, which trains off its main thread).
 */
export type ForecastModel = Pick<Sequential, 'fit' | 'predict' | 'dispose'>;

export async function runForecastJob(
  openModel: (spec: ForecastModelSpec) => ForecastModel | Promise<ForecastModel>,
  input: ForecastInput,
  onEpoch?: (r: EpochReport) => void,
  onBatch?: (r: BatchReport) => void,
): Promise<ForecastResult> {
  const plan = planForecast(input);
  const { values, split, origins } = plan;
  const H = input.horizon;
  const model = await openModel({
    window: input.window,
    features: plan.features,
    outputs: plan.outputs,
    units: input.units,
    activation: input.recipe === 'tutorial' ? 'relu' : 'tanh',
    seed: input.seed,
  });
  try {
    const { history, stoppedEarly, restoredEpoch, speed } = await train(model, plan, input, onEpoch, onBatch);
    const predictZ = (at: readonly number[], steps: number) => forecastZ(model, plan, input, at, steps);

    const calibrationZ = await predictZ(origins.calibration, H);
    const testZ = await predictZ(origins.test, H);
    const toLevels = (z: number[][], at: readonly number[]) => z.map((row, o) => row.map((v) => fromRelative(plan.kind, v, values[at[o]!]!)));
    const actual = origins.test.map((t) => Array.from(values.subarray(t + 1, t + 1 + H)));
    const scale = naiveScale(values, split.train.start, split.train.end, input.season ?? 1);
    const forecasters: ScoredForecaster[] = [
      { name: `LSTM (${input.strategy})`, role: 'model', errors: errorsByHorizon(toLevels(testZ, origins.test), actual, scale) },
      ...baselines(plan, input).map((b) => ({ ...b, role: 'baseline' as const, errors: errorsByHorizon(b.forecast, actual, scale) })),
    ];
    const intervals = conformalIntervals(plan, H, { at: origins.calibration, z: calibrationZ }, { at: origins.test, z: testZ });

    return {
      rows: plan.rows,
      target: { kind: plan.kind, why: plan.why },
      strategy: input.strategy,
      inputs: input.inputs,
      split: { train: size(split.train), validation: size(split.validation), test: size(split.test) },
      origins: { train: origins.fit.length, validation: origins.fitValidation.length, calibration: origins.calibration.length, test: origins.test.length },
      history,
      stoppedEarly,
      restoredEpoch,
      ranges: { train: stepRange(plan, split.train), test: stepRange(plan, split.test) },
      test: { forecasters, scale, season: input.season },
      coverage: intervals.coverage,
      predicted: await oneStepPredictions(plan, input, predictZ),
      forecast: await forecastPastEnd(plan, input, predictZ, intervals.final),
      speed,
    };
  } finally {
    model.dispose();
  }
}

async function train(model: ForecastModel, plan: ForecastPlan, input: ForecastInput, onEpoch?: (r: EpochReport) => void, onBatch?: (r: BatchReport) => void) {
  const stepsPerEpoch = Math.ceil(plan.origins.fit.length / input.batchSize);
  const clock = trainingClock(stepsPerEpoch);
  let current = 0;
  const stopper = input.patience > 0 ? callbacks.earlyStopping({ monitor: 'val_loss', patience: input.patience, restoreBestWeights: true }) : null;
  const fitted = await model.fit(windowsAt(plan, plan.origins.fit, input.window), targetsAt(plan, plan.origins.fit), {
    batchSize: input.batchSize,
    epochs: input.epochs,
    validationData: [windowsAt(plan, plan.origins.fitValidation, input.window), targetsAt(plan, plan.origins.fitValidation)],
    shuffle: true,
    callbacks: [
      ...(stopper ? [stopper] : []),
      {
        onEpochBegin: (epoch: number) => {
          current = epoch + 1;
          clock.begin();
        },
        ...(onBatch && { onBatchProgress: (batch: number) => onBatch({ epoch: current, epochs: input.epochs, batch: batch + 1, batches: stepsPerEpoch }) }),
        onEpochEnd: (epoch: number, logs: Logs) => {
          const speed = clock.end();
          onEpoch?.({ epoch: epoch + 1, epochs: input.epochs, loss: logs.loss!, valLoss: logs.val_loss!, ...speed });
        },
      },
    ],
  });
  const loss = fitted.history.loss ?? [];
  const valLoss = fitted.history.val_loss ?? [];
  const bestEpoch = valLoss.indexOf(Math.min(...valLoss)) + 1;
  // earlyStopping also reports the last epoch when patience ran out exactly there; only an early end is news.
  const stoppedEarly = stopper && loss.length < input.epochs ? { epoch: loss.length, bestEpoch } : null;
  // restoreBestWeights brings the best epoch back whether training stopped early or ran out of epochs.
  const restoredEpoch = stopper && bestEpoch !== loss.length ? bestEpoch : null;
  return { history: { loss, valLoss }, stoppedEarly, restoredEpoch, speed: clock.overall() };
}

/**
 * ẑ_1..ẑ_steps (relative to each origin, unscaled). Direct: one predict, the first `steps` outputs. Recursive:
 * one predict per step over all origins at once, each step's prediction appended to its window.
 */
async function forecastZ(model: ForecastModel, plan: ForecastPlan, input: ForecastInput, at: readonly number[], steps: number): Promise<number[][]> {
  const { scale, offset } = plan.targetScale;
  const unscale = (v: number, h: number) => (v - offset[h]!) / scale[h]!;
  const x = windowsAt(plan, at, input.window);
  if (input.strategy === 'direct') {
    const out = (await model.predict(x, { batchSize: 256 })).data;
    const K = plan.outputs;
    return at.map((_, o) => Array.from({ length: steps }, (_, h) => unscale(out[o * K + h]!, h)));
  }
  const W = input.window;
  const stepValues = at.map(() => [] as number[]);
  for (let h = 0; h < steps; h++) {
    const out = (await model.predict(x, { batchSize: 256 })).data;
    at.forEach((_, o) => {
      stepValues[o]!.push(unscale(out[o]!, 0));
      // Slide the window: drop its first step, append the scaled prediction (one feature: the target column).
      x.data.copyWithin(o * W, o * W + 1, (o + 1) * W);
      x.data[(o + 1) * W - 1] = out[o]!;
    });
  }
  return stepValues.map((s) => composeSteps(plan.kind, s));
}

/** The baselines' level forecasts at every test origin, h = 1..H. */
function baselines(plan: ForecastPlan, input: ForecastInput): { name: string; forecast: number[][] }[] {
  const { values, origins } = plan;
  const H = input.horizon;
  const W = input.window;
  const out = [{ name: 'naive (last value)', forecast: origins.test.map((t) => naiveForecast(values, t, H)) }];
  if (input.season !== null) {
    const m = input.season;
    out.push({ name: `seasonal naive (m = ${m})`, forecast: origins.test.map((t) => seasonalNaiveForecast(values, t, H, m)) });
  }
  out.push({ name: `moving average (${W})`, forecast: origins.test.map((t) => movingAverageForecast(values, t, H, W)) });
  const flat = (t: number) => windowsAt(plan, [t], W).data;
  const linear = fitLinear(origins.linear.map(flat), actualZ(plan, origins.linear, H), 1);
  out.push({ name: 'linear autoregression', forecast: origins.test.map((t) => linear.predict(flat(t)).map((z) => fromRelative(plan.kind, z, values[t]!))) });
  return out;
}

/** The model's one-step-ahead prediction of every row a window can reach, for the actual-vs-predicted chart. */
async function oneStepPredictions(plan: ForecastPlan, input: ForecastInput, predictZ: (at: readonly number[], steps: number) => Promise<number[][]>) {
  const parts = ['train', 'validation', 'test'] as const;
  const first = plan.firstRow + input.window - 1;
  const at: number[] = [];
  for (let t = first; t < plan.rows - 1; t++) at.push(t);
  const z = await predictZ(at, 1);
  const partOf = (row: number) => parts.find((p) => row < plan.split[p].end)!;
  return {
    index: at.map((t) => t + 1),
    value: at.map((t, o) => fromRelative(plan.kind, z[o]![0]!, plan.values[t]!)),
    part: at.map((t) => partOf(t + 1)),
  };
}

async function forecastPastEnd(
  plan: ForecastPlan,
  input: ForecastInput,
  predictZ: (at: readonly number[], steps: number) => Promise<number[][]>,
  final: { level: IntervalLevel; quantiles: number[]; widest: boolean[] }[],
): Promise<ForecastResult['forecast']> {
  const origin = plan.rows - 1;
  const last = plan.values[origin]!;
  const z = (await predictZ([origin], input.horizon))[0]!;
  const value = z.map((v) => fromRelative(plan.kind, v, last));
  const scale = (h: number) => recentErrorScale(plan, origin, h + 1);
  const bands = final.map(({ level, quantiles, widest }) => ({
    level,
    low: z.map((v, h) => fromRelative(plan.kind, v - quantiles[h]! * scale(h), last)),
    high: z.map((v, h) => fromRelative(plan.kind, v + quantiles[h]! * scale(h), last)),
    widestSteps: widest.flatMap((w, h) => (w ? [h + 1] : [])),
  }));
  const plausible = plausibleRange(plan.values);
  let implausible: ForecastResult['forecast']['implausible'] = null;
  const band95 = bands.find((b) => b.level === 0.95)!;
  for (let h = 0; h < value.length && !implausible; h++) {
    const v = value[h]!;
    if (!Number.isFinite(v) || v < plausible[0] || v > plausible[1]) {
      implausible = { step: h + 1, value: v, why: 'outside the plausible range' };
    } else if (band95.low[h]! < plausible[0] || band95.high[h]! > plausible[1]) {
      implausible = { step: h + 1, value: v, why: 'with a 95% interval reaching outside the plausible range' };
    }
  }
  return { times: input.times && futureTimes(input.times, input.horizon), value, bands, plausible, implausible };
}

/**
 * Intervals on the test part (forecast/intervals.ts), per level and horizon: scores |z − ẑ| / d_t(h) of the
 * validation origins calibrate, the test origins are walked in time. Returns the coverage and, for the forecast
 * past the end, each horizon's final score quantile.
 */
function conformalIntervals(plan: ForecastPlan, H: number, calibration: { at: number[]; z: number[][] }, test: { at: number[]; z: number[][] }) {
  const scores = (part: { at: number[]; z: number[][] }) => {
    const actual = actualZ(plan, part.at, H);
    return part.at.map((t, o) => {
      return actual[o]!.map((v, h) => Math.abs(v - part.z[o]![h]!) / recentErrorScale(plan, t, h + 1));
    });
  };
  const calibrationScores = scores(calibration);
  const testScores = scores(test);
  const runs = INTERVAL_LEVELS.map((level) => ({
    level,
    runs: Array.from({ length: H }, (_, h) =>
      adaptiveIntervals(
        calibrationScores.map((s) => s[h]!),
        test.at.map((t, o) => ({ row: t, target: t + h + 1, score: testScores[o]![h]! })),
        1 - level,
      ),
    ),
  }));
  return {
    coverage: runs.map(({ level, runs: r }) => {
      const byHorizon = r.map((x) => x.coverage);
      return { level, byHorizon, overall: byHorizon.reduce((a, b) => a + b, 0) / H };
    }),
    final: runs.map(({ level, runs: r }) => ({ level, quantiles: r.map((x) => x.final), widest: r.map((x) => x.widest) })),
  };
}

/**
 * d_t(h), the scale of origin t's error `steps` ahead (forecast/intervals.ts errorScale), from the target column's
 * last VOLATILITY_ROWS one-step moves up to row t (targets.ts stepMove).
 */
export const VOLATILITY_ROWS = 30;
function recentErrorScale(plan: ForecastPlan, t: number, steps: number): number {
  const moves: number[] = [];
  for (let r = Math.max(1, t - VOLATILITY_ROWS + 1); r <= t; r++) moves.push(stepMove(plan.kind, plan.values, r));
  return errorScale(moves, steps, plan.volatilityFloor);
}

/** The observed range widened by its own span on both sides; a series positive throughout stays above 0. */
export function plausibleRange(values: ArrayLike<number>): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < values.length; i++) {
    lo = Math.min(lo, values[i]!);
    hi = Math.max(hi, values[i]!);
  }
  const span = hi - lo || Math.abs(hi) || 1;
  return [lo > 0 ? Math.max(0, lo - span) : lo - span, hi + span];
}

function stepRange(plan: ForecastPlan, part: Part): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (let r = Math.max(part.start, plan.firstRow); r < part.end; r++) {
    const v = stepValue(plan.kind, plan.values, r);
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  return [lo, hi];
}

function size(p: Part): number {
  return p.end - p.start;
}
