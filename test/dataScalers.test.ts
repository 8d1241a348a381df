/** Scalers match scikit-learn's per-column semantics, refuse misuse with named errors, and round-trip through JSON. */
import { describe, expect, it } from 'vitest';
import { ModelFormatError, ShapeError, ValueError } from '../src/errors';
import { MinMaxScaler, StandardScaler, scalerFromJSON } from '../src/data/scalers';

const rows = [
  [1, 10, 5],
  [3, 20, 5],
  [5, 40, 5],
];
const close = (actual: Float32Array, expected: number[], digits = 5) => {
  expect(actual.length).toBe(expected.length);
  expected.forEach((e, i) => expect(actual[i]).toBeCloseTo(e, digits));
};

describe('MinMaxScaler', () => {
  it('scales each column to [0, 1] and maps a constant column to featureRange[0], as sklearn does', () => {
    const out = new MinMaxScaler().fitTransform(rows);
    expect(out.shape).toEqual([3, 3]);
    close(out.data, [0, 0, 0, 0.5, 1 / 3, 0, 1, 1, 0]);
  });

  it('honours featureRange and keeps out-of-range values linear (no clipping)', () => {
    const s = new MinMaxScaler({ featureRange: [-1, 1] }).fit([0, 10]);
    const out = s.transform([0, 5, 10, 20]);
    expect(out.shape).toEqual([4]);
    close(out.data, [-1, 0, 1, 3]);
    expect(s.dataMin).toEqual([0]);
    expect(s.dataMax).toEqual([10]);
  });

  it('inverts transform, including constant columns, for arrays, typed arrays and tensors', () => {
    const s = new MinMaxScaler().fit(rows);
    const back = s.inverseTransform(s.transform({ data: Float32Array.from(rows.flat()), shape: [3, 3] }));
    close(back.data, rows.flat(), 4);
    const single = new MinMaxScaler().fit(Float32Array.of(2, 4, 8));
    close(single.inverseTransform(single.transform(Float32Array.of(3, 9))).data, [3, 9]);
  });

  it('un-scales one column of a multi-feature scaler with { column }', () => {
    const s = new MinMaxScaler().fit(rows);
    const back = s.inverseTransform([0, 0.5, 1], { column: 1 });
    expect(back.shape).toEqual([3]);
    close(back.data, [10, 25, 40]);
    expect(s.inverseTransform({ data: Float32Array.of(1), shape: [1, 1] }, { column: 2 }).shape).toEqual([1, 1]);
    expect(() => s.inverseTransform([[0, 1]], { column: 1 })).toThrow(
      'MinMaxScaler.inverseTransform with { column: 1 } expects one column of values ([rows] or [rows, 1]); got 2 features. Drop the column option to un-scale all 3 features.',
    );
    expect(() => s.inverseTransform([0], { column: 3 })).toThrow(
      'MinMaxScaler.inverseTransform options.column must be below 3 (the scaler has 3 features); got 3',
    );
    expect(() => s.inverseTransform([0], { column: 1.5 })).toThrow(ValueError);
  });

  it('refuses to run before fit, naming the fix', () => {
    const s = new MinMaxScaler();
    expect(() => s.transform([1])).toThrow(ValueError);
    expect(() => s.transform([1])).toThrow('MinMaxScaler is not fitted yet: call fit(trainRows) or fitTransform(trainRows) before transform()');
    expect(() => s.inverseTransform([1], { column: 0 })).toThrow('before inverseTransform()');
  });

  it('refuses data with a different number of features, naming expected and received', () => {
    const s = new MinMaxScaler().fit(rows);
    expect(() => s.transform([[1, 2]])).toThrow(ShapeError);
    expect(() => s.transform([[1, 2]])).toThrow(
      'MinMaxScaler.transform expects 3 features (columns), as at fit time; got 2 (shape [1, 2]). Pass the same columns in the same order, or use { column: k } to un-scale one column.',
    );
    expect(() => new MinMaxScaler().fit([1, 2]).transform([[1, 2]])).toThrow('expects 1 feature (columns), as at fit time; got 2');
  });

  it('refuses a bad featureRange, empty data, ragged rows and non-finite values', () => {
    expect(() => new MinMaxScaler({ featureRange: [1, 0] })).toThrow(
      'MinMaxScaler featureRange must be [min, max] with finite min < max; got an array of length 2 [1, 0]',
    );
    expect(() => new MinMaxScaler().fit([])).toThrow('MinMaxScaler.fit(data) needs at least one row; got shape [0, 1]');
    expect(() => new MinMaxScaler().fit([[1, 2], [3]])).toThrow(
      'MinMaxScaler.fit(data) is ragged: MinMaxScaler.fit(data)[1] has 1 entries where 2 were expected',
    );
    expect(() => new MinMaxScaler().fit([1, Number.NaN])).toThrow('MinMaxScaler.fit(data) must hold finite numbers; MinMaxScaler.fit(data)[1] is NaN');
    expect(() =>
      new MinMaxScaler().fit([
        [1, 2],
        [3, Infinity],
      ]),
    ).toThrow('[1][1] is Infinity');
    expect(() => new MinMaxScaler().fit(['1'] as never)).toThrow('MinMaxScaler.fit(data)[0] must be a number; got the string "1"');
    expect(() => new MinMaxScaler().fit({ data: new Float32Array(6), shape: [1, 2, 3] })).toThrow('must be [rows] or [rows, features]; got shape [1, 2, 3]');
    expect(() => new MinMaxScaler().fit({ data: new Float32Array(5), shape: [2, 3] })).toThrow('shape [2, 3] holds 6 values; data has 5');
  });

  it('round-trips through JSON exactly, fitted or not', () => {
    const s = new MinMaxScaler({ featureRange: [-1, 1] }).fit([
      [0.1, 7],
      [0.7, 9],
    ]);
    const copy = MinMaxScaler.fromJSON(JSON.parse(JSON.stringify(s)));
    expect(copy.toJSON()).toEqual(s.toJSON());
    expect([...copy.transform([[0.3, 8]]).data]).toEqual([...s.transform([[0.3, 8]]).data]);
    expect(scalerFromJSON(s.toJSON())).toBeInstanceOf(MinMaxScaler);
    const blank = MinMaxScaler.fromJSON(new MinMaxScaler().toJSON());
    expect(blank.nFeatures).toBeNull();
  });
});

