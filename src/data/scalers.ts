/**
 * Per-feature (per-column) scalers with scikit-learn's semantics. Fit them on the TRAINING rows only
 * (prepareSeries does this for you): fitting on the whole series, as the classic Keras stock tutorial does,
 * leaks the future's min/max into the inputs the model trains on.
 *
 * Statistics are kept in float64 and serialised as plain numbers, so toJSON/fromJSON round-trips exactly.
 * A constant column (max = min, or zero variance) gets scale 1, as sklearn's `_handle_zeros_in_scale` does:
 * MinMaxScaler maps it to featureRange[0], StandardScaler to 0, and inverseTransform restores it exactly.
 */
import { ModelFormatError, ShapeError, ValueError, formatShape } from '../errors';
import type { Tensor } from '../tensor';
import { checkInteger, describe, toMatrix, toOutput } from './matrix';
import type { Matrix, SeriesInput } from './matrix';

export interface InverseTransformOptions {
  /** Un-scale values of this one column only (e.g. a model's predictions of the target column). */
  column?: number;
}

export interface MinMaxScalerOptions {
  /** The range each feature is mapped to; [0, 1] by default. */
  featureRange?: [number, number];
}

export interface MinMaxScalerJSON {
  className: 'MinMaxScaler';
  featureRange: [number, number];
  dataMin: number[] | null;
  dataMax: number[] | null;
}

export interface StandardScalerJSON {
  className: 'StandardScaler';
  mean: number[] | null;
  std: number[] | null;
}

export type ScalerJSON = MinMaxScalerJSON | StandardScalerJSON;

/** Shared fit/transform plumbing; subclasses say how a column maps: y = x·scale + offset. */
abstract class Scaler {
  protected abstract readonly className: string;
  protected scales: number[] | null = null;
  protected offsets: number[] | null = null;

  /** Number of features the scaler was fitted on, or null before fit. */
  get nFeatures(): number | null {
    return this.scales ? this.scales.length : null;
  }

  /** y = x·scale + offset per feature, as transform applies it (for code that scales row by row: csvWindows). */
  coefficients(): { scale: readonly number[]; offset: readonly number[] } {
    this.requireFitted('coefficients');
    return { scale: this.scales!, offset: this.offsets! };
  }

  fit(data: SeriesInput): this {
    const m = toMatrix(data, `${this.className}.fit(data)`);
    if (m.rows === 0) throw new ValueError(`${this.className}.fit(data) needs at least one row; got shape [0, ${m.cols}]`);
    this.fitMatrix(m);
    return this;
  }

  transform(data: SeriesInput): Tensor {
    const m = this.checked(data, 'transform');
    const [scale, offset] = [this.scales!, this.offsets!];
    const out = new Float64Array(m.data.length);
    for (let i = 0; i < out.length; i++) out[i] = m.data[i]! * scale[i % m.cols]! + offset[i % m.cols]!;
    return toOutput(out, m.rows, m.cols, m.rank);
  }

  fitTransform(data: SeriesInput): Tensor {
    return this.fit(data).transform(data);
  }

  /**
   * Maps scaled values back to the original units. With `{ column: k }` the input is one column of values
   * (any length, flat or [rows, 1]) un-scaled with column k's statistics: a forecaster predicts the target
   * column only, and this avoids padding predictions back out to all features.
   */
  inverseTransform(data: SeriesInput, options: InverseTransformOptions = {}): Tensor {
    if (options.column === undefined) {
      const m = this.checked(data, 'inverseTransform');
      const out = new Float64Array(m.data.length);
      for (let i = 0; i < out.length; i++) out[i] = (m.data[i]! - this.offsets![i % m.cols]!) / this.scales![i % m.cols]!;
      return toOutput(out, m.rows, m.cols, m.rank);
    }
    const n = this.requireFitted('inverseTransform');
    const k = checkInteger(options.column, `${this.className}.inverseTransform options.column`, 0, `a feature index below ${n}`);
    if (k >= n) {
      throw new ValueError(`${this.className}.inverseTransform options.column must be below ${n} (the scaler has ${n} features); got ${k}`);
    }
    const m = toMatrix(data, `${this.className}.inverseTransform(data)`);
    if (m.cols !== 1) {
      throw new ShapeError(
        `${this.className}.inverseTransform with { column: ${k} } expects one column of values ([rows] or [rows, 1]); ` +
          `got ${m.cols} features. Drop the column option to un-scale all ${n} features.`,
      );
    }
    const out = m.data.map((v) => (v - this.offsets![k]!) / this.scales![k]!);
    return toOutput(out, m.rows, 1, m.rank);
  }

