/**
 * The leak-free forecasting recipe, end to end (what the classic Keras stock tutorial gets wrong):
 *
 *   1. Split the RAW series chronologically first (chronologicalSplit): train, then validation, then test rows.
 *   2. Fit the scaler on the training rows ONLY, so no statistic of a later row reaches training.
 *   3. Transform every part with those training statistics (values outside the training range are allowed to
 *      leave [0, 1]; that is the honest picture of a series that drifts).
 *   4. Build windows per part. Every target (the values a sample is scored on) lies inside its own part: a
 *      validation target is never a training row, a test target never a validation row.
 *
 * Inputs may look back across a boundary (`lookBack: true`, the default): the first validation sample's
 * input window is the last `window` rows of the training part. That is what deployment does, since forecasting
 * day t uses the observed days before t, and it leaks nothing: those rows are past observations, the scaler
 * never saw a validation or test row, and no scored target crosses into an earlier part. With
 * `lookBack: false` each part's windows use only that part's own rows (the first `window` rows of validation
 * and test then serve as inputs only, and each part needs at least window + horizon rows).
 */
import { ShapeError, ValueError } from '../errors';
import type { Tensor } from '../tensor';
import { checkKnownOptions, describe, sliceRows, toMatrix } from './matrix';
import type { SeriesInput } from './matrix';
import { MinMaxScaler, StandardScaler } from './scalers';
import { DEFAULT_SPLIT, chronologicalSplit } from './split';
import type { ChronologicalSplit, SplitFractions } from './split';
import { WINDOW_OPTIONS, resolveWindowOptions, windowRange } from './windows';
import type { WindowOptions, Windows } from './windows';

export interface PrepareSeriesOptions extends WindowOptions {
  /** Fractions of rows, in time order; { train: 0.7, validation: 0.15, test: 0.15 } by default. */
  split?: SplitFractions;
  /** 'minmax' (default, [0, 1]), 'standard', or an unfitted scaler instance to configure, e.g. a featureRange. */
  scaler?: 'minmax' | 'standard' | MinMaxScaler | StandardScaler;
  /** Let validation/test inputs use the previous part's last rows (default true; see the file header). */
  lookBack?: boolean;
}

export interface PreparedSeries {
  /** Fitted on the training rows only. Un-scale predictions with inverseTransform(pred, { column: targetColumn }). */
  scaler: MinMaxScaler | StandardScaler;
  split: ChronologicalSplit;
  targetColumn: number;
  train: Windows;
  validation: Windows;
  test: Windows;
}

const OPTIONS = [...WINDOW_OPTIONS, 'split', 'scaler', 'lookBack'];

export function prepareSeries(values: SeriesInput, options: PrepareSeriesOptions): PreparedSeries {
  const m = toMatrix(values, 'prepareSeries(values)');
  checkKnownOptions(options, OPTIONS, 'prepareSeries');
  const o = resolveWindowOptions(options, m.cols, 'prepareSeries');
  const split = chronologicalSplit(m.rows, options.split ?? DEFAULT_SPLIT);
  const lookBack = options.lookBack ?? true;
  if (typeof lookBack !== 'boolean') throw new ValueError(`prepareSeries lookBack must be true or false; got ${describe(lookBack)}`);

  const need = o.window + o.horizon;
  for (const part of ['train', 'validation', 'test'] as const) {
    const { start, end } = split[part];
    const rows = end - start;
    const min = part === 'train' || !lookBack ? need : o.horizon;
    if (rows > 0 && rows < min) {
      throw new ShapeError(
        `prepareSeries: the ${part} part has ${rows} rows (rows ${start} to ${end - 1}) but needs at least ${min} ` +
          `(${min === need ? `window ${o.window} + horizon ${o.horizon}` : `horizon ${o.horizon}`}) to make one sample. ` +
          `Use a larger ${part} fraction, a shorter window or horizon, or a longer series.`,
      );
    }
  }

  const scaler = makeScaler(options.scaler);
  // Float64 rows go straight to the scaler, so its statistics are those of the exact training values.
  const train = sliceRows(m, split.train.start, split.train.end);
  scaler.fit({ data: train.data, shape: [train.rows, train.cols] } as unknown as Tensor);
  const scaled = toMatrix(scaler.transform({ data: m.data, shape: [m.rows, m.cols] } as unknown as Tensor), 'scaled');

  const windows = (part: 'train' | 'validation' | 'test'): Windows => {
    const { start, end } = split[part];
    return windowRange(scaled, o, lookBack ? start : start + o.window, end);
  };
  return { scaler, split, targetColumn: o.targetColumn, train: windows('train'), validation: windows('validation'), test: windows('test') };
}

function makeScaler(choice: PrepareSeriesOptions['scaler']): MinMaxScaler | StandardScaler {
  if (choice === undefined || choice === 'minmax') return new MinMaxScaler();
  if (choice === 'standard') return new StandardScaler();
  if (choice instanceof MinMaxScaler || choice instanceof StandardScaler) {
    if (choice.nFeatures !== null) {
      throw new ValueError('prepareSeries scaler must be unfitted: it is fitted here on the training rows only. Pass a new MinMaxScaler/StandardScaler.');
    }
    return choice;
  }
  throw new ValueError(`prepareSeries scaler must be 'minmax', 'standard', or a MinMaxScaler/StandardScaler; got ${describe(choice)}`);
}
