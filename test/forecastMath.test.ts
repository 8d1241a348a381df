/**
 * The forecasting job's float64 parts without a GPU (demo/lib/forecast/): targets relative to the origin, the
 * baselines and the least-squares autoregression, conformal and adaptive intervals, errors by horizon.
 */
import { describe, expect, it } from 'vitest';
import { fitLinear, movingAverageForecast, naiveForecast, seasonalNaiveForecast } from '../demo/lib/forecast/baselines';
import { adaptiveIntervals, conformalQuantile, errorScale, volatility } from '../demo/lib/forecast/intervals';
import { errorsByHorizon, naiveScale } from '../demo/lib/forecast/scores';
import { autoTarget, checkTarget, composeSteps, fromRelative, relative, stepValue, TARGET_KINDS } from '../demo/lib/forecast/targets';
import { rng } from './support/random';

describe('targets', () => {
  it('map a future value to z relative to the origin and back, increasing in the value', () => {
    for (const kind of TARGET_KINDS) {
      for (const [future, origin] of [
        [105, 100],
        [80, 100],
        [0.5, 2],
      ] as const) {
        expect(fromRelative(kind, relative(kind, future, origin), origin)).toBeCloseTo(future, 12);
        expect(relative(kind, future + 1, origin)).toBeGreaterThan(relative(kind, future, origin));
      }
    }
    expect(relative('logret', 110, 100)).toBeCloseTo(Math.log(1.1), 15);
    expect(relative('change', 110, 100)).toBe(10);
  });

  it('compose one-step values into z relative to the origin, as the series itself does', () => {
    const y = [100, 103, 101, 106];
    for (const kind of TARGET_KINDS) {
      const steps = [1, 2, 3].map((r) => stepValue(kind, y, r));
      const z = composeSteps(kind, steps);
      z.forEach((v, k) => expect(v).toBeCloseTo(relative(kind, y[k + 1]!, y[0]!), 12));
    }
  });

  it('choose log returns for a positive series and changes otherwise, and refuse a log of a non-positive value', () => {
    expect(autoTarget([1, 2, 3]).kind).toBe('logret');
    expect(autoTarget([1, -2, 3]).kind).toBe('change');
    expect(autoTarget([1, -2, 3]).why).toMatch(/row 1 is -2/);
    expect(() => checkTarget('logret', [3, 0, 1], 'temp')).toThrow(/column temp is 0 at row 1; use --target change/);
    expect(() => checkTarget('change', [3, 0, 1], 'temp')).not.toThrow();
  });
});

describe('baselines', () => {
  const y = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  it('naive repeats the origin, moving average the window mean, seasonal naive the last season', () => {
    expect(naiveForecast(y, 5, 3)).toEqual([6, 6, 6]);
    expect(movingAverageForecast(y, 5, 2, 3)).toEqual([5, 5]);
    // m = 4 from origin 7: h = 1..4 take rows 4..7, h = 5 takes row 4 again (one season back from row 8 is row 4).
    expect(seasonalNaiveForecast(y, 7, 5, 4)).toEqual([5, 6, 7, 8, 5]);
    expect(() => seasonalNaiveForecast(y, 1, 1, 4)).toThrow(/a full season \(4 rows\) before row 1/);
  });

  it('least squares recovers a noiseless linear map per horizon, and the ridge penalty shrinks it', () => {
    const random = rng(3);
    const rows = Array.from({ length: 50 }, () => [random() * 2 - 1, random() * 2 - 1, random() * 2 - 1]);
    const beta = [
      [0.5, 1, -2, 3],
      [-1, 0, 0.25, 4],
    ];
    const targets = rows.map((x) => beta.map((b) => b[0]! + b[1]! * x[0]! + b[2]! * x[1]! + b[3]! * x[2]!));
    const exact = fitLinear(rows, targets, 0);
    exact.coefficients.forEach((c, h) => c.forEach((v, j) => expect(v).toBeCloseTo(beta[h]![j]!, 9)));
    expect(exact.predict([0.1, 0.2, 0.3])[1]).toBeCloseTo(-1 + 0.05 + 1.2, 9);
    const ridge = fitLinear(rows, targets, 100);
    expect(Math.abs(ridge.coefficients[0]![3]!)).toBeLessThan(3);
  });

  it('names the column where a singular system fails (its solve is fitRidge’s: src/model/ridgeSolve.ts)', () => {
    // Two equal feature columns and no penalty: column 2 (after the intercept) depends on column 1.
    const rows = [
      [1, 1],
      [2, 2],
      [3, 3],
    ];
    expect(() => fitLinear(rows, [[1], [2], [4]], 0)).toThrow(/the linear baseline: .*singular at column 2/);
  });
});

