/**
 * The forecasting job's bookkeeping and words without a GPU: which origins each part scores (every scored row
 * inside its part, scalers from train rows only), the errors a user gets for impossible options, and the
 * report's sentences chosen by the result they describe.
 */
import { describe, expect, it } from 'vitest';
import { actualZ, planForecast, targetsAt, windowsAt, type ForecastOptions } from '../demo/lib/forecast/plan';
import {
  errorTableText,
  extrapolationNote,
  forecastLine,
  formatValue,
  stepRanges,
  shownHorizons,
  trainingLine,
  type ReportData,
} from '../demo/lib/forecast/summary';
import type { ForecastResult } from '../demo/lib/forecastJob';
import { plausibleRange } from '../demo/lib/forecastJob';

const price = Array.from({ length: 200 }, (_, i) => 100 + i + 5 * Math.sin(i));
const temp = Array.from({ length: 200 }, (_, i) => 10 * Math.sin(i / 10) - 2);
const base: ForecastOptions = {
  series: { price, temp },
  column: 'price',
  inputs: ['price'],
  recipe: 'best',
  target: 'auto',
  strategy: 'direct',
  window: 10,
  horizon: 5,
  season: null,
};

describe('planForecast', () => {
  it('scores each origin only on rows of its own part, and fits the scalers on train rows', () => {
    const plan = planForecast(base);
    expect(plan.kind).toBe('logret');
    expect(plan.split.train).toEqual({ start: 0, end: 140 });
    expect(plan.split.test).toEqual({ start: 170, end: 200 });
    const { fit, fitValidation, calibration, test } = plan.origins;
    expect(fit[0]).toBe(10); // a log return needs row 0 before the first window (rows 1..10)
    for (const t of fit) expect(t + 5).toBeLessThan(140);
    for (const t of [...fitValidation, ...calibration]) expect([t + 1 >= 140, t + 5 < 170]).toEqual([true, true]);
    for (const t of test) expect([t + 1 >= 170, t + 5 < 200]).toEqual([true, true]);
    expect(test).toHaveLength(26);
    // Standard-scaled on the train rows: the train rows' scaled feature has mean 0.
    const trainRows = Array.from({ length: 139 }, (_, k) => plan.scaled[k + 1]!);
    expect(trainRows.reduce((a, b) => a + b, 0) / trainRows.length).toBeCloseTo(0, 9);
  });

  it('gives the model windows of the scaled features and targets relative to the origin', () => {
    const plan = planForecast({ ...base, target: 'change' });
    const x = windowsAt(plan, [20], 10);
    expect(x.shape).toEqual([1, 10, 1]);
    expect(x.data[9]).toBeCloseTo(plan.scaled[20]!, 6);
    const y = targetsAt(plan, [20]);
    expect(y.shape).toEqual([1, 5]);
    const z = actualZ(plan, [20], 5)[0]!;
    expect(z[2]).toBeCloseTo(price[23]! - price[20]!, 12);
    expect((y.data[2]! - plan.targetScale.offset[2]!) / plan.targetScale.scale[2]!).toBeCloseTo(z[2]!, 4);
  });

  it('reads several columns, the target among them or not', () => {
    expect(planForecast({ ...base, inputs: ['temp', 'price'] }).features).toBe(2);
    expect(planForecast({ ...base, inputs: ['temp'] }).features).toBe(1);
  });

  it('refuses what it cannot do, in one line that names the option', () => {
    expect(() => planForecast({ ...base, column: 'temp', target: 'logret' })).toThrow(/column temp is -2 at row 0; use --target change/);
    expect(() => planForecast({ ...base, strategy: 'recursive', inputs: ['price', 'temp'] })).toThrow(
      /recursive strategy .* temp are unknown\. Use --strategy direct/,
    );
    expect(() => planForecast({ ...base, horizon: 40 })).toThrow(/test part has 30 rows, fewer than the 40 .* --horizon 40/);
    expect(() => planForecast({ ...base, window: 150 })).toThrow(/train part has 140 rows but one training window needs 156 .*--window 150/);
    expect(() => planForecast({ ...base, season: 150 })).toThrow(/--season 150 is not shorter than the train part \(140 rows\)/);
    expect(() => planForecast({ ...base, column: 'rain' })).toThrow(/column rain is not in the data; available: price, temp/);
    expect(() => planForecast({ ...base, series: { price: price.slice(0, 5) } })).toThrow(/the series has 5 rows; a forecast needs at least 20/);
    expect(() => planForecast({ ...base, series: { price: new Array(200).fill(7) } })).toThrow(/column price is constant over the train part \(140 rows\)/);
    // Recursive training needs one target row per window, the linear baseline H: its shortage is found before training.
    expect(() => planForecast({ ...base, strategy: 'recursive', window: 135 })).toThrow(
      /too few for the linear baseline's windows of --window 135 plus --horizon 5/,
    );
    expect(() => planForecast({ ...base, series: { price: [...price.slice(0, 199), NaN] } })).toThrow(/column price has NaN at row 199/);
  });
});