  protected abstract fitMatrix(m: Matrix): void;

  private requireFitted(method: string): number {
    if (!this.scales) {
      throw new ValueError(
        `${this.className} is not fitted yet: call fit(trainRows) or fitTransform(trainRows) before ${method}() ` +
          '(fit on the training part only, e.g. through prepareSeries)',
      );
    }
    return this.scales.length;
  }

  private checked(data: SeriesInput, method: string): Matrix {
    const n = this.requireFitted(method);
    const m = toMatrix(data, `${this.className}.${method}(data)`);
    if (m.cols !== n) {
      const shape = m.rank === 1 ? formatShape([m.rows]) : formatShape([m.rows, m.cols]);
      throw new ShapeError(
        `${this.className}.${method} expects ${n} feature${n === 1 ? '' : 's'} (columns), as at fit time; got ${m.cols} ` +
          `(shape ${shape}). Pass the same columns in the same order${n > 1 ? ', or use { column: k } to un-scale one column' : ''}.`,
      );
    }
    return m;
  }
}

/** Per-column min and max, in one pass. */
function columnExtremes(m: Matrix): { min: number[]; max: number[] } {
  const min = new Array<number>(m.cols).fill(Infinity);
  const max = new Array<number>(m.cols).fill(-Infinity);
  for (let i = 0; i < m.data.length; i++) {
    const c = i % m.cols;
    min[c] = Math.min(min[c]!, m.data[i]!);
    max[c] = Math.max(max[c]!, m.data[i]!);
  }
  return { min, max };
}

/** Scales each feature to `featureRange` (default [0, 1]) using the min and max seen at fit time. */
export class MinMaxScaler extends Scaler {
  protected readonly className = 'MinMaxScaler';
  readonly featureRange: [number, number];
  /** Per-feature minimum and maximum of the fitted data (null before fit). */
  dataMin: number[] | null = null;
  dataMax: number[] | null = null;

  constructor(options: MinMaxScalerOptions = {}) {
    super();
    const range = options.featureRange ?? [0, 1];
    if (!Array.isArray(range) || range.length !== 2 || !range.every(Number.isFinite) || !(range[0] < range[1])) {
      throw new ValueError(
        `MinMaxScaler featureRange must be [min, max] with finite min < max; got ${describe(range)}${Array.isArray(range) ? ` [${range.join(', ')}]` : ''}`,
      );
    }
    this.featureRange = [range[0], range[1]];
  }

  protected fitMatrix(m: Matrix): void {
    const { min, max } = columnExtremes(m);
    this.setStats(min, max);
  }

  private setStats(min: number[], max: number[]): void {
    const [lo, hi] = this.featureRange;
    this.dataMin = min;
    this.dataMax = max;
    this.scales = min.map((mn, c) => (hi - lo) / (max[c]! - mn === 0 ? 1 : max[c]! - mn));
    this.offsets = min.map((mn, c) => lo - mn * this.scales![c]!);
  }

  toJSON(): MinMaxScalerJSON {
    return {
      className: 'MinMaxScaler',
      featureRange: [...this.featureRange],
      dataMin: this.dataMin && [...this.dataMin],
      dataMax: this.dataMax && [...this.dataMax],
    };
  }

