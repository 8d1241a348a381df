/**
 * The founding brief's §7.1 study: how the cell (LSTM, GRU, SimpleRNN, SRU, echo-state network), the window length
 * and the activation change a one-step forecast, on the same data and splits. Shared by `npm run study`
 * (demo/cli/study.mjs, in Node on Dawn) and the Study page (demo/study/main.ts, in the browser).
 *
 * Each dataset is split in time (70 / 15 / 15 %), scaled with statistics of its training rows only, and windowed
 * (src/data/prepare.ts). Gradient cells train with Adam and early stopping on the validation loss (best weights
 * restored); the echo-state network's readout is fitted in closed form (model.fitRidge). Scores are on the test
 * part, in the series' units: RMSE, NRMSE (RMSE over the test targets' standard deviation), and RMSE over the
 * naive forecast's (the level stays as it was: the last value, or a change of 0 for a series of changes).
 */
import { callbacks, layers, optimizers, prepareSeries, sequential, type Runtime, type Sequential } from '../../../src/index';
import { errorsOf } from '../metrics';

export const STUDY_CELLS = ['lstm', 'gru', 'simpleRNN', 'sru', 'esn'] as const;
export type StudyCell = (typeof STUDY_CELLS)[number];
export type StudyActivation = 'tanh' | 'relu';

export interface StudySeries {
  name: string;
  values: readonly number[];
  /** The series is of changes: the naive forecast is a change of 0. */
  changes: boolean;
  unit: string;
}

export interface StudyOptions {
  windows: number[];
  cells: StudyCell[];
  /** For the gradient-trained cells; the reservoir is always tanh. */
  activations: StudyActivation[];
  units: number;
  /** The reservoir's size (a reservoir wants many more units than a trained cell). */
  esnUnits: number;
  epochs: number;
  batchSize: number;
  patience: number;
  learningRate: number;
  seed: number;
}

export const DEFAULT_STUDY: StudyOptions = {
  windows: [10, 30],
  cells: [...STUDY_CELLS],
  activations: ['tanh', 'relu'],
  units: 32,
  esnUnits: 200,
  epochs: 30,
  batchSize: 32,
  patience: 5,
  learningRate: 0.005,
  seed: 7,
};

export interface StudyRow {
  dataset: string;
  cell: StudyCell;
  activation: string;
  window: number;
  rmse: number;
  nrmse: number;
  /** RMSE / the naive forecast's RMSE: below 1 beats it. */
  vsNaive: number;
  naiveRmse: number;
  /** Wall time of training (fit, or fitRidge), ms. */
  trainMs: number;
  /** Epochs run (0 for the ridge readout). */
  epochs: number;
  params: number;
}

/** The population standard deviation. */
export function std(values: ArrayLike<number>): number {
  let [sum, sq] = [0, 0];
  for (let i = 0; i < values.length; i++) sum += values[i]!;
  const mean = sum / values.length;
  for (let i = 0; i < values.length; i++) sq += (values[i]! - mean) ** 2;
  return Math.sqrt(sq / values.length);
}

function model(rt: Runtime, cell: StudyCell, activation: StudyActivation, window: number, o: StudyOptions): Sequential {
  const m = sequential(rt, { seed: o.seed });
  const inputShape = [window, 1];
  if (cell === 'esn')
    m.add(layers.echoState({ units: o.esnUnits, spectralRadius: 0.9, leakRate: 0.5, connectivity: 0.1, biasScaling: 0.1, seed: o.seed, inputShape }));
  else if (cell === 'lstm') m.add(layers.lstm({ units: o.units, activation, inputShape }));
  else if (cell === 'gru') m.add(layers.gru({ units: o.units, activation, inputShape }));
  else if (cell === 'simpleRNN') m.add(layers.simpleRNN({ units: o.units, activation, inputShape }));
  else m.add(layers.sru({ units: o.units, activation, inputShape }));
  m.add(layers.dense({ units: 1 }));
  return m;
}

/** One row of the study: a cell, activation and window on one series. */
export async function studyRun(
  rt: Runtime,
  series: StudySeries,
  cell: StudyCell,
  activation: StudyActivation,
  window: number,
  o: StudyOptions,
): Promise<StudyRow> {
  const p = prepareSeries(Array.from(series.values), { window, scaler: 'standard' });
  const m = model(rt, cell, activation, window, o);
  try {
    const started = performance.now();
    let epochs = 0;
    if (cell === 'esn') {
      await m.fitRidge(p.train.x, p.train.y, { alpha: 1e-3 });
    } else {
      m.compile({ optimizer: optimizers.adam({ learningRate: o.learningRate }), loss: 'mse' });
      const history = await m.fit(p.train.x, p.train.y, {
        epochs: o.epochs,
        batchSize: o.batchSize,
        validationData: [p.validation.x, p.validation.y],
        callbacks: [callbacks.earlyStopping({ monitor: 'val_loss', patience: o.patience, restoreBestWeights: true })],
      });
      epochs = history.history.loss!.length;
    }
    const trainMs = performance.now() - started;
    const scaled = (await m.predict(p.test.x)).data;
    const inverse = (v: Float32Array) => p.scaler.inverseTransform({ data: v, shape: [v.length, 1] }, { column: 0 }).data;
    const predicted = inverse(scaled);
    const actual = inverse(p.test.y.data as Float32Array);
    // The last value of each input window, in the series' units: the naive level forecast.
    const w = p.test.x.shape[1]!;
    const last = inverse(Float32Array.from({ length: actual.length }, (_, i) => p.test.x.data[i * w + w - 1]!));
    const naive = series.changes ? new Float64Array(actual.length) : last;
    const [error, naiveError] = [predicted, naive].map((p) => errorsOf(Array.from(p), Array.from(actual)).rmse) as [number, number];
    return {
      dataset: series.name,
      cell,
      activation: cell === 'esn' ? 'tanh (fixed)' : activation,
      window,
      rmse: error,
      nrmse: error / std(actual),
      vsNaive: error / naiveError,
      naiveRmse: naiveError,
      trainMs,
      epochs,
      params: m.countParams(),
    };
  } finally {
    m.dispose();
  }
}

/** Every (cell, activation, window) on every series; `progress` hears of each row as it lands. */
export async function runStudy(
  rt: Runtime,
  datasets: StudySeries[],
  o: StudyOptions,
  progress: (row: StudyRow, done: number, total: number) => void = () => {},
): Promise<StudyRow[]> {
  const jobs = datasets.flatMap((series) =>
    o.windows.flatMap((window) =>
      o.cells.flatMap((cell) => (cell === 'esn' ? ['tanh' as const] : o.activations).map((activation) => ({ series, cell, activation, window }))),
    ),
  );
  const rows: StudyRow[] = [];
  for (const j of jobs) {
    const row = await studyRun(rt, j.series, j.cell, j.activation, j.window, o);
    rows.push(row);
    progress(row, rows.length, jobs.length);
  }
  return rows;
}