describe('report words', () => {
  it('write units as a reader does: a real minus sign, currencies before the number, others after', () => {
    expect(formatValue(-25.1, '$')).toBe('−$25.10');
    expect(formatValue(1234.5, '$')).toBe('$1,234.50');
    expect(formatValue(12.3, '°C')).toBe('12.30 °C');
    expect(formatValue(-0.001, '')).toBe('0.00');
  });

  it('show horizons 1, 3, 7, 12, 24, 30 up to H, and always H', () => {
    expect(shownHorizons(30)).toEqual([1, 3, 7, 12, 24, 30]);
    expect(shownHorizons(7)).toEqual([1, 3, 7]);
    expect(shownHorizons(10)).toEqual([1, 3, 7, 10]);
  });

  it('widen the observed range by its span for plausibility, never below zero for a positive series', () => {
    expect(plausibleRange([100, 300])).toEqual([0, 500]);
    expect(plausibleRange([-5, 5])).toEqual([-15, 15]);
  });

  const errors = (mae: number) => [1, 2, 3].map((h) => ({ rmse: mae * h * 1.2, mae: mae * h, mase: mae * h }));
  const data = (modelMae: number, stoppedEarly: ForecastResult['stoppedEarly'] = null, restoredEpoch: number | null = null): ReportData =>
    ({
      source: 'test',
      values: [1, 2, 3],
      times: null,
      unit: '$',
      config: { recipe: 'best', window: 3, epochs: 20, units: 4, horizon: 3, batchSize: 32, patience: 5, season: null },
      adapter: { vendor: '', architecture: '', device: '', description: '', isFallback: true },
      result: {
        target: { kind: 'level', why: 'as chosen' },
        strategy: 'direct',
        inputs: ['close'],
        history: { loss: new Array(20).fill(1), valLoss: new Array(20).fill(1) },
        stoppedEarly,
        restoredEpoch,
        origins: { train: 10, validation: 5, calibration: 5, test: 5 },
        ranges: { train: [0, 1], test: [2, 3] },
        speed: { stepsPerSecond: 1, epochSeconds: 1 },
        test: {
          forecasters: [
            { name: 'LSTM (direct)', role: 'model', errors: errors(modelMae) },
            { name: 'naive (last value)', role: 'baseline', errors: errors(1) },
          ],
          scale: 1,
          season: null,
        },
      },
    }) as unknown as ReportData;

  it('explain a loss to the naive forecast by extrapolation only when the model lost', () => {
    expect(extrapolationNote(data(2))).toMatch(/Why the model loses to the naive forecast: .* outside the training range \$0\.00 to \$1\.00/);
    expect(extrapolationNote(data(0.5))).toBeNull();
  });

  it('say early stopping ended training only when it did, and which weights were restored', () => {
    expect(trainingLine(data(1))).not.toMatch(/Early stopping|restored/);
    expect(trainingLine(data(1, { epoch: 9, bestEpoch: 4 }, 4))).toMatch(
      /Early stopping ended training after epoch 9 .*\. The weights of epoch 4, the best val_loss, were restored\./,
    );
    // Ran out of epochs after a better one: restored, but not "stopped early".
    expect(trainingLine(data(1, null, 17))).toMatch(/^Training: 20 of 20 epochs .* The weights of epoch 17, the best val_loss, were restored\.$/);
  });

  it('print a forecast with its intervals, or say it is not a usable result', () => {
    const d = data(1);
    const bands = [
      { level: 0.8 as const, low: [95, 90], high: [105, 110], widestSteps: [] as number[] },
      { level: 0.95 as const, low: [90, 80], high: [110, 120], widestSteps: [] as number[] },
    ];
    d.result.forecast = { times: null, value: [100, 101], bands, plausible: [0, 500], implausible: null };
    d.values = [99];
    expect(forecastLine(d)).toBe('Forecast: from $99.00 (last observed) to $101.00 at step 2; 80%: $90.00 to $110.00, 95%: $80.00 to $120.00.');
    bands[0]!.widestSteps = [2];
    expect(forecastLine(d)).toMatch(/, 95%: \$80\.00 to \$120\.00\. At step 2, the 80% interval is only the widest error seen: .* so read it as unbounded\.$/);
    expect(stepRanges([3, 4, 5, 7, 9, 10])).toBe('3–5, 7, 9–10');
    d.result.forecast.implausible = { step: 2, value: -797667.5, why: 'outside the plausible range' };
    expect(forecastLine(d)).toBe(
      'The forecast is not a usable result: at step 2 it reaches −$797,667.50, outside the plausible range ($0.00 to $500.00 for this series). It is left out of the chart.',
    );
  });

  it('mark the lowest error of each horizon in the text tables', () => {
    const lines = errorTableText(data(0.5));
    expect(lines.find((l) => l.startsWith('LSTM (direct)'))).toMatch(/\$0\.50\*/);
    expect(lines.find((l) => l.startsWith('naive (last value)'))).not.toMatch(/\*/);
  });
});
