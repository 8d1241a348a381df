/**
 * prepareSeries is the leak-free recipe: split the raw series first, fit the scaler on the training rows only,
 * and keep every target inside its own part. These tests check the properties, not just the shapes.
 */
import { describe, expect, it } from 'vitest';
import { ShapeError, ValueError } from '../src/errors';
import { prepareSeries } from '../src/data/prepare';
import { MinMaxScaler, StandardScaler } from '../src/data/scalers';
import type { Windows } from '../src/data/windows';

// A trending series whose largest values sit in the test part, so a scaler fitted on everything differs.
const values = Array.from({ length: 100 }, (_, i) => 10 + i + 3 * Math.sin(i));
const min = (a: number[]) => Math.min(...a);
const max = (a: number[]) => Math.max(...a);

describe('prepareSeries', () => {
  it('fits the scaler on the training rows only', () => {
    const p = prepareSeries(values, { window: 5 });
    const train = values.slice(p.split.train.start, p.split.train.end);
    const s = p.scaler as MinMaxScaler;
    expect(p.split.train).toEqual({ start: 0, end: 70 });
    expect(s.dataMin).toEqual([min(train)]);
    expect(s.dataMax).toEqual([max(train)]);
    expect(s.dataMax![0]).toBeLessThan(max(values)); // differs from the leaky fit on all rows
    // Test targets are later and higher: honestly scaled above 1, not squeezed into [0, 1].
    expect(max([...p.test.y.data])).toBeGreaterThan(1);
  });

  it('keeps every target inside its own part: none precedes the end of the previous part', () => {
    for (const horizon of [1, 4]) {
      const p = prepareSeries(values, { window: 6, horizon, stride: 1 });
      const check = (w: Windows, start: number, end: number) => {
        expect(w.targetIndex.length).toBeGreaterThan(0);
        for (const t of w.targetIndex) {
          expect(t).toBeGreaterThanOrEqual(start);
          expect(t + horizon - 1).toBeLessThan(end);
        }
      };
      check(p.train, 0, p.split.train.end);
      check(p.validation, p.split.train.end, p.split.validation.end);
      check(p.test, p.split.validation.end, p.split.test.end);
      expect(p.validation.targetIndex[0]).toBe(p.split.validation.start);
      expect(p.test.targetIndex[0]).toBe(p.split.test.start);
    }
  });

  it('builds y from the scaled series at targetIndex, and x from the window rows just before it', () => {
    const p = prepareSeries(values, { window: 4, horizon: 2 });
    const scaled = p.scaler.transform(values).data;
    for (const w of [p.train, p.validation, p.test]) {
      w.targetIndex.forEach((t, s) => {
        expect([...w.y.data.subarray(2 * s, 2 * s + 2)]).toEqual([scaled[t], scaled[t + 1]]);
        expect([...w.x.data.subarray(4 * s, 4 * s + 4)]).toEqual([...scaled.subarray(t - 4, t)]);
      });
    }
    // Training inputs never read a validation row.
    expect(max([...p.train.targetIndex]) + 2).toBeLessThanOrEqual(p.split.train.end);
  });

  it('lets validation inputs look back into the training tail, or not with lookBack: false', () => {
    const p = prepareSeries(values, { window: 5 });
    expect(p.validation.x.shape).toEqual([15, 5, 1]); // one sample per validation row
    const q = prepareSeries(values, { window: 5, lookBack: false });
    expect(q.validation.x.shape).toEqual([10, 5, 1]);
    expect(q.validation.targetIndex[0]).toBe(75);
    expect(q.train.x.shape).toEqual(p.train.x.shape);
  });

  it('handles several features and un-scales predictions of the target column', () => {
    const rows = values.map((v, i) => [i % 7, v]);
    const p = prepareSeries(rows, { window: 3, targetColumn: 1, scaler: 'standard' });
    expect(p.scaler).toBeInstanceOf(StandardScaler);
    expect(p.targetColumn).toBe(1);
    expect(p.train.x.shape).toEqual([67, 3, 2]);
    const back = p.scaler.inverseTransform(p.test.y.data, { column: 1 }).data;
    p.test.targetIndex.forEach((t, s) => expect(back[s]).toBeCloseTo(values[t]!, 3));
  });

  it('uses a configured unfitted scaler and a custom split', () => {
    const p = prepareSeries(values, { window: 5, split: { train: 0.8, test: 0.2 }, scaler: new MinMaxScaler({ featureRange: [-1, 1] }) });
    expect(p.validation.x.shape).toEqual([0, 5, 1]);
    expect(p.test.x.shape).toEqual([20, 5, 1]);
    expect(min([...p.train.x.data])).toBeCloseTo(-1, 5);
  });

  it('names the part that is too short for one sample', () => {
    expect(() => prepareSeries(values.slice(0, 20), { window: 14 })).toThrow(ShapeError);
    expect(() => prepareSeries(values.slice(0, 20), { window: 14 })).toThrow(
      'prepareSeries: the train part has 14 rows (rows 0 to 13) but needs at least 15 (window 14 + horizon 1) to make one sample. ' +
        'Use a larger train fraction, a shorter window or horizon, or a longer series.',
    );
    expect(() => prepareSeries(values.slice(0, 40), { window: 3, horizon: 7 })).toThrow(
      'prepareSeries: the validation part has 6 rows (rows 28 to 33) but needs at least 7 (horizon 7)',
    );
    expect(() => prepareSeries(values, { window: 20, lookBack: false })).toThrow(
      'the validation part has 15 rows (rows 70 to 84) but needs at least 21 (window 20 + horizon 1)',
    );
  });

  it('refuses a fitted scaler, an unknown scaler, and unknown options', () => {
    expect(() => prepareSeries(values, { window: 3, scaler: new MinMaxScaler().fit(values) })).toThrow(
      'prepareSeries scaler must be unfitted: it is fitted here on the training rows only.',
    );
    expect(() => prepareSeries(values, { window: 3, scaler: 'robust' as never })).toThrow(
      `prepareSeries scaler must be 'minmax', 'standard', or a MinMaxScaler/StandardScaler; got the string "robust"`,
    );
    expect(() => prepareSeries(values, { window: 3, shuffle: true } as never)).toThrow('prepareSeries got unknown option shuffle');
    expect(() => prepareSeries(values, { window: 3, lookBack: 'yes' } as never)).toThrow(ValueError);
    expect(() => prepareSeries(values, { window: 0 })).toThrow('prepareSeries window must be an integer ≥ 1');
  });
});