  static fromJSON(json: unknown): MinMaxScaler {
    const j = checkJSON(json, 'MinMaxScaler', ['dataMin', 'dataMax']) as unknown as MinMaxScalerJSON;
    let scaler: MinMaxScaler;
    try {
      scaler = new MinMaxScaler({ featureRange: j.featureRange });
    } catch (e) {
      throw new ModelFormatError(`MinMaxScaler JSON: ${(e as Error).message}`);
    }
    if (j.dataMin && j.dataMax) {
      if (j.dataMin.some((mn, c) => mn > j.dataMax![c]!))
        throw new ModelFormatError('MinMaxScaler JSON: dataMin exceeds dataMax in some column; the file is corrupt');
      scaler.setStats([...j.dataMin], [...j.dataMax]);
    }
    return scaler;
  }
}

/** Centres each feature to mean 0 and scales it to unit (population, ddof = 0) standard deviation, like sklearn. */
export class StandardScaler extends Scaler {
  protected readonly className = 'StandardScaler';
  mean: number[] | null = null;
  std: number[] | null = null;

  protected fitMatrix(m: Matrix): void {
    const { min, max } = columnExtremes(m);
    const mean = new Array<number>(m.cols).fill(0);
    for (let i = 0; i < m.data.length; i++) mean[i % m.cols]! += m.data[i]!;
    for (let c = 0; c < m.cols; c++) mean[c] = min[c] === max[c] ? min[c]! : mean[c]! / m.rows; // exact for constants
    const sq = new Array<number>(m.cols).fill(0);
    for (let i = 0; i < m.data.length; i++) sq[i % m.cols]! += (m.data[i]! - mean[i % m.cols]!) ** 2;
    // A constant column is detected from min = max, not var = 0: rounding makes var tiny but nonzero.
    this.setStats(
      mean,
      sq.map((s, c) => (min[c] === max[c] ? 0 : Math.sqrt(s / m.rows))),
    );
  }

  private setStats(mean: number[], std: number[]): void {
    this.mean = mean;
    this.std = std;
    this.scales = std.map((s) => 1 / (s === 0 ? 1 : s));
    this.offsets = mean.map((mu, c) => -mu * this.scales![c]!);
  }

  toJSON(): StandardScalerJSON {
    return { className: 'StandardScaler', mean: this.mean && [...this.mean], std: this.std && [...this.std] };
  }

  static fromJSON(json: unknown): StandardScaler {
    const j = checkJSON(json, 'StandardScaler', ['mean', 'std']) as unknown as StandardScalerJSON;
    const scaler = new StandardScaler();
    if (j.mean && j.std) {
      if (j.std.some((s) => s < 0)) throw new ModelFormatError('StandardScaler JSON: std must be ≥ 0 in every column; the file is corrupt');
      scaler.setStats([...j.mean], [...j.std]);
    }
    return scaler;
  }
}

/** Rebuilds whichever scaler `json` describes (its `className`), e.g. from a model's saved metadata. */
export function scalerFromJSON(json: unknown): MinMaxScaler | StandardScaler {
  const name = (json as { className?: unknown } | null)?.className;
  if (name === 'MinMaxScaler') return MinMaxScaler.fromJSON(json);
  if (name === 'StandardScaler') return StandardScaler.fromJSON(json);
  throw new ModelFormatError(`scaler JSON must have className "MinMaxScaler" or "StandardScaler"; got ${describe(name)}`);
}

/** Both statistics arrays null (unfitted), or both finite number arrays of one length ≥ 1. */
function checkJSON(json: unknown, className: string, keys: [string, string]): Record<string, unknown> {
  if (typeof json !== 'object' || json === null) throw new ModelFormatError(`${className} JSON must be an object; got ${describe(json)}`);
  const j = json as Record<string, unknown>;
  if (j.className !== className) throw new ModelFormatError(`${className}.fromJSON expects className "${className}"; got ${describe(j.className)}`);
  const [a, b] = keys.map((k) => j[k]);
  if (a === null && b === null) return j;
  const ok = (v: unknown) => Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'number' && Number.isFinite(x));
  if (!ok(a) || !ok(b) || (a as number[]).length !== (b as number[]).length) {
    throw new ModelFormatError(
      `${className} JSON: ${keys[0]} and ${keys[1]} must both be null (unfitted) or finite number arrays of the same length ≥ 1; ` +
        `got ${describe(a)} and ${describe(b)}`,
    );
  }
  return j;
}
