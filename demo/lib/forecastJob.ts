/**
 * The stock-tutorial job done without its leaks, shared by `npm start` (demo/cli) and the Forecast page:
 * split the series in time first, fit the scaler on the training rows only (prepareSeries), train the
 * tutorial's LSTM(units, relu) + Dense(1) with Adam and MSE, score the held-out test part against the naive
 * last-value forecast, then forecast `horizon` steps past the end by feeding each prediction back in.
 *
 * target 'level' is the tutorial: the model sees and predicts the values themselves. target 'change' feeds it
 * the day-to-day differences instead (standard-scaled) and adds the predicted difference to the last value;
 * differences of a drifting series stay in the range the training part showed, levels do not.
 */
import { callbacks, layers, prepareSeries, sequential, type Logs, type Runtime, type Sequential, type Windows } from '../../src/index';
import { errorsOf, type ErrorPair } from './metrics';
import { futureTimes } from './time';
import { trainingClock, type TrainingSpeed } from './speed';

export interface ForecastInput {
  /** The series, oldest first. */
  values: ArrayLike<number>;
  /** Epoch milliseconds per value, or null to plot against the row number. */
  times: number[] | null;
  window: number;
  epochs: number;
  units: number;
  horizon: number;
  batchSize: number;
  seed: number;
  /** Epochs without a better val_loss before training stops (the best weights are restored); 0 never stops. */
  patience: number;
  target: ForecastTarget;
}

export type ForecastTarget = 'level' | 'change';
export const FORECAST_TARGETS: readonly ForecastTarget[] = ['level', 'change'];

export interface EpochReport extends TrainingSpeed {
  epoch: number;
  epochs: number;
  loss: number;
  valLoss: number;
}

/** Where training is within an epoch, from onBatchProgress (no readback): 1-based, as the reports count. */
export interface BatchReport {
  epoch: number;
  epochs: number;
  batch: number;
  batches: number;
}

export interface ForecastResult {
  rows: number;
  split: { train: number; validation: number; test: number };
  windows: { train: number; validation: number; test: number };
  history: { loss: number[]; valLoss: number[] };
  /** Set when early stopping fired: the last epoch run, and the epoch whose weights were restored. */
  stoppedEarly: { epoch: number; bestEpoch: number } | null;
  /** Lowest and highest modelled value (level or change) of the train and the test rows: outside the training range the model extrapolates. */
  ranges: { train: [number, number]; test: [number, number] };
  /** Errors on the test part, in the series' units: the model vs tomorrow = today. */
  test: { model: ErrorPair; naive: ErrorPair };
  /** One-step-ahead predictions, in the series' units, at row `index` of the series (train, validation, test). */
  predicted: { index: number[]; value: number[]; part: ('train' | 'validation' | 'test')[] };
  forecast: { times: number[] | null; value: number[] };
  speed: TrainingSpeed;
}

/** What the tutorial's model is made of: the window it reads, its LSTM units, the weights' seed. */
export interface ForecastModelSpec {
  window: number;
  units: number;
  seed: number;
}

/** The tutorial's model: LSTM(units, relu) + Dense(1), Adam, mean squared error. */
export function forecastModel(rt: Runtime, spec: ForecastModelSpec): Sequential {
  const model = sequential(rt, { seed: spec.seed });
  model.add(layers.lstm({ units: spec.units, activation: 'relu', inputShape: [spec.window, 1] }));
  model.add(layers.dense({ units: 1 }));
  model.compile({ optimizer: 'adam', loss: 'mse' });
  return model;
}

/**
 * What the job asks of its model: a Sequential from forecastModel (npm start), or a RemoteModel whose worker
 * serves forecastModel (the Forecast page, which trains off its main thread).
 */
export type ForecastModel = Pick<Sequential, 'fit' | 'predict' | 'dispose'>;

