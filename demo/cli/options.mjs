// Command-line options of `npm start`. Every mistake becomes a UsageError with one line saying what was
// expected, what was given and what to do; main.mjs prints it and exits with status 2.
import { parseArgs } from 'node:util';

export class UsageError extends Error {}

export const DEFAULTS = {
  window: 60,
  epochs: 20,
  units: 50,
  horizon: 30,
  batchSize: 32,
  patience: 5,
  seed: 42,
  out: 'out',
  target: 'level',
  runtime: 'browser',
};

const TARGETS = ['level', 'change'];
const RUNTIMES = ['browser', 'node'];

export const USAGE = `Usage: npm start -- [options]

Trains the Keras stock tutorial's model (LSTM(units, relu) + Dense(1), Adam, MSE) on WebGPU, scores it against the naive last-value forecast on the last 15% of the series (held out in time),
forecasts the next --horizon steps and writes OUT/forecast.html and OUT/forecast.png.

Data (default: the bundled AAPL daily closes, 1280 days, from @visx/mock-data):
  --csv FILE            a CSV file with a header row
  --column NAME         the numeric column to forecast (needed when the CSV has more than one)
  --date-column NAME    a date column (ISO 8601): rows are sorted by it and the charts use it
  --last N              use only the last N rows (quick runs)

Model and training:
  --target level|change what the model predicts: the next value, as the tutorial (default), or the next
                        day-to-day change, added to the last value
  --window N            timesteps per input window (default ${DEFAULTS.window})
  --epochs N            most epochs to train (default ${DEFAULTS.epochs})
  --units N             LSTM units (default ${DEFAULTS.units})
  --batch-size N        (default ${DEFAULTS.batchSize})
  --patience N          stop after N epochs without a better val_loss and keep the best weights; 0 never stops (default ${DEFAULTS.patience})
  --seed N              weight initialization and shuffling (default ${DEFAULTS.seed})

Output:
  --horizon N           steps to forecast past the end (default ${DEFAULTS.horizon})
  --out DIR             where forecast.html and forecast.png go (default ${DEFAULTS.out})
  --runtime browser|node  where WebGPU runs: headless Chromium (default: needs only the chromium package), or
                        this Node process on Dawn (webrnn/node: needs the 'webgpu' package; starts faster)
  -h, --help            this text

Example: npm start -- --csv node_modules/vega-datasets/data/seattle-weather.csv --column temp_max --date-column date`;

const INTEGER_OPTIONS = { window: 1, epochs: 1, units: 1, horizon: 1, 'batch-size': 1, patience: 0, seed: 0, last: 2 };

export function parseOptions(argv) {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        csv: { type: 'string' },
        column: { type: 'string' },
        'date-column': { type: 'string' },
        target: { type: 'string' },
        out: { type: 'string' },
        runtime: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        ...Object.fromEntries(Object.keys(INTEGER_OPTIONS).map((k) => [k, { type: 'string' }])),
      },
    });
  } catch (e) {
    // Node's messages are already one line, e.g. "Unknown option '--epoch'"; add the way to the list.
    throw new UsageError(`${e.message.split('\n')[0].replace(/\.+$/, '')}. Run 'npm start -- --help' for the options.`);
  }
  const v = parsed.values;
  if (v.help) return { help: true };
  const ints = {};
  for (const [name, min] of Object.entries(INTEGER_OPTIONS)) {
    if (v[name] === undefined) continue;
    const text = v[name].trim();
    const n = Number(text);
    if (!/^[0-9]+$/.test(text) || !Number.isSafeInteger(n) || n < min) {
      throw new UsageError(`--${name} expects an integer ≥ ${min}; got ${JSON.stringify(v[name])}.`);
    }
    ints[name] = n;
  }
  if (v.csv === undefined && (v.column !== undefined || v['date-column'] !== undefined)) {
    throw new UsageError(
      `--${v.column !== undefined ? 'column' : 'date-column'} picks a column of a --csv file; give --csv FILE too (the bundled AAPL series needs neither).`,
    );
  }
  if (v.target !== undefined && !TARGETS.includes(v.target)) {
    throw new UsageError(`--target expects ${TARGETS.join(' or ')}; got ${JSON.stringify(v.target)}.`);
  }
  if (v.runtime !== undefined && !RUNTIMES.includes(v.runtime)) {
    throw new UsageError(`--runtime expects ${RUNTIMES.join(' or ')}; got ${JSON.stringify(v.runtime)}.`);
  }
  for (const name of ['csv', 'column', 'date-column', 'out']) {
    if (v[name] !== undefined && v[name].trim() === '') throw new UsageError(`--${name} expects a value; got an empty string.`);
  }
  return {
    help: false,
    csv: v.csv ?? null,
    column: v.column ?? null,
    dateColumn: v['date-column'] ?? null,
    out: v.out ?? DEFAULTS.out,
    target: v.target ?? DEFAULTS.target,
    runtime: v.runtime ?? DEFAULTS.runtime,
    last: ints.last ?? null,
    window: ints.window ?? DEFAULTS.window,
    epochs: ints.epochs ?? DEFAULTS.epochs,
    units: ints.units ?? DEFAULTS.units,
    horizon: ints.horizon ?? DEFAULTS.horizon,
    batchSize: ints['batch-size'] ?? DEFAULTS.batchSize,
    patience: ints.patience ?? DEFAULTS.patience,
    seed: ints.seed ?? DEFAULTS.seed,
  };
}