describe('intervals', () => {
  it('take the conformal rank ⌈(n + 1)p⌉ of the sorted scores', () => {
    const scores = [5, 1, 4, 2, 3, 9, 8, 7, 6, 10]; // 1..10
    expect(conformalQuantile(scores, 0.9)).toBe(10); // ⌈11·0.9⌉ = 10
    expect(conformalQuantile(scores, 0.5)).toBe(6); // ⌈5.5⌉
    expect(conformalQuantile(scores, 0.1)).toBe(1); // ⌊1.1⌋
  });

  const normal = (random: () => number) => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());

  it('cover close to the nominal level on exchangeable errors', () => {
    const random = rng(11);
    const calibration = Array.from({ length: 400 }, () => Math.abs(normal(random)));
    const origins = Array.from({ length: 2000 }, (_, i) => ({ row: i, target: i + 1, score: Math.abs(normal(random)) }));
    for (const level of [0.8, 0.95]) {
      const run = adaptiveIntervals(calibration, origins, 1 - level);
      expect(Math.abs(run.coverage - level)).toBeLessThan(0.03);
      expect(run.widest).toBe(false);
    }
  });

  it('adapt to errors that grow after calibration, where fixed intervals under-cover', () => {
    const random = rng(12);
    const calibration = Array.from({ length: 200 }, () => Math.abs(normal(random)));
    const origins = Array.from({ length: 1000 }, (_, i) => ({ row: i, target: i + 3, score: 2.5 * Math.abs(normal(random)) }));
    const fixed = adaptiveIntervals(calibration, origins, 0.2, 0);
    const adaptive = adaptiveIntervals(calibration, origins, 0.2);
    expect(fixed.coverage).toBeLessThan(0.7);
    expect(Math.abs(adaptive.coverage - 0.8)).toBeLessThan(0.05);
  });

  it('use only scores already observed: a band never depends on an outcome after its own row', () => {
    // Origin 1's outcome (target row 3) is known at row 3: the bands of origins 0..2 may not change with it, origin 3's may.
    const origins = [0, 1, 2, 3, 4].map((i) => ({ row: i, target: i + 2, score: 1 }));
    const calibration = Array.from({ length: 9 }, (_, i) => i / 10);
    const a = adaptiveIntervals(calibration, origins, 0.2);
    const b = adaptiveIntervals(
      calibration,
      origins.map((o, i) => (i === 1 ? { ...o, score: 50 } : o)),
      0.2,
    );
    expect(b.quantiles.slice(0, 3)).toEqual(a.quantiles.slice(0, 3));
    expect(b.quantiles[3]).not.toEqual(a.quantiles[3]);
  });

  it('call a band the widest score seen when its conformal rank passes the last score', () => {
    expect(adaptiveIntervals([1, 2, 3], [], 0.2).widest).toBe(true); // ⌈4·0.8⌉ = 4 > 3 scores
    expect(
      adaptiveIntervals(
        Array.from({ length: 20 }, (_, i) => i),
        [],
        0.2,
      ).widest,
    ).toBe(false);
  });

  it('scale by the spread of recent moves, floored', () => {
    expect(volatility([1, 3], 0)).toBeCloseTo(Math.SQRT2, 12);
    expect(volatility([2, 2, 2], 0.5)).toBe(0.5);
  });

  it('an error h steps ahead scales as a random walk with drift: σ·√h spread plus |μ|·h drift', () => {
    const calm = [0.01, -0.01, 0.01, -0.01];
    const trend = [0.03, 0.01, 0.03, 0.01]; // the same spread, a mean of 0.02
    const sigma = volatility(calm, 0);
    expect(volatility(trend, 0)).toBeCloseTo(sigma, 12);
    expect(errorScale(calm, 1, 0)).toBeCloseTo(sigma, 12);
    expect(errorScale(calm, 9, 0)).toBeCloseTo(3 * sigma, 12);
    expect(errorScale(trend, 9, 0)).toBeCloseTo(3 * sigma + 9 * 0.02, 12);
    // A flat stretch still gives a band: the floor.
    expect(errorScale([0, 0, 0], 4, 1e-6)).toBeCloseTo(2e-6, 15);
  });
});

describe('errors by horizon', () => {
  it('give RMSE, MAE and MASE per step ahead', () => {
    const e = errorsByHorizon(
      [
        [1, 2],
        [3, 5],
      ],
      [
        [2, 2],
        [3, 1],
      ],
      2,
    );
    expect(e[0]).toEqual({ rmse: Math.sqrt(0.5), mae: 0.5, mase: 0.25 });
    expect(e[1]).toEqual({ rmse: Math.sqrt(8), mae: 2, mase: 1 });
    expect(() => errorsByHorizon([], [], 1)).toThrow(/as many forecasts as actual rows/);
  });

  it('scale MASE by the in-sample naive (or seasonal naive) error of the train rows', () => {
    expect(naiveScale([1, 3, 2, 6], 0, 4)).toBeCloseTo(7 / 3, 12);
    expect(naiveScale([1, 3, 2, 6], 0, 4, 2)).toBe(2);
    expect(() => naiveScale([1, 2], 0, 2, 5)).toThrow(/shorter than the season/);
  });
});
