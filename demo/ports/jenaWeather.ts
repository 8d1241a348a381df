/**
 * A worked port: tfjs-examples' jena-weather (its RNN models, models.js, and their batches, data.js) as webrnn
 * code, on the Seattle weather of vega-datasets (daily rows; the Jena archive is a download, and webrnn's code
 * never fetches data at run time). The functions keep the example's names and arguments so the two read side by
 * side; docs/porting/jena-weather.md walks through what changed and why, and bench/ports/ times it against TF.js.
 *
 * The task is the example's: from `lookBack` rows of weather (every `step`-th row), predict the temperature
 * `delay` rows after the window's last row, scored by mean absolute error, against the common-sense baseline
 * "tomorrow is as warm as today". One change of substance, in the example's own spirit: the features are
 * normalized with the training rows' mean and deviation only (the example used every row, the founding brief's
 * flaw of a scaler that has seen the validation data). The batches come from a plain generator where the example
 * wraps its own in tf.data.generator: fitDataset takes any iterable of { xs, ys }.
 */
import { StandardScaler, layers, parseCsv, sequential, stackColumns, type Callback, type Runtime, type Sequential, type Tensor } from '../../src/index';
import { seededRandom } from '../../src/layers/initializers';

/** The columns read from seattle-weather.csv, and the one predicted. */
export const FEATURES = ['precipitation', 'temp_max', 'temp_min', 'wind'] as const;
export const TARGET = 'temp_max';

/** Rows [minRow, maxRow) of the series, as the example's TRAIN_MIN_ROW … VAL_MAX_ROW constants split Jena's. */
export interface RowRange {
  minRow: number;
  maxRow: number;
}

export class WeatherData {
  readonly rows: number;
  readonly numFeatures = FEATURES.length;
  /** Row-major [rows, numFeatures], normalized with the training rows' statistics. */
  readonly normalized: Float32Array;
  readonly mean: number[];
  readonly std: number[];
  readonly train: RowRange;
  readonly val: RowRange;
  private readonly targetCol = FEATURES.indexOf(TARGET);

  /** `trainFraction` of the rows, oldest first, train; the rest validate. */
  constructor(csvText: string, trainFraction = 0.7) {
    const table = parseCsv(csvText, { columns: [...FEATURES], dateColumn: 'date' });
    this.rows = table.rows;
    this.train = { minRow: 0, maxRow: Math.floor(this.rows * trainFraction) };
    this.val = { minRow: this.train.maxRow, maxRow: this.rows };
    const all = stackColumns(FEATURES.map((name) => table.columns[name]!));
    const f = this.numFeatures;
    const scaler = new StandardScaler().fit({ data: all.data.subarray(0, this.train.maxRow * f), shape: [this.train.maxRow, f] });
    this.normalized = scaler.transform(all).data;
    this.mean = scaler.mean!;
    this.std = scaler.std!;
  }

  /** The target temperature in degrees from a normalized value (an MAE converts by the same factor). */
  get targetStd(): number {
    return this.std[this.targetCol]!;
  }

  /**
   * The windows ending at `ends` (exclusive row indices): xs [n, floor(lookBack / step), numFeatures], ys [n, 1],
   * the normalized target `delay` rows after each window's last row.
   */
  windows(ends: number[], lookBack: number, delay: number, step: number): { xs: Tensor; ys: Tensor } {
    const slices = Math.floor(lookBack / step);
    const f = this.numFeatures;
    const xs = new Float32Array(ends.length * slices * f);
    const ys = new Float32Array(ends.length);
    ends.forEach((end, i) => {
      const first = end - slices * step;
      for (let s = 0; s < slices; s++) xs.set(this.normalized.subarray((first + s * step) * f, (first + s * step + 1) * f), (i * slices + s) * f);
      ys[i] = this.normalized[(end - step + delay) * f + this.targetCol]!;
    });
    return { xs: { data: xs, shape: [ends.length, slices, f] }, ys: { data: ys, shape: [ends.length, 1] } };
  }

  /** Every window that fits in `range` (its target included), in time order: the example's unshuffled generator. */
  allWindowEnds(range: RowRange, lookBack: number, delay: number, step: number): number[] {
    const ends: number[] = [];
    for (let end = range.minRow + lookBack; end - step + delay < range.maxRow; end++) ends.push(end);
    return ends;
  }

  /** `count` window ends drawn at random from `range`: the example's shuffled generator. */
  randomWindowEnds(range: RowRange, lookBack: number, delay: number, step: number, count: number, random: () => number): number[] {
    const all = this.allWindowEnds(range, lookBack, delay, step);
    return Array.from({ length: count }, () => all[Math.floor(random() * all.length)]!);
  }

  /** The example's getBaselineMeanAbsoluteError: predict the target as its value in the window's last row. */
  baselineMeanAbsoluteError(range: RowRange, lookBack: number, delay: number, step: number): number {
    const ends = this.allWindowEnds(range, lookBack, delay, step);
    const f = this.numFeatures;
    const total = ends.reduce((sum, end) => {
      const last = this.normalized[(end - step) * f + this.targetCol]!;
      return sum + Math.abs(this.normalized[(end - step + delay) * f + this.targetCol]! - last);
    }, 0);
    return total / ends.length;
  }
}

/**
 * The example's RNN models ('simpleRNN', 'gru': 32 units and a Dense(1)), compiled as it compiles them. `seed` fixes
 * the initial weights (the example leaves them random; tests pin them so a run is repeatable).
 */
export function buildModel(rt: Runtime, modelType: 'simpleRNN' | 'gru', numTimeSteps: number, numFeatures: number, seed?: number): Sequential {
  const inputShape = [numTimeSteps, numFeatures];
  const model = sequential(rt, { seed });
  if (modelType === 'simpleRNN') model.add(layers.simpleRNN({ units: 32, inputShape }));
  else if (modelType === 'gru') model.add(layers.gru({ units: 32, inputShape }));
  else throw new Error(`Unsupported model type: ${String(modelType)}`);
  model.add(layers.dense({ units: 1 }));
  model.compile({ loss: 'meanAbsoluteError', optimizer: 'rmsprop' });
  return model;
}

/**
 * The example's trainModel, with fitDataset as the example uses it: an endless stream of random training batches
 * (the example's shuffled generator), batchesPerEpoch of them per epoch, and the validation rows' windows in
 * order, batch by batch, after every epoch. Returns the history (loss and val_loss per epoch, normalized units).
 */
export async function trainModel(
  model: Sequential,
  data: WeatherData,
  lookBack: number,
  step: number,
  delay: number,
  batchSize: number,
  epochs: number,
  batchesPerEpoch: number,
  callbacks?: Callback[],
  seed = 1,
): Promise<{ loss: number[]; val_loss: number[] }> {
  const random = seededRandom(seed);
  function* trainBatches() {
    for (;;) yield data.windows(data.randomWindowEnds(data.train, lookBack, delay, step, batchSize, random), lookBack, delay, step);
  }
  const valEnds = data.allWindowEnds(data.val, lookBack, delay, step);
  const valBatches = Array.from({ length: Math.ceil(valEnds.length / batchSize) }, (_, i) =>
    data.windows(valEnds.slice(i * batchSize, (i + 1) * batchSize), lookBack, delay, step),
  );
  const h = await model.fitDataset(trainBatches(), { epochs, batchesPerEpoch, validationData: valBatches, callbacks });
  return { loss: h.history.loss!, val_loss: h.history.val_loss! };
}