export async function runForecastJob(
  openModel: (spec: ForecastModelSpec) => ForecastModel | Promise<ForecastModel>,
  input: ForecastInput,
  onEpoch?: (r: EpochReport) => void,
  onBatch?: (r: BatchReport) => void,
): Promise<ForecastResult> {
  const values = Float64Array.from(input.values);
  const change = input.target === 'change';
  // Row j of the modelled series is row j + shift of `values`; a prediction is base(row) + the unscaled output.
  const modelled = change ? values.subarray(1).map((v, j) => v - values[j]!) : values;
  const shift = change ? 1 : 0;
  const base = (row: number) => (change ? values[row - 1]! : 0);
  // Steps 1-3 of the leak-free recipe happen inside prepareSeries: split by time, fit on train, window per part.
  const prepared = prepareSeries(modelled, {
    window: input.window,
    split: { train: 0.7, validation: 0.15, test: 0.15 },
    scaler: change ? 'standard' : 'minmax',
  });
  const { train, validation, test, scaler } = prepared;

  const model = await openModel({ window: input.window, units: input.units, seed: input.seed });
  try {
    const stepsPerEpoch = Math.ceil(train.x.shape[0]! / input.batchSize);
    const clock = trainingClock(stepsPerEpoch);
    let current = 0;
    const stopper = input.patience > 0 ? callbacks.earlyStopping({ monitor: 'val_loss', patience: input.patience, restoreBestWeights: true }) : null;
    const history = await model.fit(train.x, train.y, {
      batchSize: input.batchSize,
      epochs: input.epochs,
      validationData: [validation.x, validation.y],
      shuffle: true,
      callbacks: [
        ...(stopper ? [stopper] : []),
        {
          onEpochBegin: (epoch: number) => {
            current = epoch + 1;
            clock.begin();
          },
          ...(onBatch && { onBatchProgress: (batch: number) => onBatch({ epoch: current, epochs: input.epochs, batch: batch + 1, batches: stepsPerEpoch }) }),
          onEpochEnd: (epoch: number, logs: Logs) => {
            const speed = clock.end();
            onEpoch?.({ epoch: epoch + 1, epochs: input.epochs, loss: logs.loss!, valLoss: logs.val_loss!, ...speed });
          },
        },
      ],
    });
    const loss = history.history.loss ?? [];
    const valLoss = history.history.val_loss ?? [];
    const bestEpoch = valLoss.indexOf(Math.min(...valLoss)) + 1;
    const stoppedEarly = stopper && stopper.stoppedEpoch > 0 ? { epoch: stopper.stoppedEpoch + 1, bestEpoch } : null;

    const unscale = (t: { data: Float32Array }) => Array.from(scaler.inverseTransform(t.data, { column: 0 }).data);
    const parts = { train, validation, test } as const;
    const predicted: ForecastResult['predicted'] = { index: [], value: [], part: [] };
    let testPred: number[] = [];
    for (const name of ['train', 'validation', 'test'] as const) {
      const w: Windows = parts[name];
      if (w.x.shape[0] === 0) continue;
      const rows = Array.from(w.targetIndex, (t) => t + shift);
      const p = unscale(await model.predict(w.x, { batchSize: 256 })).map((v, k) => base(rows[k]!) + v);
      if (name === 'test') testPred = p;
      predicted.index.push(...rows);
      predicted.value.push(...p);
      predicted.part.push(...p.map(() => name));
    }
    const testRows = Array.from(test.targetIndex, (t) => t + shift);
    const actual = testRows.map((r) => values[r]!);
    const naive = testRows.map((r) => values[r - 1]!);
    const ahead = unscale(await forecastAhead(model, scaler.transform(modelled).data, input));
    let last = values[values.length - 1]!;
    const forecast = change ? ahead.map((d) => (last += d)) : ahead;

    return {
      rows: values.length,
      split: sizes(prepared.split),
      windows: { train: train.x.shape[0]!, validation: validation.x.shape[0]!, test: test.x.shape[0]! },
      history: { loss, valLoss },
      stoppedEarly,
      ranges: { train: rangeOf(modelled, prepared.split.train), test: rangeOf(modelled, prepared.split.test) },
      test: { model: errorsOf(testPred, actual), naive: errorsOf(naive, actual) },
      predicted,
      forecast: { times: input.times && futureTimes(input.times, input.horizon), value: forecast },
      speed: clock.overall(),
    };
  } finally {
    model.dispose();
  }
}

function rangeOf(values: Float64Array, rows: { start: number; end: number }): [number, number] {
  const part = values.subarray(rows.start, rows.end);
  return [Math.min(...part), Math.max(...part)];
}

function sizes(split: { train: { start: number; end: number }; validation: { start: number; end: number }; test: { start: number; end: number } }) {
  return { train: split.train.end - split.train.start, validation: split.validation.end - split.validation.start, test: split.test.end - split.test.start };
}

/**
 * Recursive multi-step forecast: predict the next scaled value from the last `window` ones, append it, repeat.
 * Errors compound with each step, which is why the chart draws the forecast apart from the scored predictions.
 */
async function forecastAhead(model: ForecastModel, scaled: Float32Array, input: ForecastInput): Promise<{ data: Float32Array }> {
  const recent = Array.from(scaled.subarray(scaled.length - input.window));
  const out = new Float32Array(input.horizon);
  for (let h = 0; h < input.horizon; h++) {
    const next = (await model.predict({ data: Float32Array.from(recent), shape: [1, input.window, 1] })).data[0]!;
    out[h] = next;
    recent.shift();
    recent.push(next);
  }
  return { data: out };
}
