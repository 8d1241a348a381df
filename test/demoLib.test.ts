/** The demo's pure helpers: forecast errors, forecast dates, temperature sampling, the stratified email split. */
import { describe, expect, it } from 'vitest';
import { stratifiedSplit } from '../demo/classify/split';
import { errorsOf } from '../demo/lib/metrics';
import { futureTimes } from '../demo/lib/time';
import { sampleIndex } from '../demo/text/sampling';
import { rng } from './support/random';

const DAY = 86_400_000;
const utc = (s: string) => Date.parse(`${s}T00:00:00Z`);

describe('errorsOf', () => {
  it('gives RMSE and MAE in the units of the values', () => {
    const e = errorsOf([1, 2, 6], [1, 4, 3]);
    expect(e.mae).toBeCloseTo(5 / 3, 12);
    expect(e.rmse).toBeCloseTo(Math.sqrt(13 / 3), 12);
  });
  it('refuses lists of different lengths', () => {
    expect(() => errorsOf([1], [1, 2])).toThrow(/1 predictions and 2 actual values/);
  });
});

describe('futureTimes', () => {
  it('continues a trading-day series on weekdays only', () => {
    // Thursday 2012-04-26 … Tuesday 2012-05-01, no weekend rows.
    const times = ['2012-04-26', '2012-04-27', '2012-04-30', '2012-05-01'].map(utc);
    expect(futureTimes(times, 4).map((t) => new Date(t).toISOString().slice(0, 10))).toEqual(['2012-05-02', '2012-05-03', '2012-05-04', '2012-05-07']);
  });
  it('keeps weekends in a calendar-daily series', () => {
    const times = [0, 1, 2, 3, 4, 5, 6].map((d) => utc('2015-01-01') + d * DAY);
    expect(futureTimes(times, 2)).toEqual([times[6]! + DAY, times[6]! + 2 * DAY]);
  });
  it('continues a monthly series by calendar months', () => {
    const times = ['2021-11-01', '2021-12-01', '2022-01-01', '2022-02-01'].map(utc);
    expect(futureTimes(times, 3).map((t) => new Date(t).toISOString().slice(0, 10))).toEqual(['2022-03-01', '2022-04-01', '2022-05-01']);
  });
  it('steps by the median spacing', () => {
    expect(futureTimes([0, 10, 20, 35], 2)).toEqual([45, 55]);
  });
});

describe('sampleIndex', () => {
  const probs = [0.1, 0.6, 0.3];
  const draws = (t: number, n = 4000) => {
    let s = 12345;
    const random = () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 4294967296;
    const counts = [0, 0, 0];
    for (let i = 0; i < n; i++) counts[sampleIndex(probs, t, random)]! += 1;
    return counts.map((c) => c / n);
  };
  it('draws from the distribution itself at temperature 1', () => {
    draws(1).forEach((f, i) => expect(Math.abs(f - probs[i]!)).toBeLessThan(0.03));
  });
  it('sharpens towards the likeliest index at a low temperature', () => {
    expect(draws(0.1)[1]).toBeGreaterThan(0.99);
  });
  it('flattens at a high temperature', () => {
    const f = draws(10);
    expect(Math.max(...f) - Math.min(...f)).toBeLessThan(0.1);
  });
  it('never picks an index of probability 0, and refuses an all-zero output', () => {
    expect(sampleIndex([0, 1, 0], 0.5, () => 0.999)).toBe(1);
    expect(() => sampleIndex([0, 0], 1, Math.random)).toThrow(/every probability left to draw is 0/);
  });

  it('never draws the ids it is told to skip (padding, unknown), however likely the model makes them', () => {
    const random = rng(9);
    for (let i = 0; i < 500; i++) expect([0, 1]).not.toContain(sampleIndex([0.6, 0.3, 0.05, 0.05], 2, random, [0, 1]));
    expect(() => sampleIndex([0.5, 0.5, 0], 1, Math.random, [0, 1])).toThrow(/every probability left to draw is 0/);
  });
});

describe('stratifiedSplit', () => {
  it('holds out the same fraction of each class, disjointly, the same way for the same seed', () => {
    const items = Array.from({ length: 40 }, (_, i) => ({ id: i, label: i < 28 ? 0 : 1 }));
    const a = stratifiedSplit(items, 0.25, 5);
    expect(a.test.filter((e) => e.label === 0)).toHaveLength(7);
    expect(a.test.filter((e) => e.label === 1)).toHaveLength(3);
    expect(new Set([...a.train, ...a.test].map((e) => e.id)).size).toBe(40);
    expect(stratifiedSplit(items, 0.25, 5).test.map((e) => e.id)).toEqual(a.test.map((e) => e.id));
    expect(stratifiedSplit(items, 0.25, 6).test.map((e) => e.id)).not.toEqual(a.test.map((e) => e.id));
  });
});
