/** makeWindows and chronologicalSplit: exact sample layout, time order, and errors that name the fix. */
import { describe, expect, it } from 'vitest';
import { ShapeError, ValueError } from '../src/errors';
import { chronologicalSplit } from '../src/data/split';
import { makeWindows } from '../src/data/windows';

const series = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];

describe('makeWindows', () => {
  it('makes every window of one feature, y the next value', () => {
    const w = makeWindows(series, { window: 3 });
    expect(w.x.shape).toEqual([7, 3, 1]);
    expect(w.y.shape).toEqual([7, 1]);
    expect([...w.x.data.subarray(0, 6)]).toEqual([0, 1, 2, 1, 2, 3]);
    expect([...w.y.data]).toEqual([3, 4, 5, 6, 7, 8, 9]);
    expect([...w.targetIndex]).toEqual([3, 4, 5, 6, 7, 8, 9]);
  });

  it('predicts `horizon` future values and steps by `stride`', () => {
    const w = makeWindows(series, { window: 2, horizon: 3, stride: 2 });
    // starts 0, 2, 4 (a start at 6 would need targets up to row 10)
    expect(w.x.shape).toEqual([3, 2, 1]);
    expect([...w.x.data]).toEqual([0, 1, 2, 3, 4, 5]);
    expect([...w.y.data]).toEqual([2, 3, 4, 4, 5, 6, 6, 7, 8]);
    expect(w.y.shape).toEqual([3, 3]);
  });

  it('takes all features as inputs and y from targetColumn', () => {
    const rows = series.map((v) => [v, 100 + v]);
    const w = makeWindows(rows, { window: 2, targetColumn: 1 });
    expect(w.x.shape).toEqual([8, 2, 2]);
    expect([...w.x.data.subarray(0, 4)]).toEqual([0, 100, 1, 101]);
    expect([...w.y.data.subarray(0, 2)]).toEqual([102, 103]);
    const t = makeWindows({ data: Float32Array.from(rows.flat()), shape: [10, 2] }, { window: 9, targetColumn: 0 });
    expect(t.x.shape).toEqual([1, 9, 2]);
    expect([...t.y.data]).toEqual([9]);
  });

  it('makes exactly one window when rows = window + horizon', () => {
    expect(makeWindows(series, { window: 8, horizon: 2 }).x.shape).toEqual([1, 8, 1]);
  });

  it('explains a window and horizon that do not fit the series', () => {
    expect(() => makeWindows(series, { window: 10 })).toThrow(ShapeError);
    expect(() => makeWindows(series, { window: 10 })).toThrow(
      'makeWindows: window 10 + horizon 1 needs at least 11 rows; the series has 10. Use a shorter window or horizon, or a longer series.',
    );
  });

  it('refuses non-integer or missing sizes, a bad target column, and misspelt options', () => {
    expect(() => makeWindows(series, { window: 2.5 })).toThrow('makeWindows window must be an integer ≥ 1 (timesteps per input sample); got number 2.5');
    expect(() => makeWindows(series, {} as never)).toThrow('makeWindows window must be an integer ≥ 1 (timesteps per input sample); got undefined');
    expect(() => makeWindows(series, { window: 2, horizon: 0 })).toThrow(
      'makeWindows horizon must be an integer ≥ 1 (future values predicted per sample); got number 0',
    );
    expect(() => makeWindows(series, { window: 2, stride: -1 })).toThrow('makeWindows stride must be an integer ≥ 1');
    expect(() =>
      makeWindows(
        [
          [1, 2],
          [3, 4],
          [5, 6],
        ],
        { window: 1 },
      ),
    ).toThrow('makeWindows: the series has 2 features; pass targetColumn (0 to 1) to say which one y predicts');
    expect(() => makeWindows(series, { window: 2, targetColumn: 1 })).toThrow('makeWindows targetColumn must be below 1 (the series has 1 feature); got 1');
    expect(() => makeWindows(series, { window: 2, windowSize: 3 } as never)).toThrow(
      'makeWindows got unknown option windowSize; known options: window, horizon, targetColumn, stride',
    );
    expect(() => makeWindows(series, null as never)).toThrow(ValueError);
  });
});

describe('chronologicalSplit', () => {
  it('splits 70/15/15 in time order by default', () => {
    expect(chronologicalSplit(100)).toEqual({
      train: { start: 0, end: 70 },
      validation: { start: 70, end: 85 },
      test: { start: 85, end: 100 },
      rows: 100,
    });
  });

  it('takes the data itself, and treats parts left out as 0', () => {
    const s = chronologicalSplit(series, { train: 0.8, test: 0.2 });
    expect(s.train).toEqual({ start: 0, end: 8 });
    expect(s.validation).toEqual({ start: 8, end: 8 });
    expect(s.test).toEqual({ start: 8, end: 10 });
    expect(chronologicalSplit({ data: new Float32Array(20), shape: [10, 2] }, { train: 1 }).train).toEqual({ start: 0, end: 10 });
    expect(chronologicalSplit(Float32Array.of(1, 2, 3), { train: 2 / 3, validation: 1 / 3 }).validation).toEqual({ start: 2, end: 3 });
  });

  it('covers every row exactly once, contiguously, for awkward sizes', () => {
    for (const n of [7, 13, 101, 1280]) {
      const s = chronologicalSplit(n);
      expect(s.train.start).toBe(0);
      expect(s.validation.start).toBe(s.train.end);
      expect(s.test.start).toBe(s.validation.end);
      expect(s.test.end).toBe(n);
    }
  });

  it('refuses fractions that do not sum to 1, are out of range, or round to an empty part', () => {
    expect(() => chronologicalSplit(100, { train: 0.7, validation: 0.2 })).toThrow(
      'chronologicalSplit fractions must sum to 1; got train 0.7 + validation 0.2 + test 0 = 0.9. Give all three (a part left out counts as 0).',
    );
    expect(() => chronologicalSplit(100, { train: 1.5, test: -0.5 })).toThrow('chronologicalSplit train must be a fraction in [0, 1]; got number 1.5');
    expect(() => chronologicalSplit(5)).toThrow(
      'chronologicalSplit: validation fraction 0.15 of 5 rows rounds to 0 rows; use more rows, a larger validation fraction, or set it to 0',
    );
    expect(() => chronologicalSplit(2.5)).toThrow('chronologicalSplit needs a row count that is an integer ≥ 1, or the data itself; got 2.5');
    expect(() => chronologicalSplit('10' as never)).toThrow(ValueError);
    expect(() => chronologicalSplit(10, { train: 0.5, valid: 0.5 } as never)).toThrow(
      'chronologicalSplit got unknown option valid; known options: train, validation, test',
    );
  });
});