describe('StandardScaler', () => {
  it('uses the population standard deviation (ddof = 0) per column', () => {
    const s = new StandardScaler().fit(rows);
    expect(s.mean).toEqual([3, 70 / 3, 5]);
    expect(s.std![0]).toBeCloseTo(Math.sqrt(8 / 3), 12);
    expect(s.std![2]).toBe(0);
    const out = s.transform(rows);
    close(out.data, [-1.224745, -1.069045, 0, 0, -0.267261, 0, 1.224745, 1.336306, 0]);
  });

  it('treats a constant column of inexact decimals as constant (scale 1, output exactly 0)', () => {
    const s = new StandardScaler().fit([0.1, 0.1, 0.1]);
    expect(s.std).toEqual([0]);
    expect([...s.transform([0.1, 0.1]).data]).toEqual([0, 0]);
    close(s.inverseTransform([0, 1]).data, [0.1, 1.1]);
  });

  it('inverts, un-scales one column, and names errors like MinMaxScaler', () => {
    const s = new StandardScaler().fit(rows);
    close(s.inverseTransform(s.fitTransform(rows)).data, rows.flat(), 4);
    close(s.inverseTransform([0, 1], { column: 0 }).data, [3, 3 + Math.sqrt(8 / 3)]);
    expect(() => new StandardScaler().transform([1])).toThrow('StandardScaler is not fitted yet');
    expect(() => s.transform([1, 2])).toThrow('StandardScaler.transform expects 3 features (columns), as at fit time; got 1 (shape [2])');
  });

  it('round-trips through JSON and rejects corrupt JSON', () => {
    const s = new StandardScaler().fit([
      [1, 2],
      [4, 8],
      [9, 1],
    ]);
    const copy = scalerFromJSON(JSON.parse(JSON.stringify(s)));
    expect(copy).toBeInstanceOf(StandardScaler);
    expect([...copy.transform([[2, 3]]).data]).toEqual([...s.transform([[2, 3]]).data]);
    expect(() => StandardScaler.fromJSON({ className: 'StandardScaler', mean: [1], std: [-1] })).toThrow('std must be ≥ 0');
    expect(() => StandardScaler.fromJSON({ className: 'StandardScaler', mean: [1, 2], std: [1] })).toThrow(
      'StandardScaler JSON: mean and std must both be null (unfitted) or finite number arrays of the same length ≥ 1; got an array of length 2 and an array of length 1',
    );
    expect(() => StandardScaler.fromJSON({ className: 'MinMaxScaler' })).toThrow(
      'StandardScaler.fromJSON expects className "StandardScaler"; got the string "MinMaxScaler"',
    );
    expect(() => MinMaxScaler.fromJSON({ className: 'MinMaxScaler', featureRange: [0, 1], dataMin: [2], dataMax: [1] })).toThrow('dataMin exceeds dataMax');
    expect(() => MinMaxScaler.fromJSON({ className: 'MinMaxScaler', featureRange: [1, 1], dataMin: null, dataMax: null })).toThrow(ModelFormatError);
    expect(() => scalerFromJSON({ className: 'RobustScaler' })).toThrow(
      'scaler JSON must have className "MinMaxScaler" or "StandardScaler"; got the string "RobustScaler"',
    );
    expect(() => scalerFromJSON(null)).toThrow(ModelFormatError);
  });
});
