/**
 * Chronological train/validation/test split: the first rows train, the next validate, the last test.
 * Never shuffled: a random split of a time series (train_test_split in the classic Keras stock tutorial)
 * puts tomorrow's prices in the training set and scores the model on days it has already seen around.
 */
import { ValueError } from '../errors';
import { isTensor } from '../tensor';
import { checkKnownOptions, describe } from './matrix';
import type { SeriesInput } from './matrix';

export interface SplitFractions {
  train?: number;
  validation?: number;
  test?: number;
}

/** Rows [start, end), half-open, in the order of the series. */
export interface RowRange {
  start: number;
  end: number;
}

export interface ChronologicalSplit {
  train: RowRange;
  validation: RowRange;
  test: RowRange;
  rows: number;
}

export const DEFAULT_SPLIT: Required<SplitFractions> = { train: 0.7, validation: 0.15, test: 0.15 };
const PARTS = ['train', 'validation', 'test'] as const;

/**
 * Index ranges for `nOrData` rows (a count, or the data itself). With a fractions object, parts it leaves out
 * are 0 ({ train: 0.8, test: 0.2 } has no validation part). Boundaries are rounded to the nearest row; a part
 * with a fraction above 0 must get at least one row.
 */
export function chronologicalSplit(nOrData: number | SeriesInput, fractions: SplitFractions = DEFAULT_SPLIT): ChronologicalSplit {
  const rows = rowCount(nOrData);
  checkKnownOptions(fractions, PARTS, 'chronologicalSplit');
  const f = PARTS.map((p) => fractions[p] ?? 0);
  PARTS.forEach((p, i) => {
    if (typeof f[i] !== 'number' || !Number.isFinite(f[i]) || f[i]! < 0 || f[i]! > 1) {
      throw new ValueError(`chronologicalSplit ${p} must be a fraction in [0, 1]; got ${describe(f[i])}`);
    }
  });
  const sum = f[0]! + f[1]! + f[2]!;
  if (Math.abs(sum - 1) > 1e-6) {
    throw new ValueError(
      `chronologicalSplit fractions must sum to 1; got train ${f[0]} + validation ${f[1]} + test ${f[2]} = ${+sum.toFixed(9)}. ` +
        'Give all three (a part left out counts as 0).',
    );
  }
  const trainEnd = Math.round(rows * f[0]!);
  const validationEnd = f[2] === 0 ? rows : Math.round(rows * (f[0]! + f[1]!));
  const split: ChronologicalSplit = {
    train: { start: 0, end: trainEnd },
    validation: { start: trainEnd, end: validationEnd },
    test: { start: validationEnd, end: rows },
    rows,
  };
  PARTS.forEach((p, i) => {
    if (f[i]! > 0 && split[p].end === split[p].start) {
      throw new ValueError(`chronologicalSplit: ${p} fraction ${f[i]} of ${rows} rows rounds to 0 rows; use more rows, a larger ${p} fraction, or set it to 0`);
    }
  });
  return split;
}

function rowCount(nOrData: number | SeriesInput): number {
  if (typeof nOrData === 'number') {
    if (!Number.isInteger(nOrData) || nOrData < 1) {
      throw new ValueError(`chronologicalSplit needs a row count that is an integer ≥ 1, or the data itself; got ${nOrData}`);
    }
    return nOrData;
  }
  if (isTensor(nOrData)) return nOrData.shape[0] ?? 0;
  if (Array.isArray(nOrData) || nOrData instanceof Float32Array || nOrData instanceof Float64Array) return nOrData.length;
  throw new ValueError(`chronologicalSplit needs a row count or the data (array, typed array, or { data, shape }); got ${describe(nOrData)}`);
}
